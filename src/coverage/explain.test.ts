// The month-by-month explanation of coverage, with the regulation's figures: paid, arrears paid in
// grace, grace months left, the lapse after 3 unpaid months and the restart after it
// (Perdir 22/PERDIR.02/072022), months paid ahead.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { monthRange } from '../platform/dates.ts'
import { AppError } from '../platform/errors.ts'
import { explainCoverage, type MonthExplanation } from './explain.ts'
import { coverageOn, type PaidMonth } from './status.ts'

/** Months credited to one payment received at `at`; `billed` the months its bill priced when credit moved them. */
function pay(paymentId: number, from: string, to: string, at: string, billed?: string[]): PaidMonth[] {
  return monthRange(from, to).map((period, i) => ({ period, knownAt: new Date(at), paymentId, billedPeriod: billed?.[i] ?? period }))
}

/** The parts of a month a reader sees in a cell: month, status, rule, and the figures of its reason. */
const cell = (m: MonthExplanation) => [m.period, m.status, m.rule, m.paidBy?.paymentId ?? null, m.unpaidMonths, m.graceMonthsLeft, m.graceUntil, m.lapsedOn]

const PERDIR = 'Perdir 22/PERDIR.02/072022'

test('arrears paid on 30 April and received on 2 May, after the lapse: May–July are a restart, then grace and a new lapse', () => {
  // January paid on 10 January (Rp16,800); February–April billed as arrears and paid on 30 April,
  // but the bank's notice reaches Jamsos on 2 May: the posting path credits them to May–July
  // (src/coverage/stored.test.ts), billed_period keeping February–April.
  const paid = [
    ...pay(1, '2024-01', '2024-01', '2024-01-10T03:00:00Z'),
    ...pay(2, '2024-05', '2024-07', '2024-05-02T03:00:00Z', ['2024-02', '2024-03', '2024-04']),
  ]
  const e = explainCoverage(paid, '2024-12-15', { graceMonths: 3 }, 12)
  assert.equal(e.from, '2024-01')
  assert.equal(e.to, '2024-12')
  assert.deepEqual(e.months.map(cell), [
    ['2024-01', 'active', 'paid', 1, 0, null, null, null],
    ['2024-02', 'grace', 'grace', null, 1, 2, '2024-04-30', null],
    ['2024-03', 'grace', 'grace', null, 2, 1, '2024-04-30', null],
    ['2024-04', 'grace', 'grace', null, 3, 0, '2024-04-30', null],
    ['2024-05', 'active', 'restart', 2, 0, null, null, null],
    ['2024-06', 'active', 'restart', 2, 0, null, null, null],
    ['2024-07', 'active', 'restart', 2, 0, null, null, null],
    ['2024-08', 'grace', 'grace', null, 1, 2, '2024-10-31', null],
    ['2024-09', 'grace', 'grace', null, 2, 1, '2024-10-31', null],
    ['2024-10', 'grace', 'grace', null, 3, 0, '2024-10-31', null],
    ['2024-11', 'lapsed', 'lapsed', null, 4, null, null, '2024-11-01'],
    ['2024-12', 'lapsed', 'lapsed', null, 5, null, null, '2024-11-01'],
  ])
  const may = e.months[4]!
  assert.deepEqual(may.paidBy, { paymentId: 2, knownAt: '2024-05-02T03:00:00.000Z', knownOn: '2024-05-02', billedPeriod: '2024-02' })
  assert.deepEqual(may.events, [
    { from: '2024-05-01', status: 'lapsed', event: 'lapsed' },
    { from: '2024-05-02', status: 'active', event: 'reactivated' },
  ])
  assert.equal(may.regulation, PERDIR)
  assert.deepEqual(e.months[0]!.events, [{ from: '2024-01-10', status: 'active', event: 'first_payment' }])
  assert.equal(e.months[0]!.regulation, 'PP 44/2015')
  assert.deepEqual([e.status, e.rule, e.regulation], ['lapsed', 'lapsed', PERDIR])
  assert.deepEqual(e.payments, [
    { paymentId: 1, knownAt: '2024-01-10T03:00:00.000Z', knownOn: '2024-01-10', months: ['2024-01'] },
    { paymentId: 2, knownAt: '2024-05-02T03:00:00.000Z', knownOn: '2024-05-02', months: ['2024-05', '2024-06', '2024-07'] },
  ])
  // The explanation and the rule agree on the date asked about.
  assert.equal(coverageOn(paid, '2024-12-15').status, e.status)
})

test('April paid late on 20 May, while in grace, is arrears; June paid on the 10th; July–August paid ahead', () => {
  const paid = [
    ...pay(1, '2024-01', '2024-03', '2024-01-05T03:00:00Z'),
    ...pay(2, '2024-04', '2024-05', '2024-05-20T03:00:00Z'),
    ...pay(3, '2024-06', '2024-08', '2024-06-10T03:00:00Z'),
  ]
  const e = explainCoverage(paid, '2024-06-10', { graceMonths: 3 }, 6)
  assert.deepEqual([e.from, e.to], ['2024-01', '2024-08'])
  assert.deepEqual(e.months.map(cell), [
    ['2024-01', 'active', 'paid', 1, 0, null, null, null],
    ['2024-02', 'active', 'paid', 1, 0, null, null, null],
    ['2024-03', 'active', 'paid', 1, 0, null, null, null],
    // In grace while it ran (one unpaid month, two left, arrears payable until 30 June), paid on 20 May.
    ['2024-04', 'grace', 'arrears_paid', 2, 1, 2, '2024-06-30', null],
    ['2024-05', 'active', 'paid', 2, 0, null, null, null],
    ['2024-06', 'active', 'paid', 3, 0, null, null, null],
    ['2024-07', 'active', 'paid_ahead', 3, 0, null, null, null],
    ['2024-08', 'active', 'paid_ahead', 3, 0, null, null, null],
  ])
  assert.equal(e.months[3]!.paidBy?.knownOn, '2024-05-20')
  assert.equal(e.months[3]!.regulation, PERDIR)
  assert.deepEqual(e.months[4]!.events, [{ from: '2024-05-20', status: 'active', event: 'arrears_paid' }])
  assert.deepEqual(e.months[5]!.events, [
    { from: '2024-06-01', status: 'grace', event: 'grace_started' },
    { from: '2024-06-10', status: 'active', event: 'renewed' },
  ])
  assert.deepEqual([e.status, e.rule], ['active', 'paid'])

  // The day before, payment 3 was not known yet: June in grace, payable until 31 August, nothing ahead.
  const before = explainCoverage(paid, '2024-06-09', { graceMonths: 3 }, 6)
  assert.equal(before.to, '2024-06')
  assert.deepEqual(cell(before.months.at(-1)!), ['2024-06', 'grace', 'grace', null, 1, 2, '2024-08-31', null])
  assert.equal(before.payments.length, 2)
  assert.deepEqual([before.status, before.rule, before.regulation], ['grace', 'grace', PERDIR])
})

test('a member who never paid: every month unpaid, no payments', () => {
  const e = explainCoverage([], '2025-03-31', { graceMonths: 3 })
  assert.equal(e.months.length, 24)
  assert.deepEqual([e.from, e.to], ['2023-04', '2025-03'])
  assert.ok(e.months.every((m) => m.status === 'unpaid' && m.rule === 'unpaid' && m.paidBy === null && m.regulation === 'PP 44/2015'))
  assert.deepEqual(e.payments, [])
  assert.equal(e.status, 'unpaid')
})

test('a one-month grace policy lapses after the second unpaid month', () => {
  const e = explainCoverage(pay(1, '2024-01', '2024-01', '2024-01-02T03:00:00Z'), '2024-03-01', { graceMonths: 1 }, 3)
  assert.deepEqual(e.months.map(cell), [
    ['2024-01', 'active', 'paid', 1, 0, null, null, null],
    ['2024-02', 'grace', 'grace', null, 1, 0, '2024-02-29', null],
    ['2024-03', 'lapsed', 'lapsed', null, 2, null, null, '2024-03-01'],
  ])
})

test('a date that is not a calendar date is refused with the coverage error code', () => {
  assert.throws(() => explainCoverage([], '2024-02-30'), (e: unknown) => e instanceof AppError && e.code === 'COVERAGE_DATE_INVALID')
})
