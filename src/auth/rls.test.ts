// Row-level security, tested in SQL itself: whatever a query asks for, the application role only
// ever sees and changes rows inside the caller's scope.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, withActor, type Actor, type Role } from '../platform/actor.ts'
import { createPool, type Sql } from '../platform/db.ts'
import { sqlState } from '../platform/errors.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { seedParticipant, type SeededParticipant } from '../../test/auth.ts'
import { setAgentTerritory } from './index.ts'

let db: TestDatabase
let app: Sql
const p: Record<string, SeededParticipant> = {}

const actor = (role: Role, extra: Partial<Actor> = {}): Actor => ({ ...ANONYMOUS_ACTOR, kind: 'user', userId: 1, name: role, role, ...extra })
const officerA = actor('branch_officer', { branchCodes: ['KC3505'] })
const officerB = actor('branch_officer', { branchCodes: ['KC3573'] })

before(async () => {
  db = await testDatabase()
  app = createPool(db.url, { max: 4, role: 'jamsos_app' })
  p.a1 = await seedParticipant(db.sql, { branchCode: 'KC3505', villageCode: '35.05.01.2001', agentId: 9001 })
  p.a2 = await seedParticipant(db.sql, { branchCode: 'KC3505', villageCode: '35.05.02.2002', partnerId: 8001 })
  p.b1 = await seedParticipant(db.sql, { branchCode: 'KC3573', villageCode: '35.73.01.1001', sponsorId: 7001 })
  p.b2 = await seedParticipant(db.sql, { branchCode: 'KC3573', villageCode: '35.73.02.1002', agentId: 9002, partnerId: 8002 })
  await setAgentTerritory(db.sql, 9002, ['35.05.02.2002'])
  for (const x of Object.values(p)) await db.sql`INSERT INTO heir (participant_id, full_name, relationship) VALUES (${x.id}, 'Ahli Waris', 'child')`
})
after(async () => {
  await app.end()
  await db.close()
})

const ids = async (a: Actor, table = 'participant') =>
  (await withActor(app, a, (tx) => tx.unsafe(`SELECT ${table === 'participant' ? 'id' : 'participant_id AS id'} FROM ${table} ORDER BY 1`))).map(
    (r) => Number(r.id),
  )

test('a branch officer of KC3505 sees KC3505 rows only, even with no WHERE clause at all', async () => {
  assert.deepEqual(await ids(officerA), [p.a1!.id, p.a2!.id])
  assert.deepEqual(await ids(officerB), [p.b1!.id, p.b2!.id])
  assert.deepEqual(await ids(actor('branch_officer', { branchCodes: ['KC3505', 'KC3573'] })), Object.values(p).map((x) => x.id))
  const [row] = await withActor(app, officerA, (tx) => tx`SELECT id FROM participant WHERE id = ${p.b1!.id}`)
  assert.equal(row, undefined)
})

test('child tables follow their participant', async () => {
  assert.deepEqual(await ids(officerA, 'heir'), [p.a1!.id, p.a2!.id])
  assert.deepEqual(await ids(actor('sponsor', { sponsorId: 7001 }), 'heir'), [p.b1!.id])
})

test('each scoped role sees exactly its own', async () => {
  // Agent 9002 registered b2 and covers the village of a2.
  assert.deepEqual(await ids(actor('agent', { agentId: 9002 })), [p.a2!.id, p.b2!.id])
  assert.deepEqual(await ids(actor('agent', { agentId: 9001 })), [p.a1!.id])
  assert.deepEqual(await ids(actor('partner', { partnerId: 8001 })), [p.a2!.id])
  assert.deepEqual(await ids(actor('partner', { kind: 'partner_key', userId: null, partnerId: 8002 })), [p.b2!.id])
  assert.deepEqual(await ids(actor('sponsor', { sponsorId: 7001 })), [p.b1!.id])
  assert.deepEqual(await ids(actor('participant', { participantId: p.a1!.id })), [p.a1!.id])
  assert.deepEqual(await ids(actor('participant', { participantId: null })), [])
})

test('admin, management and Jamsos itself see everything; anonymous and a bare connection nothing', async () => {
  const all = Object.values(p).map((x) => x.id)
  assert.deepEqual(await ids(actor('admin')), all)
  assert.deepEqual(await ids(actor('management')), all)
  assert.deepEqual(await ids(SYSTEM_ACTOR), all)
  assert.deepEqual(await ids(ANONYMOUS_ACTOR), [])
  assert.deepEqual([...(await app`SELECT id FROM participant`)], [])
})

test('writes outside the scope touch nothing or are refused', async () => {
  const updated = await withActor(app, officerA, (tx) => tx`UPDATE participant SET phone = '0800' WHERE id = ${p.b1!.id} RETURNING id`)
  assert.equal(updated.length, 0)
  await assert.rejects(
    withActor(app, officerA, (tx) => tx`INSERT INTO heir (participant_id, full_name, relationship) VALUES (${p.b1!.id}, 'X', 'child')`),
    (e) => sqlState(e) === '42501',
  )
  // Moving an own participant into another branch would take it out of scope: refused.
  await assert.rejects(
    withActor(app, officerA, (tx) => tx`UPDATE participant SET branch_code = 'KC3573' WHERE id = ${p.a1!.id}`),
    (e) => sqlState(e) === '42501',
  )
  assert.equal((await db.sql`SELECT phone FROM participant WHERE id = ${p.b1!.id}`)[0]!.phone, '081234567890')
})

test('management reads but cannot write; nobody deletes participant data', async () => {
  const mgmt = actor('management')
  assert.equal((await withActor(app, mgmt, (tx) => tx`UPDATE participant SET phone = '0800' RETURNING id`)).length, 0)
  await assert.rejects(
    withActor(app, mgmt, (tx) => tx`INSERT INTO heir (participant_id, full_name, relationship) VALUES (${p.a1!.id}, 'X', 'child')`),
    (e) => sqlState(e) === '42501',
  )
  await assert.rejects(withActor(app, actor('admin'), (tx) => tx`DELETE FROM heir`), (e) => sqlState(e) === '42501')
  const updated = await withActor(app, officerA, (tx) => tx`UPDATE participant SET phone = '0811111111' WHERE id = ${p.a1!.id} RETURNING id`)
  assert.equal(updated.length, 1)
})

test('the NIK index answers for the whole registry, so a duplicate registered elsewhere is found', async () => {
  const [{ h }] = (await db.sql`SELECT nik_hash AS h FROM participant WHERE id = ${p.b1!.id}`) as unknown as [{ h: Buffer }]
  await db.sql`INSERT INTO nik_index (nik_hash, participant_id) VALUES (${h}, ${p.b1!.id})`
  const seen = await withActor(app, officerA, (tx) => tx`SELECT participant_id FROM nik_index WHERE nik_hash = ${h}`)
  assert.equal(seen.length, 1)
  // …while the participant it names stays out of reach.
  assert.equal((await withActor(app, officerA, (tx) => tx`SELECT id FROM participant WHERE id = ${seen[0]!.participant_id}`)).length, 0)
  assert.equal((await withActor(app, ANONYMOUS_ACTOR, (tx) => tx`SELECT 1 FROM nik_index`)).length, 0)
})

test('the application role cannot change or delete the audit trail; the owner cannot either', async () => {
  // The app role appends raw events; the database stamps id and time, whatever it sent (migration 0014).
  const [e] = await withActor(app, SYSTEM_ACTOR, (tx) =>
    tx<{ id: number; at: Date }[]>`INSERT INTO audit_event (id, at, actor_kind, actor_name, action, entity_type)
                                  VALUES (99, '2001-01-01', 'system', 'test', 'test.event', 'test') RETURNING id, at`)
  assert.notEqual(e!.id, 99)
  assert.ok(e!.at.getTime() > Date.parse('2020-01-01'))
  await assert.rejects(withActor(app, actor('admin'), (tx) => tx`UPDATE audit_event SET action = 'x'`), (e) => sqlState(e) === '42501')
  await assert.rejects(withActor(app, actor('admin'), (tx) => tx`DELETE FROM audit_event`), (e) => sqlState(e) === '42501')
  await assert.rejects(db.sql`UPDATE audit_event SET action = 'x'`, /append-only/)
  await assert.rejects(db.sql`DELETE FROM audit_event`, /append-only/)
  await assert.rejects(db.sql`TRUNCATE audit_event`, /append-only/)
  // The chain is the owner's: the app role can neither add a link nor move the head.
  await assert.rejects(
    withActor(app, SYSTEM_ACTOR, (tx) => tx`INSERT INTO audit_link (event_id, kind, prev_hash, hash) VALUES (${e!.id}, 'event', ${'0'.repeat(64)}, ${'b'.repeat(64)})`),
    (err) => sqlState(err) === '42501',
  )
  await assert.rejects(withActor(app, SYSTEM_ACTOR, (tx) => tx`UPDATE audit_chain_head SET last_id = 0`), (err) => sqlState(err) === '42501')
  await assert.rejects(db.sql`TRUNCATE audit_link`, /append-only/)
})

// The policies' own shape, on a literal query. The statements the app actually prepares, planned
// generically and shared on a connection by callers of different scopes: src/registry/reads.test.ts.
test('a scoped caller is answered from the indexes, not by reading the whole registry', async () => {
  // Enough rows elsewhere that reading them all would cost: the planner must pick the indexes.
  await db.sql`
    INSERT INTO participant (id, kpj, nik_cipher, nik_hash, nik_masked, nik_district_code, nik_district_known, full_name, birth_place,
                             birth_date, gender, mother_maiden_name, phone, address, village_code, district_code, regency_code,
                             province_code, branch_code, occupation, monthly_income, programs, ecosystem, channel)
    SELECT 2000000000 + g, (2000000000 + g)::text || '0', '\\x00', '\\x00', '3505**********01', '35.05.01', true, 'Bulk', 'Blitar',
           '1990-01-05', 'M', 'Ibu', '0812', 'Jl', '35.99.01.' || (g % 500), '35.99.01', '35.99', '35', 'KC' || (4000 + g % 300),
           'petani', 1000000, '{JKK,JKM}', 'desa', 'branch'
    FROM generate_series(1, 30000) g`
  await db.sql`ANALYZE participant`
  try {
    const plan = async (a: Actor) =>
      (await withActor(app, a, (tx) => tx`EXPLAIN SELECT id FROM participant`)).map((r) => String(r['QUERY PLAN'])).join('\n')
    assert.match(await plan(officerA), /Bitmap Index Scan on participant_branch_(name_)?idx/)
    assert.match(await plan(actor('agent', { agentId: 9002 })), /Bitmap Index Scan on participant_agent_idx[\s\S]*participant_village_id_idx/)
    assert.match(await plan(actor('partner', { partnerId: 8001 })), /Bitmap Index Scan on participant_partner_idx/)
    assert.doesNotMatch(await plan(officerA), /Seq Scan/)
    assert.match(await plan(actor('admin')), /Seq Scan on participant/)
    // Child rows of one participant: its primary key, then one probe of the parent.
    assert.match(
      (await withActor(app, officerA, (tx) => tx`EXPLAIN SELECT * FROM heir WHERE participant_id = ${p.a1!.id}`)).map((r) => String(r['QUERY PLAN'])).join('\n'),
      /Index Scan using participant_pkey/,
    )
  } finally {
    await db.sql`DELETE FROM participant WHERE id > 2000000000`
  }
})
