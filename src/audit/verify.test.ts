// `jamsos audit verify` finds every change, deletion, insertion and reordering behind the
// application's back (only the owner, switching the append-only triggers off, can make them), and
// reports every broken event, not only the first.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { withActor } from '../platform/actor.ts'
import type { Sql, Tx } from '../platform/db.ts'
import { loadConfig } from '../platform/config.ts'
import { createLogger } from '../platform/log.ts'
import type { TestDatabase } from '../../test/db.ts'
import { AUDIT_OFFICER, chainedAndVerified, TEST_AUDIT_KEY, withAuditDb } from '../../test/audit.ts'
import { auditCommands, auditHash, buildAuditChain, GENESIS_HASH, recordAudit, verifyAuditChain } from './index.ts'

const officer = AUDIT_OFFICER
const withDb = withAuditDb

/** n events from the application role, as the modules write them, chained. */
async function chainedEvents(db: TestDatabase, app: Sql, n: number) {
  for (let i = 1; i <= n; i++) {
    await withActor(app, officer, (tx) =>
      recordAudit(tx, officer, {
        action: 'participant.update',
        entityType: 'participant',
        entityId: `1000000${i}`,
        before: { phone: '0811', nik: '3505014501900001', branch_code: 'KC3505' },
        after: { phone: `082${i}`, nik: '3505014501900001', branch_code: 'KC3505' },
      }),
    )
  }
  const v = await chainedAndVerified(db.sql)
  assert.deepEqual([v.ok, v.chainedUpTo], [true, n])
}

/** What only the owner can do, with the guards off for the moment. */
const behindTheBack = (db: TestDatabase, fn: (tx: Tx) => Promise<unknown>) =>
  db.sql.begin(async (tx) => {
    await tx`ALTER TABLE audit_event DISABLE TRIGGER USER`
    await tx`ALTER TABLE audit_link DISABLE TRIGGER USER`
    await fn(tx)
    await tx`ALTER TABLE audit_event ENABLE TRIGGER USER`
    await tx`ALTER TABLE audit_link ENABLE TRIGGER USER`
  })

const verify = (db: TestDatabase) => verifyAuditChain(db.sql, TEST_AUDIT_KEY)

async function cli(db: TestDatabase, name: string): Promise<{ code: number; out: string }> {
  const out: string[] = []
  const log = console.log
  console.log = (s: string) => out.push(s)
  try {
    const command = auditCommands(() => TEST_AUDIT_KEY).find((c) => c.name === name)!
    const code = await command.run({ config: loadConfig({ DATABASE_URL: db.url }), log: createLogger('silent'), values: {}, positionals: [] })
    return { code, out: out.join('\n') }
  } finally {
    console.log = log
  }
}

const CHANGED = 'its content does not match its chain link (the event or its link was changed)'

test('a changed event is found, and `jamsos audit verify` names it and fails', async () => {
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 5)
    await behindTheBack(db, (tx) => tx`UPDATE audit_event SET changes = jsonb_set(changes, '{after,phone}', '"0899"') WHERE id = 3`)
    const v = await verify(db)
    assert.deepEqual([v.ok, v.brokenCount, v.broken], [false, 1, [{ id: 3, problem: CHANGED }]])
    const { code, out } = await cli(db, 'audit verify')
    assert.equal(code, 1)
    assert.match(out, /Audit trail BROKEN: 1 broken event \(of 5\)/)
    assert.match(out, /event 3: its content does not match/)
    assert.match(out, /Chained up to event 5 \(recorded .*\); 0 events not yet chained\./)
  })
})

test('every broken event is reported, not only the first: a change, a time moved, a deletion, an insertion', async () => {
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 8)
    await behindTheBack(db, async (tx) => {
      await tx`UPDATE audit_event SET actor_name = 'budi' WHERE id = 2`
      await tx`UPDATE audit_event SET at = at + interval '1 microsecond' WHERE id = 4`
      await tx`DELETE FROM audit_event WHERE id = 6`
    })
    const v = await verify(db)
    assert.equal(v.ok, false)
    assert.deepEqual(v.broken, [
      { id: 2, problem: CHANGED },
      { id: 4, problem: CHANGED },
      { id: 6, problem: 'it was deleted (its chain link remains)' },
    ])
    const { out } = await cli(db, 'audit verify')
    assert.match(out, /BROKEN: 3 broken events/)
    assert.match(out, /event 2: .*\n {2}event 4: .*\n {2}event 6: it was deleted/)
  })
})

test('a deleted event and its link, in the middle or at the end, are found', async () => {
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 5)
    await behindTheBack(db, async (tx) => {
      await tx`DELETE FROM audit_event WHERE id = 3`
      await tx`DELETE FROM audit_link WHERE event_id = 3`
    })
    assert.deepEqual((await verify(db)).broken, [{ id: 3, problem: 'the event and its chain link are both missing (deleted)' }])
  })
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 5)
    await behindTheBack(db, async (tx) => {
      await tx`DELETE FROM audit_event WHERE id = 5`
      await tx`DELETE FROM audit_link WHERE event_id = 5`
    })
    assert.deepEqual((await verify(db)).broken, [{ id: 5, problem: 'the event and its chain link are both missing (deleted)' }])
  })
})

test('the links re-made to hide a change (without the key) still break, and a head moved back leaves links past it', async () => {
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 4)
    await behindTheBack(db, async (tx) => {
      await tx`UPDATE audit_link SET hash = ${'f'.repeat(64)} WHERE event_id = 2`
      await tx`UPDATE audit_chain_head SET last_id = 3, last_hash = (SELECT hash FROM audit_link WHERE event_id = 3)`
    })
    const v = await verify(db)
    assert.deepEqual(v.broken, [
      { id: 2, problem: CHANGED },
      { id: 3, problem: 'its chain link does not follow the link before it (links reordered, replaced or removed)' },
      { id: 4, problem: 'it has a chain link beyond the chain head (event 3): the head was moved back or the link forged' },
    ])
  })
})

test('an inserted event is found: in a recorded gap, or behind the chain without a link', async () => {
  await withDb(async (db, app) => {
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.a', entityType: 'test' }))
    await assert.rejects(
      withActor(app, officer, async (tx) => {
        await recordAudit(tx, officer, { action: 'test.rolled_back', entityType: 'test' })
        throw new Error('roll back')
      }),
    )
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.c', entityType: 'test' }))
    const built = await chainedAndVerified(db.sql)
    assert.deepEqual([built.ok, built.gaps, built.chainedUpTo], [true, 1, 3])
    // Into the gap the rolled-back change left, and at an id the chain already passed.
    await behindTheBack(db, async (tx) => {
      await tx`INSERT INTO audit_event (id, at, actor_kind, actor_name, action, entity_type) VALUES (2, now(), 'user', 'siti', 'test.slipped_in', 'test')`
      await tx`INSERT INTO audit_event (id, at, actor_kind, actor_name, action, entity_type) VALUES (0, now(), 'user', 'siti', 'test.before_all', 'test')`
    })
    const v = await verify(db)
    assert.deepEqual(v.broken, [
      { id: 0, problem: 'it lies before the chain, whose ids start at 1 (inserted)' },
      { id: 2, problem: 'it was inserted where the chain recorded an id that no committed transaction held' },
    ])
  })
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 3)
    await behindTheBack(db, async (tx) => {
      await tx`DELETE FROM audit_link WHERE event_id = 2`
    })
    assert.deepEqual((await verify(db)).broken, [
      { id: 2, problem: 'it is not in the chain: its link is missing (the link was deleted, or the event inserted after the chain passed its id)' },
    ])
  })
})

test('events swapped (reordered) break both places', async () => {
  await withDb(async (db, app) => {
    await chainedEvents(db, app, 4)
    await behindTheBack(db, async (tx) => {
      await tx`UPDATE audit_event SET id = -2 WHERE id = 2`
      await tx`UPDATE audit_event SET id = 2 WHERE id = 3`
      await tx`UPDATE audit_event SET id = 3 WHERE id = -2`
    })
    assert.deepEqual((await verify(db)).broken.map((b) => b.id), [2, 3])
  })
})

test('an intact trail verifies, and the commands say how far the chain is built', async () => {
  await withDb(async (db, app) => {
    for (let i = 0; i < 3; i++) await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.x', entityType: 'test' }))
    let r = await cli(db, 'audit verify')
    assert.equal(r.code, 0)
    assert.match(r.out, /Audit trail intact: 3 events, head 0{64}\nChained up to event 0; 3 events not yet chained\./)
    r = await cli(db, 'audit build')
    assert.equal(r.code, 0)
    assert.equal(r.out, 'Chained 3 events; the chain covers ids 1 to 3; 0 events not yet chained.')
    r = await cli(db, 'audit verify')
    assert.equal(r.code, 0)
    assert.match(r.out, /Audit trail intact: 3 events, head [0-9a-f]{64}\nChained up to event 3 \(recorded \d{4}-.*Z\); 0 events not yet chained\./)
  })
})

test('the empty trail verifies', async () => {
  await withDb(async (db) => {
    const v = await verify(db)
    assert.deepEqual(v, {
      ok: true,
      events: 0,
      chainedUpTo: 0,
      chainedUpToAt: null,
      gaps: 0,
      unchained: 0,
      headHash: GENESIS_HASH,
      broken: [],
      brokenCount: 0,
      legacyEvents: 0,
    })
    assert.deepEqual(await buildAuditChain(db.sql, TEST_AUDIT_KEY), { chained: 0, gaps: 0, lastId: 0, unchained: 0, waitingOn: null })
  })
})

test('events chained before migration 0014 keep being checked against their old links', async () => {
  await withDb(async (db, app) => {
    for (let i = 0; i < 3; i++) await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.old', entityType: 'test', after: { n: i } }))
    // The links 0007 made (moved to audit_legacy_link by 0014): SHA-256 over each row read back and the link before it.
    let prev = GENESIS_HASH
    for (const e of await db.sql`SELECT * FROM audit_event ORDER BY id`) {
      const hash = auditHash({
        id: e.id, at: e.at, actorKind: e.actor_kind, actorUserId: e.actor_user_id, actorPartnerId: e.actor_partner_id, actorName: e.actor_name,
        actorRole: e.actor_role, ip: e.ip, action: e.action, entityType: e.entity_type, entityId: e.entity_id, branchCode: e.branch_code,
        changes: e.changes, prevHash: prev,
      })
      await db.sql`INSERT INTO audit_legacy_link (event_id, prev_hash, hash) VALUES (${e.id}, ${prev}, ${hash})`
      prev = hash
    }
    assert.deepEqual(await verify(db).then((v) => [v.ok, v.legacyEvents]), [true, 3])
    // Changed before the keyed chain reached it (say, between the last old verify and the
    // upgrade): the keyed chain links the row as it found it, and the old link still tells.
    await behindTheBack(db, (tx) => tx`UPDATE audit_event SET changes = '{"after": {"n": 7}}' WHERE id = 2`)
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.chainedUpTo, v.legacyEvents], [3, 3])
    assert.deepEqual(v.broken, [{ id: 2, problem: 'its content does not match its link of the chain before migration 0014 (the event was changed)' }])
  })
})
