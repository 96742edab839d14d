import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, type Actor } from '../platform/actor.ts'
import { createPool } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { loadConfig } from '../platform/config.ts'
import { withActor } from '../platform/actor.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { registration } from '../../test/fixtures.ts'
import { seedParticipant } from '../../test/auth.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../../test/app.ts'
import { createRegistryDeps, idFromKpj, paymentCodeFor, registerParticipant, type RegistryDeps } from '../registry/index.ts'
import { coverageReport } from '../coverage/index.ts'
import { createBill, listBills, listPayments, postPayment, postPayments, type PostedPayment } from './index.ts'

let db: TestDatabase
let deps: RegistryDeps
const actor = { ...SYSTEM_ACTOR, name: 'test' }
const policy = { graceMonths: 3, billMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }
const at = (iso: string) => ({ db: db.sql, actor, now: new Date(iso), policy })

before(async () => {
  db = await testDatabase()
  deps = await createRegistryDeps(db.sql, loadConfig({ JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY }))
})
after(() => db.close())

async function member(registeredAt: string, over: Parameters<typeof registration>[0] = {}) {
  return registerParticipant({ db: db.sql, deps, actor, now: new Date(registeredAt) }, registration(over))
}
async function coverage(kpj: string, on: string) {
  return withActor(db.sql, actor, (tx) => coverageReport(tx, idFromKpj(kpj), on, policy))
}
const count = async (table: string) => (await db.sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n as number
const pay = (now: string, paymentCode: string, amount: number, reference: string, paidAt = now) =>
  postPayment({ db: db.sql, actor, now: new Date(now) }, { paymentCode, amount, reference, channel: 'bank_va', paidAt })

test('a new member is unpaid; three months at Rp16,800 cost Rp50,400 and make them active through March', async () => {
  const p = await member('2024-01-10T02:00:00Z')
  assert.equal((await coverage(p.kpj, '2024-01-15')).status, 'unpaid')
  const bill = await createBill(at('2024-01-10T03:00:00Z'), p.kpj, 3)
  assert.deepEqual(bill.periods, ['2024-01', '2024-02', '2024-03'])
  assert.equal(bill.amount, 50_400)
  assert.match(bill.paymentCode, /^\d{15}$/)
  assert.equal(bill.expiresAt, '2024-01-31T17:00:00.000Z', 'payable until the end of January in Jakarta')
  const posted = await pay('2024-01-10T04:00:00Z', bill.paymentCode, 50_400, 'VA-0001')
  assert.equal(posted.created, true)
  assert.deepEqual(posted.payment.periods, bill.periods)
  const c = await coverage(p.kpj, '2024-02-29')
  assert.equal(c.status, 'active')
  assert.equal(c.paidThrough, '2024-03')
  assert.equal((await coverage(p.kpj, '2024-03-31')).status, 'active')
  const g = await coverage(p.kpj, '2024-04-01')
  assert.equal(g.status, 'grace')
  assert.deepEqual(g.arrears, ['2024-04'])
  assert.equal(g.graceUntil, '2024-06-30')
  assert.equal((await coverage(p.kpj, '2024-07-01')).status, 'lapsed')
  // The status of a past date is what was known then: on 9 January nothing was paid yet.
  assert.equal((await coverage(p.kpj, '2024-01-09')).status, 'unpaid')
})

test('the same payment notification twice changes nothing; the same reference for another amount is refused', async () => {
  const p = await member('2024-01-10T02:00:00Z')
  const bill = await createBill(at('2024-01-10T03:00:00Z'), p.kpj, 1)
  const first = await pay('2024-01-10T04:00:00Z', bill.paymentCode, 16_800, 'VA-TWICE')
  const counts = [await count('payment'), await count('coverage_month')]
  const again = await pay('2024-01-10T05:00:00Z', bill.paymentCode, 16_800, 'VA-TWICE')
  assert.equal(again.created, false)
  assert.deepEqual(again.payment, first.payment)
  assert.deepEqual([await count('payment'), await count('coverage_month')], counts)
  await assert.rejects(pay('2024-01-10T05:00:00Z', bill.paymentCode, 33_600, 'VA-TWICE'), (e: AppError) => e.code === 'PAYMENT_REFERENCE_CONFLICT' && e.status === 409)
  const second = await createBill(at('2024-01-10T06:00:00Z'), p.kpj, 1)
  await assert.rejects(pay('2024-01-10T06:30:00Z', bill.paymentCode, 16_800, 'VA-OTHER'), (e: AppError) => e.code === 'BILL_ALREADY_PAID')
  assert.deepEqual(second.periods, ['2024-02'], 'the next bill starts after the paid month')
})

test('a wrong amount, an unknown code, a superseded or expired bill are refused with their codes and write nothing', async () => {
  const p = await member('2024-03-05T02:00:00Z')
  const old = await createBill(at('2024-03-05T03:00:00Z'), p.kpj, 1)
  const bill = await createBill(at('2024-03-05T03:05:00Z'), p.kpj, 2)
  const before = [await count('payment'), await count('coverage_month'), await count('payment_reference')]
  await assert.rejects(pay('2024-03-05T04:00:00Z', bill.paymentCode, 33_000, 'R-1'), (e: AppError) => {
    assert.equal(e.code, 'PAYMENT_AMOUNT_MISMATCH')
    assert.equal(e.fields[0]!.path, 'amount')
    assert.deepEqual(e.details, { expected: 33_600 })
    return true
  })
  await assert.rejects(pay('2024-03-05T04:00:00Z', old.paymentCode, 16_800, 'R-2'), (e: AppError) => e.code === 'BILL_SUPERSEDED')
  await assert.rejects(pay('2024-03-05T04:00:00Z', paymentCodeFor(idFromKpj(p.kpj), 99), 16_800, 'R-3'), (e: AppError) => e.code === 'BILL_NOT_FOUND' && e.fields[0]!.path === 'paymentCode')
  await assert.rejects(pay('2024-03-05T04:00:00Z', '123456789012345', 16_800, 'R-4'), (e: AppError) => e.code === 'PAYMENT_CODE_INVALID')
  await assert.rejects(pay('2024-04-02T04:00:00Z', bill.paymentCode, 33_600, 'R-5'), (e: AppError) => e.code === 'BILL_EXPIRED' && e.fields[0]!.path === 'paidAt')
  await assert.rejects(pay('2024-03-05T04:00:00Z', bill.paymentCode, 33_600, 'R-6', '2024-03-06T04:00:00Z'), (e: AppError) => e.code === 'PAYMENT_DATE_INVALID')
  assert.deepEqual([await count('payment'), await count('coverage_month'), await count('payment_reference')], before)
  const bills = await listBills(at('2024-03-05T05:00:00Z'), p.kpj)
  assert.deepEqual(bills.map((b) => b.status), ['open', 'superseded'])
})

test('the bills list shows superseded exactly when posting a payment made at that instant is BILL_SUPERSEDED', async () => {
  const p = await member('2024-08-05T02:00:00Z')
  const bill1 = await createBill(at('2024-08-05T03:00:00Z'), p.kpj, 1)
  // Nothing posted yet, so bill 2 (the next day) starts in August again.
  const bill2 = await createBill(at('2024-08-06T03:00:00Z'), p.kpj, 2)
  assert.deepEqual([bill1.periods, bill1.amount, bill2.periods, bill2.amount], [['2024-08'], 16_800, ['2024-08', '2024-09'], 33_600])
  const statusOf = async (now: string, code: string) => (await listBills(at(now), p.kpj)).find((b) => b.paymentCode === code)!.status

  // After bill 2 was issued: bill 1 lists superseded, and paying it then is refused.
  assert.equal(await statusOf('2024-08-06T04:00:00Z', bill1.paymentCode), 'superseded')
  await assert.rejects(pay('2024-08-06T04:00:00Z', bill1.paymentCode, 16_800, 'SUP-1'), (e: AppError) => e.code === 'BILL_SUPERSEDED')

  // Before bill 2 was issued, bill 1 was the newest: it lists open, and a payment made then posts
  // (its notice arriving late), holding August.
  assert.equal(await statusOf('2024-08-05T04:00:00Z', bill1.paymentCode), 'open')
  const late = await pay('2024-08-06T05:00:00Z', bill1.paymentCode, 16_800, 'SUP-2', '2024-08-05T04:00:00Z')
  assert.deepEqual(late.payment.covered, ['2024-08'])

  // Paid, bill 1 is never shown superseded, though bill 2 is newer; bill 2 is still open.
  const bills = await listBills(at('2024-08-06T06:00:00Z'), p.kpj)
  assert.deepEqual(bills.map((b) => [b.paymentCode, b.status]), [[bill2.paymentCode, 'open'], [bill1.paymentCode, 'paid']])
})

test('arrears paid at 23:30 WIB on the last day of grace keep the membership unbroken', async () => {
  const p = await member('2024-01-10T02:00:00Z')
  const first = await createBill(at('2024-01-10T03:00:00Z'), p.kpj, 3)
  await pay('2024-01-10T04:00:00Z', first.paymentCode, 50_400, 'A-1')
  const arrears = await createBill(at('2024-06-30T10:00:00Z'), p.kpj, 3)
  assert.deepEqual(arrears.periods, ['2024-04', '2024-05', '2024-06'], 'arrears first while in grace')
  // 16:30 UTC is 23:30 in Jakarta, still 30 June.
  await pay('2024-06-30T16:30:00Z', arrears.paymentCode, 50_400, 'A-2')
  const c = await coverage(p.kpj, '2024-06-30')
  assert.equal(c.status, 'active')
  assert.equal(c.paidThrough, '2024-06')
  assert.equal(c.reactivated, false)
  assert.deepEqual(c.history.map((h) => h.event), ['first_payment', 'grace_started', 'arrears_paid'])
})

test('a payment at 23:30 UTC on the last day of a month is already the 1st in Jakarta: the June bill expired and the member lapsed', async () => {
  const p = await member('2024-01-10T02:00:00Z')
  const first = await createBill(at('2024-01-10T03:00:00Z'), p.kpj, 3)
  await pay('2024-01-10T04:00:00Z', first.paymentCode, 50_400, 'L-1')
  const arrears = await createBill(at('2024-06-30T10:00:00Z'), p.kpj, 3)
  await assert.rejects(pay('2024-07-01T00:00:00Z', arrears.paymentCode, 50_400, 'L-2', '2024-06-30T23:30:00Z'), (e: AppError) => e.code === 'BILL_EXPIRED')
  assert.equal((await coverage(p.kpj, '2024-07-01')).status, 'lapsed')
  // A lapsed member restarts from the current month: no arrears.
  const restart = await createBill(at('2024-07-01T01:00:00Z'), p.kpj, 1)
  assert.deepEqual(restart.periods, ['2024-07'])
  await pay('2024-07-01T02:00:00Z', restart.paymentCode, 16_800, 'L-3')
  const c = await coverage(p.kpj, '2024-07-15')
  assert.equal(c.status, 'active')
  assert.equal(c.reactivated, true)
  assert.equal(c.activeSince, '2024-07-01')
  assert.deepEqual(c.history.map((h) => [h.from, h.event]), [
    ['2024-01-10', 'first_payment'],
    ['2024-04-01', 'grace_started'],
    ['2024-07-01', 'lapsed'],
    ['2024-07-01', 'reactivated'],
  ])
  assert.deepEqual((await listPayments(at('2024-07-02T00:00:00Z'), p.kpj)).map((x) => x.reference), ['L-3', 'L-1'])
})

test('PP 50/2025: an ojek driver billed in December 2025 for three months pays 16,800 + 8,400 + 8,400', async () => {
  const p = await member('2025-12-01T02:00:00Z', { occupation: 'ojek', ecosystem: 'e-commerce' })
  const bill = await createBill(at('2025-12-01T03:00:00Z'), p.kpj, 3)
  assert.deepEqual(bill.periods, ['2025-12', '2026-01', '2026-02'])
  assert.equal(bill.amount, 16_800 + 8_400 + 8_400)
  assert.ok(bill.lines.some((l) => l.period === '2026-01' && l.regulation.includes('50/2025')))
})

test('contributions are paid at most 12 months ahead', async () => {
  const p = await member('2025-01-05T02:00:00Z', { programs: ['JKK', 'JKM', 'JHT'] })
  const year = await createBill(at('2025-01-05T03:00:00Z'), p.kpj, 12)
  assert.equal(year.amount, 12 * 36_800)
  await pay('2025-01-05T04:00:00Z', year.paymentCode, 12 * 36_800, 'Y-1')
  await assert.rejects(createBill(at('2025-01-06T03:00:00Z'), p.kpj, 1), (e: AppError) => e.code === 'BILL_TOO_FAR_AHEAD')
  await assert.rejects(createBill(at('2025-01-06T03:00:00Z'), '10000000000', 1), (e: AppError) => e.code === 'KPJ_INVALID')
})

test('a late notice and a second bill for the same months: both payments post, each month is held once, by the payment received first', async () => {
  const p = await member('2024-01-10T02:00:00Z')
  // Bill 1, January–February, paid on 10 January; the bank's notice is late.
  const bill1 = await createBill(at('2024-01-10T03:00:00Z'), p.kpj, 2)
  assert.equal(bill1.amount, 33_600)
  // Nothing posted yet, so the next day's bill starts in January again: January–March.
  const bill2 = await createBill(at('2024-01-11T03:00:00Z'), p.kpj, 3)
  assert.deepEqual(bill2.periods, ['2024-01', '2024-02', '2024-03'])
  assert.equal(bill2.amount, 50_400)
  const second = await pay('2024-01-11T04:00:00Z', bill2.paymentCode, 50_400, 'DUP-2')
  assert.deepEqual(second.payment.covered, ['2024-01', '2024-02', '2024-03'])
  // Bill 1's notice on 12 January: paid before bill 2 was issued, so not superseded; it posts, but
  // Jamsos knew of bill 2's payment first, so that one keeps January–March (coverage counts from
  // when a payment is known: a late notice never moves a month back to an earlier day).
  const first = await pay('2024-01-12T01:00:00Z', bill1.paymentCode, 33_600, 'DUP-1', '2024-01-10T04:00:00Z')
  assert.equal(first.created, true)
  assert.deepEqual(first.payment.covered, [], 'January and February were held already: Rp33,600 overpaid, to refund')
  const payments = await listPayments(at('2024-01-12T02:00:00Z'), p.kpj)
  assert.deepEqual(payments.map((x) => [x.reference, x.amount, x.periods, x.covered, x.paidAt, x.receivedAt]), [
    ['DUP-2', 50_400, ['2024-01', '2024-02', '2024-03'], ['2024-01', '2024-02', '2024-03'], '2024-01-11T04:00:00.000Z', '2024-01-11T04:00:00.000Z'],
    ['DUP-1', 33_600, ['2024-01', '2024-02'], [], '2024-01-10T04:00:00.000Z', '2024-01-12T01:00:00.000Z'],
  ])
  // Protected from 11 January, when Jamsos first knew of a payment, through March; 10 January
  // stays as it was known then.
  assert.equal((await coverage(p.kpj, '2024-01-10')).status, 'unpaid')
  const c = await coverage(p.kpj, '2024-01-11')
  assert.equal(c.status, 'active')
  assert.equal(c.activeSince, '2024-01-11')
  assert.equal((await coverage(p.kpj, '2024-03-31')).paidThrough, '2024-03')
  assert.deepEqual((await coverage(p.kpj, '2024-04-01')).arrears, ['2024-04'])
  // The same late notice again changes nothing and answers what the payment holds.
  const again = await pay('2024-01-12T03:00:00Z', bill1.paymentCode, 33_600, 'DUP-1', '2024-01-10T04:00:00Z')
  assert.equal(again.created, false)
  assert.deepEqual(again.payment.covered, [])
})

test('the later payment of a month already held covers nothing new and still posts', async () => {
  const p = await member('2024-02-05T02:00:00Z')
  const bill1 = await createBill(at('2024-02-05T03:00:00Z'), p.kpj, 1)
  const bill2 = await createBill(at('2024-02-06T03:00:00Z'), p.kpj, 1)
  assert.deepEqual([bill1.periods, bill2.periods], [['2024-02'], ['2024-02']])
  // Bill 1's late notice arrives before bill 2's: bill 2 then pays a month already paid.
  await pay('2024-02-06T05:00:00Z', bill1.paymentCode, 16_800, 'TWICE-1', '2024-02-05T04:00:00Z')
  const later = await pay('2024-02-06T06:00:00Z', bill2.paymentCode, 16_800, 'TWICE-2', '2024-02-06T04:00:00Z')
  assert.equal(later.created, true)
  assert.deepEqual(later.payment.periods, ['2024-02'])
  assert.deepEqual(later.payment.covered, [], 'February was paid once already: Rp16,800 to refund')
  const rows = await db.sql`SELECT payment_id, paid_at FROM coverage_month WHERE participant_id = ${idFromKpj(p.kpj)}`
  assert.equal(rows.length, 1)
  assert.equal((rows[0]!.paid_at as Date).toISOString(), '2024-02-05T04:00:00.000Z')
})

test('in one batch, both payments of the same months and another member\'s payment all post', async () => {
  const p = await member('2024-03-04T02:00:00Z')
  const other = await member('2024-03-04T02:00:00Z')
  const bill1 = await createBill(at('2024-03-04T03:00:00Z'), p.kpj, 1)
  const bill2 = await createBill(at('2024-03-05T03:00:00Z'), p.kpj, 2)
  const good = await createBill(at('2024-03-05T03:00:00Z'), other.kpj, 3)
  const notice = (paymentCode: string, amount: number, reference: string, paidAt: string) => ({ paymentCode, amount, reference, channel: 'bank_va', paidAt })
  const out = await postPayments({ db: db.sql, actor, now: new Date('2024-03-06T01:00:00Z') }, [
    notice(bill2.paymentCode, 33_600, 'BATCH-2', '2024-03-05T04:00:00Z'),
    notice(bill1.paymentCode, 16_800, 'BATCH-1', '2024-03-04T04:00:00Z'),
    notice(good.paymentCode, 50_400, 'BATCH-3', '2024-03-05T05:00:00Z'),
  ])
  assert.deepEqual(out.map((o) => (o as PostedPayment).payment.covered), [['2024-04'], ['2024-03'], ['2024-03', '2024-04', '2024-05']])
  assert.ok(out.every((o) => (o as PostedPayment).created))
  assert.equal((await coverage(other.kpj, '2024-05-31')).status, 'active')
  // The batch reached Jamsos on 6 March: that is when the member's protection is known from.
  assert.equal((await coverage(p.kpj, '2024-03-05')).status, 'unpaid')
  assert.equal((await coverage(p.kpj, '2024-03-06')).activeSince, '2024-03-06')
})

test('a reference already used in another branch is that notice\'s PAYMENT_REFERENCE_CONFLICT; the rest of the batch posts', async () => {
  const app = createPool(db.appUrl, { max: 2 })
  try {
    const officer = (userId: number, branch: string): Actor =>
      ({ ...ANONYMOUS_ACTOR, kind: 'user', userId, name: `officer-${branch}`, role: 'branch_officer', branchCodes: [branch] })
    const blitar = officer(101, 'KC3505')
    const surabaya = officer(102, 'KC3573')
    const a = await seedParticipant(db.sql, { branchCode: 'KC3505', villageCode: '35.05.01.2001' })
    const b1 = await seedParticipant(db.sql, { branchCode: 'KC3573', villageCode: '35.73.01.1001' })
    const b2 = await seedParticipant(db.sql, { branchCode: 'KC3573', villageCode: '35.73.02.1002' })
    const as = (who: Actor, now: string) => ({ db: app, actor: who, now: new Date(now), policy })
    const billA = await createBill(as(blitar, '2024-05-06T03:00:00Z'), a.kpj, 1)
    assert.equal(billA.amount, 16_800)
    await postPayment(as(blitar, '2024-05-06T04:00:00Z'), { paymentCode: billA.paymentCode, amount: 16_800, reference: 'KAS-778899', channel: 'branch', paidAt: '2024-05-06T04:00:00Z' })
    const billB1 = await createBill(as(surabaya, '2024-05-06T03:00:00Z'), b1.kpj, 2)
    const billB2 = await createBill(as(surabaya, '2024-05-06T03:00:00Z'), b2.kpj, 1)
    const before = [await count('payment'), await count('payment_reference'), await count('coverage_month')]
    // The Surabaya officer cannot see the Blitar payment holding KAS-778899, but the reference index answers for all.
    const out = await postPayments(as(surabaya, '2024-05-07T01:00:00Z'), [
      { paymentCode: billB1.paymentCode, amount: 33_600, reference: 'KAS-778899', channel: 'branch', paidAt: '2024-05-06T05:00:00Z' },
      { paymentCode: billB2.paymentCode, amount: 16_800, reference: 'KAS-778900', channel: 'branch', paidAt: '2024-05-06T05:00:00Z' },
    ])
    assert.ok(out[0] instanceof AppError)
    assert.equal(out[0].code, 'PAYMENT_REFERENCE_CONFLICT')
    assert.equal(out[0].status, 409)
    assert.equal(out[0].fields[0]!.path, 'reference')
    assert.deepEqual((out[1] as PostedPayment).payment.covered, ['2024-05'])
    assert.deepEqual([await count('payment'), await count('payment_reference'), await count('coverage_month')], before.map((n, i) => n + [1, 1, 1][i]!))
    // The Blitar officer re-sending its own notice still gets its payment back, unchanged.
    const again = await postPayment(as(blitar, '2024-05-07T02:00:00Z'), { paymentCode: billA.paymentCode, amount: 16_800, reference: 'KAS-778899', channel: 'branch', paidAt: '2024-05-06T04:00:00Z' })
    assert.equal(again.created, false)
    assert.deepEqual(again.payment.covered, ['2024-05'])
  } finally {
    await app.end()
  }
})

test('a member\'s 10,000th bill is BILL_LIMIT_REACHED on field kpj, not a crash', async () => {
  const p = await member('2024-06-03T02:00:00Z')
  const id = idFromKpj(p.kpj)
  await db.sql`
    INSERT INTO bill (participant_id, seq, payment_code, periods, amount, lines, issued_at, expires_at)
    VALUES (${id}, 9999, ${paymentCodeFor(id, 9999)}, ${['2024-06']}, 16800, '[]', '2024-06-03T03:00:00Z', '2024-06-30T17:00:00Z')`
  const bills = await count('bill')
  await assert.rejects(createBill(at('2024-06-03T04:00:00Z'), p.kpj, 1), (e: AppError) => {
    assert.equal(e.code, 'BILL_LIMIT_REACHED')
    assert.equal(e.status, 409)
    assert.equal(e.fields[0]!.path, 'kpj')
    return true
  })
  assert.equal(await count('bill'), bills)
})
