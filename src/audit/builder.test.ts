// The chain builder: in id order, never past an id a running transaction may still commit, gaps
// only for ids known to be rolled back, hashing what PostgreSQL stored; run by the server's jobs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import os from 'node:os'
import path from 'node:path'
import { withActor } from '../platform/actor.ts'
import { createPool, type Sql } from '../platform/db.ts'
import { ConfigError, loadConfig } from '../platform/config.ts'
import { createLogger } from '../platform/log.ts'
import type { AppContext } from '../platform/http.ts'
import { testDatabase } from '../../test/db.ts'
import { eventually } from '../../test/eventually.ts'
import { TEST_AUTH_KEY } from '../../test/app.ts'
import { AUDIT_OFFICER, chainedAndVerified, TEST_AUDIT_KEY, withAuditDb } from '../../test/audit.ts'
import { auditKey, jobHandlers } from '../app.ts'
import { enqueue, startJobRunner } from '../jobs/index.ts'
import { BUILD_AUDIT_CHAIN, buildAuditChain, loadAuditKey, recordAudit, verifyAuditChain } from './index.ts'
import { eventsAfter } from './queries.ts'

const officer = AUDIT_OFFICER
const withDb = withAuditDb

const record = (app: Sql, action: string) => withActor(app, officer, (tx) => recordAudit(tx, officer, { action, entityType: 'test' }))

/** A transaction that records an event and waits, open, until told to commit or roll back. */
function openWriter(app: Sql, action: string) {
  let finish!: (commit: boolean) => void
  const decided = new Promise<boolean>((resolve) => (finish = resolve))
  let id!: number
  let recorded!: () => void
  const isRecorded = new Promise<void>((resolve) => (recorded = resolve))
  const done = withActor(app, officer, async (tx) => {
    id = (await recordAudit(tx, officer, { action, entityType: 'test' })).id
    recorded()
    if (!(await decided)) throw new Error('rolled back on purpose')
  }).catch((e: Error) => {
    if (e.message !== 'rolled back on purpose') throw e
  })
  return {
    ready: isRecorded.then(() => id),
    commit: async () => (finish(true), done),
    rollBack: async () => (finish(false), done),
  }
}

test('an event that commits after a later one is chained in its place: the builder waits at its id', async () => {
  await withDb(async (db, app) => {
    await record(app, 'test.first') // 1
    const slow = openWriter(app, 'test.slow')
    assert.equal(await slow.ready, 2)
    await record(app, 'test.later') // 3 commits while 2 is still open
    // Twice: the second run must not take the open transaction's id for a rolled-back one.
    for (let i = 0; i < 2; i++) {
      const r = await buildAuditChain(db.sql, TEST_AUDIT_KEY)
      assert.deepEqual(r, { chained: i === 0 ? 1 : 0, gaps: 0, lastId: 1, unchained: 1, waitingOn: 2 })
    }
    const partial = await verifyAuditChain(db.sql, TEST_AUDIT_KEY)
    assert.deepEqual([partial.ok, partial.chainedUpTo, partial.unchained, partial.events], [true, 1, 1, 2])
    await slow.commit()
    assert.deepEqual(await buildAuditChain(db.sql, TEST_AUDIT_KEY), { chained: 2, gaps: 0, lastId: 3, unchained: 0, waitingOn: null })
    assert.deepEqual((await db.sql`SELECT event_id, kind FROM audit_link ORDER BY event_id`).map((r) => [r.event_id, r.kind]), [
      [1, 'event'],
      [2, 'event'],
      [3, 'event'],
    ])
    const v = await verifyAuditChain(db.sql, TEST_AUDIT_KEY)
    assert.deepEqual([v.ok, v.chainedUpTo, v.unchained, v.gaps], [true, 3, 0, 0])
  })
})

test('an id whose transaction rolls back after a later one committed becomes a gap once nothing can fill it', async () => {
  await withDb(async (db, app) => {
    const doomed = openWriter(app, 'test.doomed')
    assert.equal(await doomed.ready, 1)
    await record(app, 'test.kept') // 2
    assert.equal((await buildAuditChain(db.sql, TEST_AUDIT_KEY)).waitingOn, 1)
    await doomed.rollBack()
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.ok, v.chainedUpTo, v.gaps, v.events], [true, 2, 1, 1])
    assert.deepEqual((await db.sql`SELECT event_id, kind FROM audit_link ORDER BY event_id`).map((r) => [r.event_id, r.kind]), [
      [1, 'gap'],
      [2, 'event'],
    ])
  })
})

test('the chain is built in batches; a partly built chain verifies and says how far it reaches', async () => {
  await withDb(async (db, app) => {
    for (let i = 0; i < 7; i++) await record(app, `test.e${i}`)
    const r = await buildAuditChain(db.sql, TEST_AUDIT_KEY, { batchSize: 2, maxBatches: 2 })
    assert.deepEqual(r, { chained: 4, gaps: 0, lastId: 4, unchained: 3, waitingOn: null })
    const v = await verifyAuditChain(db.sql, TEST_AUDIT_KEY)
    assert.deepEqual([v.ok, v.events, v.chainedUpTo, v.unchained, v.brokenCount], [true, 7, 4, 3, 0])
    const [e4] = await db.sql<{ at: Date }[]>`SELECT at FROM audit_event WHERE id = 4`
    assert.equal(v.chainedUpToAt?.getTime(), e4!.at.getTime())
    assert.deepEqual(await buildAuditChain(db.sql, TEST_AUDIT_KEY, { batchSize: 2 }), { chained: 3, gaps: 0, lastId: 7, unchained: 0, waitingOn: null })
  })
})

test('tricky content round-trips: the chain hashes what PostgreSQL stored, and a change JavaScript cannot see is still found', async () => {
  await withDb(async (db, app) => {
    await withActor(app, officer, (tx) =>
      recordAudit(tx, officer, {
        action: 'participant.update',
        entityType: 'participant',
        entityId: 'Ñoman "Baik" \\ 😀',
        before: { z: 1, a: { y: [3, { q: 'x', b: null }], c: 'tab\there' }, 'kunci "aneh"': 'back\\slash' },
        after: { z: 2, a: { y: [3, { b: true, q: 'ẞ𝓐 — ñ' }], c: 'line\nbreak' }, at: '2026-03-01T08:00:00.123456+07:00', big: 9007199254740991 },
      }),
    )
    // Straight from SQL, as only jsonb can hold it: a number past 2^53, duplicate keys (the last
    // wins), exponent notation, trailing zeros (kept: 1.10), keys in odd order.
    await withActor(app, officer, (tx) => tx`
      INSERT INTO audit_event (actor_kind, actor_name, action, entity_type, changes)
      VALUES ('user', 'siti', 'test.raw', 'test',
              '{"z": {"b": 123456789012345678901234567890, "a": 1.10, "a": 2.50}, "e": 1e3, "s": "\\" \\\\ \\u00e9 \\ud83d\\ude00"}'::jsonb)`)
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.ok, v.chainedUpTo], [true, 2])
    const [row] = await eventsAfter(db.sql, 1, 1)
    const canonical = JSON.parse(row!.canonical.toString('utf8')) as unknown[]
    // One element per column, the time to the microsecond in UTC, jsonb's own normal form.
    assert.equal(canonical.length, 13)
    assert.match(canonical[1] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    assert.match(row!.canonical.toString('utf8'), /"z": \{"a": 2\.50, "b": 123456789012345678901234567890\}/)
    assert.match(row!.canonical.toString('utf8'), /"e": 1000/)

    // One unit in the 30th digit: the same number to JavaScript, another row to PostgreSQL.
    const [{ same }] = (await db.sql`
      SELECT (changes #>> '{z,b}')::numeric = 123456789012345678901234567890 AS same FROM audit_event WHERE id = 2`) as unknown as [{ same: boolean }]
    assert.equal(same, true)
    await db.sql.begin(async (tx) => {
      await tx`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`
      await tx`UPDATE audit_event SET changes = jsonb_set(changes, '{z,b}', '123456789012345678901234567891') WHERE id = 2`
      await tx`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`
    })
    const [js] = await db.sql<{ changes: { z: { b: number } } }[]>`SELECT changes FROM audit_event WHERE id = 2`
    assert.equal(js!.changes.z.b, 123456789012345678901234567890, 'JavaScript sees no difference')
    const after = await verifyAuditChain(db.sql, TEST_AUDIT_KEY)
    assert.deepEqual(after.broken.map((b) => b.id), [2])
  })
})

test("the server's job runner builds the chain: the audit.chain job, on its schedule and when enqueued", async () => {
  const db = await testDatabase()
  const appSql = createPool(db.appUrl, { max: 4 })
  const config = loadConfig({ DATABASE_URL: db.url, JAMSOS_DATA_DIR: path.join(os.tmpdir(), 'jamsos-test-data') })
  const ctx: AppContext = { db: appSql, systemDb: db.sql, config, now: () => new Date(), services: { authKey: Buffer.from(TEST_AUTH_KEY, 'base64') } }
  const runner = await startJobRunner({ url: db.url, handlers: jobHandlers(ctx, createLogger('silent')), log: createLogger('silent'), pollingIntervalSeconds: 0.5 })
  try {
    for (let i = 0; i < 5; i++) await record(appSql, `test.job${i}`)
    const first = await enqueue(db.sql, BUILD_AUDIT_CHAIN, {})
    const key = auditKey(config, ctx.services as { authKey?: Buffer })
    await eventually('the job to chain the five events', async () => (await verifyAuditChain(db.sql, key)).chainedUpTo === 5)
    const v = await verifyAuditChain(db.sql, key)
    assert.deepEqual([v.ok, v.unchained], [true, 0])
    // The schedule that brings it back every minute, and the follow-up a run that found work leaves.
    const [s] = await db.sql`SELECT name, cron FROM pgboss.schedule WHERE name = 'audit.chain'`
    assert.deepEqual({ ...s }, { name: 'audit.chain', cron: '* * * * *' })
    // A run that found work comes back a second later (writes usually keep coming).
    await eventually('the follow-up run', async () =>
      (await db.sql`SELECT 1 FROM pgboss.job WHERE name = 'audit.chain' AND id <> ${first}`).length > 0)
  } finally {
    await runner.stop()
    await appSql.end()
    await db.close()
  }
})

test('the key: JAMSOS_AUDIT_KEY, or derived from the instance secret; a bad value stops start-up naming it', () => {
  const secret = Buffer.from(TEST_AUTH_KEY, 'base64')
  const configured = Buffer.alloc(32, 5).toString('base64')
  assert.deepEqual(loadAuditKey(configured, () => secret), Buffer.alloc(32, 5))
  const derived = loadAuditKey(undefined, () => secret)
  assert.equal(derived.length, 32)
  assert.notDeepEqual(derived, secret, 'not the auth key itself')
  assert.deepEqual(loadAuditKey(undefined, () => secret), derived, 'the same secret gives the same key on every host')
  for (const bad of ['not-a-key', Buffer.alloc(16).toString('base64'), 'x'.repeat(44)]) {
    assert.throws(() => loadAuditKey(bad, () => secret), (e: Error) => e instanceof ConfigError && /JAMSOS_AUDIT_KEY/.test(e.message))
  }
  // The server builds its job handlers at start: a bad key stops it there.
  const ctx = { config: loadConfig({ JAMSOS_AUDIT_KEY: 'not-a-key' }), services: { authKey: secret } } as unknown as AppContext
  assert.throws(() => jobHandlers(ctx, createLogger('silent')), ConfigError)
})
