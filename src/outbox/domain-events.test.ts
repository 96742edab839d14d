// The domain's events reach the outbox in the transaction of the change (issue 13 §2): each
// appears exactly once with its change, not at all when the change rolls back or is refused, and
// never twice when an Idempotency-Key replays the answer. Payloads hold no NIK and no name.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'
import { SYSTEM_ACTOR } from '../platform/actor.ts'
import { registerBulk, registryDepsOf } from '../registry/index.ts'
import { EVENTS_PER_JOB } from './index.ts'

let t: TestApp
let officer: RoleSession
const now = new Date('2025-06-09T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => now })
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
})
after(() => t.close())

interface Row {
  event_type: string
  aggregate_type: string
  aggregate_id: string
  shard_key: number
  payload: Record<string, unknown>
}
/** The events about one aggregate id, oldest first. */
const eventsAbout = async (id: string): Promise<Row[]> =>
  (await t.db.sql<Row[]>`SELECT event_type, aggregate_type, aggregate_id, shard_key, payload FROM outbox_event WHERE aggregate_id = ${id} ORDER BY created_at, event_type`).map((r) => ({ ...r }))
const send = (method: 'POST' | 'PATCH', url: string, payload: object, key?: string) =>
  t.app.inject({ method, url, headers: { ...officer.headers, ...(key ? { 'idempotency-key': key } : {}) }, payload })
const idOf = async (kpj: string) => Number((await t.db.sql`SELECT id FROM participant WHERE kpj = ${kpj}`)[0]!.id)

test('registration, changes, heirs, a bill and a payment each publish one event with the change', async () => {
  const body = registration({ fullName: 'Siti Peristiwa', villageCode: '35.05.01.2001', programs: ['JKK', 'JKM'] })
  const reg = await send('POST', '/api/v1/participants', body, 'events-reg-1')
  assert.equal(reg.statusCode, 201, reg.body)
  const kpj = reg.json().kpj as string
  const id = await idOf(kpj)
  // The retry replays the answer: no second event.
  assert.equal((await send('POST', '/api/v1/participants', body, 'events-reg-1')).headers['idempotent-replayed'], 'true')
  assert.deepEqual(await eventsAbout(kpj), [{
    event_type: 'participant.registered',
    aggregate_type: 'participant',
    aggregate_id: kpj,
    shard_key: id,
    payload: {
      kpj, branchCode: 'KC3505', villageCode: '35.05.01.2001', programs: ['JKK', 'JKM'], ecosystem: 'desa', channel: 'branch', funding: 'self',
      registeredAt: '2025-06-09T03:00:00.000Z',
    },
  }])

  const changed = await send('PATCH', `/api/v1/participants/${kpj}`, { phone: '081298765432', programs: ['JKK', 'JKM', 'JHT'] })
  assert.equal(changed.statusCode, 200, changed.body)
  const heir = await send('POST', `/api/v1/participants/${kpj}/heirs`, { fullName: 'Rina Ahli Waris', relationship: 'child' })
  assert.equal(heir.statusCode, 201, heir.body)
  // A change that changes nothing publishes nothing.
  assert.equal((await send('PATCH', `/api/v1/participants/${kpj}`, { phone: '081298765432' })).statusCode, 200)
  const after = (await eventsAbout(kpj)).slice(1)
  assert.deepEqual(after.map((e) => [e.event_type, e.payload.changes, e.payload.programs]), [
    ['participant.changed', ['contact', 'programs'], ['JKK', 'JKM', 'JHT']],
    ['participant.changed', ['heir_added'], ['JKK', 'JKM', 'JHT']],
  ])
  assert.deepEqual(after[0]!.payload, { kpj, changes: ['contact', 'programs'], branchCode: 'KC3505', villageCode: '35.05.01.2001', programs: ['JKK', 'JKM', 'JHT'], version: 2, changedAt: '2025-06-09T03:00:00.000Z' })

  const bill = await send('POST', `/api/v1/participants/${kpj}/bills`, { months: 2 })
  assert.equal(bill.statusCode, 201, bill.body)
  const b = bill.json()
  assert.deepEqual(await eventsAbout(b.paymentCode), [{
    event_type: 'bill.issued', aggregate_type: 'bill', aggregate_id: b.paymentCode, shard_key: id,
    payload: { kpj, paymentCode: b.paymentCode, periods: b.periods, amount: b.amount, issuedAt: b.issuedAt, expiresAt: b.expiresAt },
  }])

  const notice = { paymentCode: b.paymentCode, amount: b.amount, reference: 'KAS-EVT-0001', channel: 'branch', paidAt: now.toISOString() }
  const paid = await send('POST', '/api/v1/payments', notice)
  assert.equal(paid.statusCode, 201, paid.body)
  // The same notice again answers the first payment (200) and publishes nothing.
  assert.equal((await send('POST', '/api/v1/payments', notice)).statusCode, 200)
  const p = paid.json()
  assert.deepEqual(await eventsAbout(String(p.id)), [{
    event_type: 'payment.posted', aggregate_type: 'payment', aggregate_id: String(p.id), shard_key: id,
    payload: {
      kpj, paymentId: p.id, paymentCode: b.paymentCode, amount: b.amount, channel: 'branch', reference: 'KAS-EVT-0001',
      paidAt: p.paidAt, receivedAt: p.receivedAt, periods: b.periods, covered: p.covered,
    },
  }])
  assert.deepEqual(p.covered, b.periods)

  // No payload names the person or carries the NIK, in clear or masked.
  const all = await t.db.sql<{ payload: unknown }[]>`SELECT payload FROM outbox_event WHERE shard_key = ${id}`
  const text = JSON.stringify(all.map((r) => r.payload))
  const masked = `${body.nik.slice(0, 4)}**********${body.nik.slice(-2)}`
  for (const secret of [body.nik, masked, 'Siti Peristiwa', 'Rina Ahli Waris', body.phone, '081298765432', body.motherMaidenName, body.address]) {
    assert.equal(text.includes(secret), false, `an event carries ${secret}`)
  }
  // Each event has its delivery job.
  const [{ jobs }] = (await t.db.sql`
    SELECT count(*)::int AS jobs FROM pgboss.job WHERE name = 'outbox.deliver' AND data->>'eventId' IN (SELECT id::text FROM outbox_event WHERE shard_key = ${id})`) as unknown as [{ jobs: number }]
  assert.equal(jobs, all.length)
})

test('a refused or rolled-back change publishes nothing', async () => {
  const before = Number((await t.db.sql`SELECT count(*) AS n FROM outbox_event`)[0]!.n)
  const body = registration({ fullName: 'Budi Ditolak' })
  assert.equal((await send('POST', '/api/v1/participants', body)).statusCode, 201)
  const afterOne = Number((await t.db.sql`SELECT count(*) AS n FROM outbox_event`)[0]!.n)
  assert.equal(afterOne, before + 1)
  // The same NIK again: refused, nothing published.
  const dup = await send('POST', '/api/v1/participants', { ...body, fullName: 'Budi Kembar' })
  assert.equal(dup.json().error.code, 'DUPLICATE_PARTICIPANT')
  // A change refused on one field changes nothing, and publishes nothing.
  const kpj = (await t.db.sql`SELECT kpj FROM participant WHERE full_name = 'Budi Ditolak'`)[0]!.kpj as string
  const bad = await send('PATCH', `/api/v1/participants/${kpj}`, { phone: '0812', villageCode: '35.05.01.2001', occupation: 'astronaut' })
  assert.equal(bad.statusCode, 400)
  // A payment whose reference another member's payment took: the whole posting rolls back.
  const other = await send('POST', '/api/v1/participants', registration({ fullName: 'Citra Pembayar' }))
  const kpjOther = other.json().kpj as string
  const billA = (await send('POST', `/api/v1/participants/${kpj}/bills`, { months: 1 })).json()
  const billB = (await send('POST', `/api/v1/participants/${kpjOther}/bills`, { months: 1 })).json()
  assert.equal((await send('POST', '/api/v1/payments', { paymentCode: billA.paymentCode, amount: billA.amount, reference: 'KAS-EVT-0002', channel: 'branch', paidAt: now.toISOString() })).statusCode, 201)
  const conflict = await send('POST', '/api/v1/payments', { paymentCode: billB.paymentCode, amount: billB.amount, reference: 'KAS-EVT-0002', channel: 'branch', paidAt: now.toISOString() })
  assert.equal(conflict.json().error.code, 'PAYMENT_REFERENCE_CONFLICT')
  const types = await t.db.sql<{ event_type: string; n: number }[]>`
    SELECT event_type, count(*)::int AS n FROM outbox_event WHERE shard_key IN (${await idOf(kpj)}, ${await idOf(kpjOther)}) GROUP BY 1 ORDER BY 1`
  assert.deepEqual(types.map((r) => ({ ...r })), [
    { event_type: 'bill.issued', n: 2 },
    { event_type: 'participant.registered', n: 2 },
    { event_type: 'payment.posted', n: 1 },
  ])
})

test('a bulk registration publishes one event per member set-based, delivered by one job per batch', async () => {
  const deps = registryDepsOf(t.ctx)
  const rows = Array.from({ length: EVENTS_PER_JOB + 20 }, (_, i) => registration({ fullName: `Massal ${i}` }))
  // One twin of a registered NIK: a duplicate, no event.
  rows.push({ ...rows[3]!, fullName: 'Massal Kembar' })
  const placed: number[] = []
  const jobsBefore = Number((await t.db.sql`SELECT count(*) AS n FROM pgboss.job WHERE name = 'outbox.deliver'`)[0]!.n)
  const r = await registerBulk(t.ctx.systemDb, rows, { actor: SYSTEM_ACTOR, vault: deps.vault, today: '2025-06-09', deps, batchSize: 1000, onRow: (_row, id) => placed.push(id) })
  assert.deepEqual([r.inserted, r.duplicates], [EVENTS_PER_JOB + 20, 1])
  const events = await t.db.sql<{ shard_key: number; n: number }[]>`
    SELECT shard_key, count(*)::int AS n FROM outbox_event WHERE event_type = 'participant.registered' AND shard_key = ANY (${placed}::int8[]) GROUP BY 1`
  assert.equal(events.length, placed.length)
  assert.ok(events.every((e) => e.n === 1))
  // The payload PostgreSQL builds for a bulk load is the one a single registration publishes.
  const [p] = await t.db.sql<{ id: number; kpj: string; branch_code: string; village_code: string; programs: string[]; ecosystem: string; channel: string; funding: string; registered_at: Date }[]>`
    SELECT id, kpj, branch_code, village_code, programs, ecosystem, channel, funding, registered_at FROM participant WHERE id = ${placed[7]!}`
  const [e] = await t.db.sql<{ aggregate_type: string; aggregate_id: string; payload: unknown }[]>`
    SELECT aggregate_type, aggregate_id, payload FROM outbox_event WHERE event_type = 'participant.registered' AND shard_key = ${p!.id}`
  assert.deepEqual(e, {
    aggregate_type: 'participant',
    aggregate_id: p!.kpj,
    payload: {
      kpj: p!.kpj, branchCode: p!.branch_code, villageCode: p!.village_code, programs: p!.programs,
      ecosystem: p!.ecosystem, channel: p!.channel, funding: p!.funding, registeredAt: p!.registered_at.toISOString(),
    },
  })
  // 520 events in one batch: two delivery jobs (500 + 20), each listing its events.
  const jobs = await t.db.sql<{ n: number }[]>`
    SELECT jsonb_array_length(data->'events') AS n FROM pgboss.job WHERE name = 'outbox.deliver' AND data ? 'events' ORDER BY n DESC`
  assert.deepEqual(jobs.map((j) => j.n), [EVENTS_PER_JOB, 20])
  assert.equal(Number((await t.db.sql`SELECT count(*) AS n FROM pgboss.job WHERE name = 'outbox.deliver'`)[0]!.n), jobsBefore + 2)
})
