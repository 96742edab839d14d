import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, withActor, type Actor } from '../platform/actor.ts'
import type { Sql } from '../platform/db.ts'
import { sqlState } from '../platform/errors.ts'
import { AUDIT_OFFICER, chainedAndVerified, TEST_AUDIT_KEY, withAuditDb } from '../../test/audit.ts'
import { buildAuditChain, recordAudit, verifyAuditChain } from './index.ts'
import { AUDIT_EVENT_COLUMNS } from './queries.ts'

const officer = AUDIT_OFFICER
const withDb = withAuditDb

test('an event records who, when, from where, what, and only the changed fields, NIK masked', async () => {
  await withDb(async (db, app) => {
    const before = new Date()
    const { id } = await withActor(app, officer, (tx) =>
      recordAudit(tx, officer, {
        action: 'participant.update',
        entityType: 'participant',
        entityId: '10000000011',
        before: { phone: '0811', address: 'Jl. A', nik: '3505014501900001', branch_code: 'KC3505' },
        after: { phone: '0822', address: 'Jl. A', nik: '3505014501900002', branch_code: 'KC3505' },
      }),
    )
    const [e] = await db.sql`SELECT * FROM audit_event WHERE id = ${id}`
    assert.deepEqual(
      { ...e, at: undefined },
      {
        id: 1,
        at: undefined,
        actor_kind: 'user',
        actor_user_id: 12,
        actor_partner_id: null,
        actor_name: 'siti',
        actor_role: 'branch_officer',
        ip: '10.0.0.7',
        action: 'participant.update',
        entity_type: 'participant',
        entity_id: '10000000011',
        branch_code: 'KC3505',
        changes: { before: { phone: '0811', nik: '3505**********01' }, after: { phone: '0822', nik: '3505**********02' } },
      },
    )
    // Stamped by the database's clock when it was recorded.
    assert.ok(e!.at.getTime() >= before.getTime() - 1000 && e!.at.getTime() <= Date.now() + 1000)
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.ok, v.events, v.chainedUpTo, v.unchained, v.gaps], [true, 1, 1, 0, 0])
  })
})

test('a caller records events it cannot read (an anonymous refused login), and learns their id', async () => {
  await withDb(async (db, app) => {
    const throttle: Actor = { ...SYSTEM_ACTOR, name: 'login throttle', ip: '10.9.9.9' }
    const first = await withActor(app, ANONYMOUS_ACTOR, (tx) => recordAudit(tx, throttle, { action: 'user.lock', entityType: 'user', entityId: 7 }))
    const second = await withActor(app, ANONYMOUS_ACTOR, (tx) => recordAudit(tx, throttle, { action: 'user.lock', entityType: 'user', entityId: 8 }))
    assert.deepEqual([first.id, second.id], [1, 2])
    assert.equal((await withActor(app, ANONYMOUS_ACTOR, (tx) => tx`SELECT id FROM audit_event`)).length, 0)
    assert.deepEqual((await db.sql`SELECT id, entity_id FROM audit_event ORDER BY id`).map((r) => [r.id, r.entity_id]), [
      [1, '7'],
      [2, '8'],
    ])
  })
})

test('recording takes no lock: 24 writers append at once while one holds its transaction open', async () => {
  await withDb(async (db, app) => {
    // A writer that recorded its event and has not committed: under the old head lock every other
    // writer waited for it.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let recorded!: () => void
    const isRecorded = new Promise<void>((resolve) => (recorded = resolve))
    const holder = withActor(app, officer, async (tx) => {
      await recordAudit(tx, officer, { action: 'test.slow', entityType: 'test' })
      recorded()
      await held
    })
    await isRecorded
    const ids = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.parallel', entityType: 'test', entityId: i })),
      ),
    )
    assert.equal(new Set(ids.map((r) => r.id)).size, 24)
    assert.equal((await db.sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'test.parallel'`)[0]!.n, 24)
    release()
    await holder
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.ok, v.events, v.chainedUpTo, v.gaps], [true, 25, 25, 0])
  })
})

test('a rolled-back append leaves its id unused; the chain records it as a gap and goes on', async () => {
  await withDb(async (db, app) => {
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.before', entityType: 'test' }))
    await assert.rejects(
      withActor(app, officer, async (tx) => {
        await recordAudit(tx, officer, { action: 'test.rolled_back', entityType: 'test' })
        throw new Error('the change failed, so its event must vanish with it')
      }),
      /must vanish/,
    )
    await withActor(app, SYSTEM_ACTOR, (tx) => recordAudit(tx, SYSTEM_ACTOR, { action: 'test.after', entityType: 'test' }))
    assert.deepEqual((await db.sql`SELECT id, action FROM audit_event ORDER BY id`).map((r) => [r.id, r.action]), [
      [1, 'test.before'],
      [3, 'test.after'],
    ])
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.ok, v.events, v.chainedUpTo, v.gaps, v.unchained], [true, 2, 3, 1, 0])
    assert.deepEqual((await db.sql`SELECT event_id, kind FROM audit_link ORDER BY event_id`).map((r) => [r.event_id, r.kind]), [
      [1, 'event'],
      [2, 'gap'],
      [3, 'event'],
    ])
  })
})

test('the application role appends raw events only: id and time are stamped, links and head are out of reach', async () => {
  await withDb(async (db, app) => {
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.real', entityType: 'test' }))
    await buildAuditChain(db.sql, TEST_AUDIT_KEY)
    // Choosing its own id (say, one the chain already passed) or a time in the past does not take.
    const [forged] = await withActor(app, officer, (tx) =>
      tx<{ id: number; at: Date }[]>`
        INSERT INTO audit_event (id, at, actor_kind, actor_user_id, actor_name, action, entity_type)
        VALUES (1, '2001-01-01T00:00:00Z', 'user', 12, 'siti', 'test.forged', 'test') RETURNING id, at`,
    )
    assert.equal(forged!.id, 2)
    assert.ok(forged!.at.getFullYear() >= 2025)
    const refused = async (q: (tx: Sql) => Promise<unknown>) => {
      await assert.rejects(withActor(app, officer, (tx) => q(tx as unknown as Sql)), (e) => sqlState(e) === '42501')
    }
    // Neither a link that would make its event look chained, nor moving the head, nor changing a link.
    await refused((tx) => tx`INSERT INTO audit_link (event_id, kind, prev_hash, hash) VALUES (2, 'event', ${'0'.repeat(64)}, ${'a'.repeat(64)})`)
    await refused((tx) => tx`INSERT INTO audit_link (event_id, kind, prev_hash, hash) VALUES (5, 'gap', ${'0'.repeat(64)}, ${'a'.repeat(64)})`)
    await refused((tx) => tx`UPDATE audit_chain_head SET last_id = 2`)
    await refused((tx) => tx`UPDATE audit_link SET hash = ${'a'.repeat(64)}`)
    await refused((tx) => tx`SELECT * FROM audit_chain_head`)
    await refused((tx) => tx`UPDATE audit_event SET action = 'x' WHERE id = 1`)
    await refused((tx) => tx`SELECT nextval('audit_event_id_seq')`)
    // The raw event is chained like any other: it is what the app recorded, no more.
    const v = await chainedAndVerified(db.sql)
    assert.deepEqual([v.ok, v.chainedUpTo, v.events], [true, 2, 2])
  })
})

test('a link made without the key (by someone who can write the tables) does not verify', async () => {
  await withDb(async (db, app) => {
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.one', entityType: 'test' }))
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.two', entityType: 'test' }))
    await buildAuditChain(db.sql, TEST_AUDIT_KEY)
    await withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.three', entityType: 'test' }))
    // The owner's pool, chaining event 3 with another key and moving the head to it.
    await buildAuditChain(db.sql, Buffer.alloc(32, 99))
    const v = await verifyAuditChain(db.sql, TEST_AUDIT_KEY)
    assert.equal(v.ok, false)
    assert.deepEqual(v.broken, [{ id: 3, problem: 'its content does not match its chain link (the event or its link was changed)' }])
  })
})

test('the canonical text the chain hashes covers every column of audit_event', async () => {
  await withDb(async (db) => {
    const cols = await db.sql<{ c: string }[]>`
      SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'audit_event' ORDER BY ordinal_position`
    assert.deepEqual(cols.map((r) => r.c), [...AUDIT_EVENT_COLUMNS])
  })
})
