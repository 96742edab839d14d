// The facts a payment leaves (issue 13 §3), with the regulation's figures: months as credited, the
// status periods, and member counts by branch over HTTP.
import { test, before, after } from 'node:test'
import fs from 'node:fs'
import path from 'node:path'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { SYSTEM_ACTOR, withActor } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { loadConfig } from '../platform/config.ts'
import { migrationsDir } from '../platform/migrate.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { JATEN, registration } from '../../test/fixtures.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../../test/app.ts'
import { createRegistryDeps, idFromKpj, registerParticipant, type RegistryDeps } from '../registry/index.ts'
import { createBill, postPayments, type PostedPayment } from '../contributions/index.ts'
import { coverageReport, storedStatuses } from './index.ts'

const MALANG = '35.73.01.1001'
const actor = { ...SYSTEM_ACTOR, name: 'test' }
const policy = { graceMonths: 3, billMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }

let db: TestDatabase
let deps: RegistryDeps
let t: TestApp
let now = new Date('2025-01-06T03:00:00Z')

before(async () => {
  db = await testDatabase()
  deps = await createRegistryDeps(db.sql, loadConfig({ JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY }))
  t = await testApp({ now: () => now })
})
after(async () => {
  await db.close()
  await t.close()
})

async function post(paymentCode: string, amount: number, reference: string, paidAt: string, receivedAt: string): Promise<PostedPayment | AppError> {
  const [out] = await postPayments({ db: db.sql, actor, now: new Date(receivedAt), policy }, [{ paymentCode, amount, reference, channel: 'bank_va', paidAt, receivedAt }])
  return out!
}

test('arrears paid before a lapse and received after it are credited from the month received, stored as such with the periods that follow', async () => {
  const p = await registerParticipant({ db: db.sql, deps, actor, now: new Date('2024-01-10T02:00:00Z') }, registration())
  const id = idFromKpj(p.kpj)
  const jan = await createBill({ db: db.sql, actor, now: new Date('2024-01-10T03:00:00Z'), policy }, p.kpj, 1)
  assert.ok(!((await post(jan.paymentCode, 16_800, 'VA-1', '2024-01-10T03:00:00Z', '2024-01-10T03:00:00Z')) instanceof AppError))
  // 30 April, 21:30 WIB: in grace, billed the arrears February–April (Rp16,800 a month), paid at
  // once; the bank's notice reaches Jamsos on 2 May, after the lapse of 1 May (Perdir
  // 22/PERDIR.02/072022: more than 3 unpaid months end the membership).
  const arrears = await createBill({ db: db.sql, actor, now: new Date('2024-04-30T14:00:00Z'), policy }, p.kpj, 3)
  assert.deepEqual(arrears.periods, ['2024-02', '2024-03', '2024-04'])
  assert.equal(arrears.amount, 50_400)
  const late = await post(arrears.paymentCode, 50_400, 'VA-2', '2024-04-30T14:30:00Z', '2024-05-02T03:00:00Z')
  assert.ok(!(late instanceof AppError))
  // A payment after the lapse restarts from the month it is received in: May, June, July.
  assert.deepEqual(late.payment.covered, ['2024-05', '2024-06', '2024-07'])
  const months = await db.sql`SELECT to_char(period, 'YYYY-MM') AS period, to_char(billed_period, 'YYYY-MM') AS billed, amount
                              FROM coverage_month WHERE participant_id = ${id} ORDER BY period`
  assert.deepEqual(months.map((m) => [m.period, m.billed, m.amount]), [
    ['2024-01', '2024-01', 16_800], ['2024-05', '2024-02', 16_800], ['2024-06', '2024-03', 16_800], ['2024-07', '2024-04', 16_800],
  ])
  const periods = await db.sql`SELECT seq, status, valid_from::text AS "from", valid_to::text AS "to" FROM coverage_period
                               WHERE participant_id = ${id} ORDER BY seq, valid_from`
  assert.deepEqual(periods.map((r) => [r.seq, r.status, r.from, r.to]), [
    [1, 'active', '2024-01-10', '2024-02-01'], [1, 'grace', '2024-02-01', '2024-05-01'], [1, 'lapsed', '2024-05-01', null],
    [2, 'active', '2024-05-02', '2024-08-01'], [2, 'grace', '2024-08-01', '2024-11-01'], [2, 'lapsed', '2024-11-01', null],
  ])
  const ask = (date: string, knownAt?: string) => ({ participantId: id, date, ...(knownAt ? { knownAt: new Date(knownAt) } : {}) })
  const statuses = await withActor(db.sql, actor, (tx) => storedStatuses(tx, [
    ask('2024-01-09'), ask('2024-01-10'), ask('2024-04-30'), ask('2024-05-01'), ask('2024-05-02'), ask('2024-11-01'),
    // Knowledge after a date never changes it: 30 April stays in grace, 1 May lapsed.
    ask('2024-04-30', '2024-06-01T00:00:00Z'), ask('2024-05-01', '2024-06-01T00:00:00Z'),
    // A forecast: on 15 June, as known in March, the member was to be lapsed.
    ask('2024-06-15', '2024-03-01T00:00:00Z'),
  ]))
  assert.deepEqual(statuses, ['unpaid', 'active', 'grace', 'lapsed', 'active', 'lapsed', 'grace', 'lapsed', 'lapsed'])
  // The explanation (status.ts over the stored months) agrees, and calls it a reactivation.
  const report = await withActor(db.sql, actor, (tx) => coverageReport(tx, id, '2024-05-02', policy))
  assert.equal(report.status, 'active')
  assert.equal(report.reactivated, true)
  assert.equal(report.paidThrough, '2024-07')

  // A notice received before the member's last one cannot be slotted in behind it: Y paid at
  // 08:30 WIB, its notice dated 09:00, posted only after Z's (received 10:00).
  const y = await createBill({ db: db.sql, actor, now: new Date('2024-05-03T01:00:00Z'), policy }, p.kpj, 1)
  const z = await createBill({ db: db.sql, actor, now: new Date('2024-05-03T02:30:00Z'), policy }, p.kpj, 1)
  assert.ok(!((await post(z.paymentCode, 16_800, 'VA-3', '2024-05-03T02:30:00Z', '2024-05-03T03:00:00Z')) instanceof AppError))
  const outOfOrder = await postPayments({ db: db.sql, actor, now: new Date('2024-05-10T03:00:00Z'), policy }, [
    { paymentCode: y.paymentCode, amount: 16_800, reference: 'VA-4', channel: 'bank_va', paidAt: '2024-05-03T01:30:00Z', receivedAt: '2024-05-03T02:00:00Z' },
  ])
  assert.ok(outOfOrder[0] instanceof AppError)
  assert.equal((outOfOrder[0] as AppError).code, 'PAYMENT_RECEIVED_OUT_OF_ORDER')
})

test('members by status on a date, by branch as they stood then, as known then, within the caller\'s scope', async () => {
  let admin: RoleSession = await as(t, 'admin')
  const send = (method: 'GET' | 'POST' | 'PATCH', url: string, s: RoleSession, payload?: unknown) =>
    t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) })
  const ok = (r: LightMyRequestResponse, status = 200) => (assert.equal(r.statusCode, status, r.body), r.json())
  const register = async (villageCode: string) => ok(await send('POST', '/api/v1/participants', admin, registration({ villageCode })), 201).kpj as string
  const pay = async (kpj: string, months: number) => {
    const bill = ok(await send('POST', `/api/v1/participants/${kpj}/bills`, admin, { months }), 201)
    ok(await send('POST', '/api/v1/payments', admin, { paymentCode: bill.paymentCode, amount: bill.amount, reference: `KAS-${kpj}-${now.getTime()}`, channel: 'branch', paidAt: now.toISOString() }), 201)
    return bill
  }
  // 6 January 2025: A and B in Jaten (KC Blitar), C in Malang (KC Malang).
  now = new Date('2025-01-06T03:00:00Z')
  const a = await register(JATEN)
  const b = await register(JATEN)
  const c = await register(MALANG)
  assert.equal((await pay(a, 3)).amount, 50_400)
  await pay(b, 1)
  await pay(c, 6)
  // 10 February: A moves to Malang.
  now = new Date('2025-02-10T03:00:00Z')
  admin = await as(t, 'admin')
  ok(await send('PATCH', `/api/v1/participants/${a}`, admin, { villageCode: MALANG }))
  // 2 April: B pays the arrears February–April.
  now = new Date('2025-04-02T03:00:00Z')
  admin = await as(t, 'admin')
  assert.deepEqual((await pay(b, 3)).periods, ['2025-02', '2025-03', '2025-04'])

  const counts = async (s: RoleSession, query: string) => {
    const r = ok(await send('GET', `/api/v1/coverage/member-counts?${query}`, s))
    return [r.active, r.grace, r.lapsed]
  }
  assert.deepEqual(await counts(admin, 'date=2025-01-31&branchCode=KC3505'), [2, 0, 0], 'A and B active in Blitar')
  assert.deepEqual(await counts(admin, 'date=2025-01-31&branchCode=KC3573'), [1, 0, 0])
  // 31 March as known then: A is in Malang now, B in grace (its arrears came on 2 April).
  assert.deepEqual(await counts(admin, 'date=2025-03-31&branchCode=KC3505'), [0, 1, 0])
  assert.deepEqual(await counts(admin, 'date=2025-03-31&branchCode=KC3573'), [2, 0, 0])
  assert.deepEqual(await counts(admin, 'date=2025-03-31'), [2, 1, 0])
  assert.deepEqual(await counts(admin, 'date=2025-03-31&knownAt=2025-04-03T00:00:00Z&branchCode=KC3505'), [0, 1, 0], 'a later payment never changes a past day')
  assert.deepEqual(await counts(admin, 'date=2025-04-02&branchCode=KC3505'), [1, 0, 0])
  assert.deepEqual(await counts(admin, `date=2025-01-31&villageCode=${JATEN}`), [2, 0, 0])
  // A forecast: 30 June as known on 31 March: C active (paid through June), A in grace, B lapsed.
  assert.deepEqual(await counts(admin, 'date=2025-06-30&knownAt=2025-03-31T10:00:00Z'), [1, 1, 1])
  // A KC Blitar officer counts the members whose card is in Blitar today (row-level security): B.
  const officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  assert.deepEqual(await counts(officer, 'date=2025-01-31'), [1, 0, 0])
  assert.deepEqual(await counts(officer, 'date=2025-01-31&branchCode=KC3573'), [0, 0, 0])
  const bad = await send('GET', '/api/v1/coverage/member-counts?date=2025-02-30', admin)
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().error.code, 'COVERAGE_DATE_INVALID')
})

test("migration 0016's backfill gives payments posted before it the facts the posting path stores", async () => {
  // Runs after the first test, on its member: the months each payment held before 0016 (the bill's
  // months, first received first) are put back, the facts removed, and the migration's backfill
  // block (between its BEGIN/END markers) run; it must store what posting stored. Rolled back.
  const file = fs.readFileSync(path.join(migrationsDir, '0016_coverage_facts.sql'), 'utf8')
  const block = file.slice(file.indexOf('-- BEGIN coverage backfill'), file.indexOf('-- END coverage backfill'))
  const facts = async (sql: typeof db.sql) => ({
    months: await sql`SELECT participant_id, to_char(period, 'YYYY-MM') AS p, to_char(billed_period, 'YYYY-MM') AS b, payment_id, amount, known_at FROM coverage_month ORDER BY 1, 2`,
    outcomes: await sql`SELECT participant_id, seq, payment_id, known_at, paid_through::text FROM coverage_outcome ORDER BY 1, 2`,
    periods: await sql`SELECT participant_id, seq, valid_from::text, valid_to::text, status FROM coverage_period ORDER BY 1, 2, 3`,
  })
  const stored = await facts(db.sql)
  assert.ok(stored.months.some((m) => m.p !== m.b), 'the history holds a month credited elsewhere than billed')
  const rebuilt = await db.sql.begin(async (tx) => {
    await tx`DELETE FROM coverage_period`
    await tx`DELETE FROM coverage_outcome`
    await tx`DELETE FROM coverage_month`
    await tx`ALTER TABLE coverage_month ALTER COLUMN billed_period DROP NOT NULL`
    await tx`
      INSERT INTO coverage_month (participant_id, period, payment_id, paid_at, known_at, amount)
      SELECT DISTINCT ON (p.participant_id, m.period) p.participant_id, (m.period || '-01')::date, p.id, p.paid_at, p.received_at,
             (SELECT sum((l->>'amount')::int8) FROM jsonb_array_elements(b.lines) l WHERE l->>'period' = m.period)
      FROM payment p JOIN bill b ON b.participant_id = p.participant_id AND b.id = p.bill_id
      CROSS JOIN LATERAL unnest(b.periods) AS m(period)
      ORDER BY p.participant_id, m.period, p.received_at, p.id`
    await tx.unsafe(block)
    const out = await facts(tx as unknown as typeof db.sql)
    throw Object.assign(new Error('rollback'), { out })
  }).catch((e: { out?: unknown }) => {
    if (!e.out) throw e
    return e.out as typeof stored
  })
  assert.deepEqual(rebuilt, stored)
})
