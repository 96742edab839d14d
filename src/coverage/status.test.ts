import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../platform/errors.ts'
import { monthRange } from '../platform/dates.ts'
import { coverageHistory, coverageOn, nextBillStart, type CoverageStatus, type PaidMonth } from './status.ts'

/** The months from..to, all paid in one payment at `at` (an ISO instant). */
function pay(from: string, to: string, at: string): PaidMonth[] {
  return monthRange(from, to).map((period) => ({ period, knownAt: new Date(at) }))
}

const NONE: CoverageStatus = {
  status: 'unpaid',
  paidThrough: null,
  activeSince: null,
  graceUntil: null,
  lapsedOn: null,
  reactivated: false,
  arrears: [],
}

// Paid January to March 2024 on 5 January (10:00 WIB).
const janToMar = pay('2024-01', '2024-03', '2024-01-05T03:00:00Z')

test('paid Jan–Mar 2024: active through 31 March', () => {
  assert.deepEqual(coverageOn(janToMar, '2024-03-31'), {
    ...NONE,
    status: 'active',
    paidThrough: '2024-03',
    activeSince: '2024-01-05',
  })
})

test('paid Jan–Mar 2024: grace from 1 April, arrears payable until 30 June (Perdir 22/PERDIR.02/072022: 3 months)', () => {
  assert.deepEqual(coverageOn(janToMar, '2024-04-01'), {
    ...NONE,
    status: 'grace',
    paidThrough: '2024-03',
    graceUntil: '2024-06-30',
    arrears: ['2024-04'],
  })
  assert.deepEqual(coverageOn(janToMar, '2024-06-30'), {
    ...NONE,
    status: 'grace',
    paidThrough: '2024-03',
    graceUntil: '2024-06-30',
    arrears: ['2024-04', '2024-05', '2024-06'],
  })
})

test('paid Jan–Mar 2024: the 4th unpaid month ends the membership on 1 July', () => {
  assert.deepEqual(coverageOn(janToMar, '2024-07-01'), {
    ...NONE,
    status: 'lapsed',
    paidThrough: '2024-03',
    lapsedOn: '2024-07-01',
  })
  assert.equal(nextBillStart(janToMar, '2024-07-01'), '2024-07', 'a lapsed member restarts from the current month')
  assert.equal(nextBillStart(janToMar, '2024-06-30'), '2024-04', 'in grace the arrears come first')
})

test('arrears Apr–Jun paid at 23:30 WIB on 30 June (16:30 UTC) restore protection', () => {
  const paid = [...janToMar, ...pay('2024-04', '2024-06', '2024-06-30T16:30:00Z')]
  assert.deepEqual(coverageOn(paid, '2024-06-30'), {
    ...NONE,
    status: 'active',
    paidThrough: '2024-06',
    activeSince: '2024-06-30',
  })
  assert.deepEqual(coverageHistory(paid, '2024-06-30'), [
    { from: '2024-01-05', status: 'active', event: 'first_payment' },
    { from: '2024-04-01', status: 'grace', event: 'grace_started' },
    { from: '2024-06-30', status: 'active', event: 'arrears_paid' },
  ])
  // July is unpaid again: a new grace counted from June.
  assert.deepEqual(coverageOn(paid, '2024-07-01'), {
    ...NONE,
    status: 'grace',
    paidThrough: '2024-06',
    graceUntil: '2024-09-30',
    arrears: ['2024-07'],
  })
})

test('the same payment at 17:30 UTC is already 1 July in Jakarta: the member had lapsed, so it reactivates', () => {
  const at = '2024-06-30T17:30:00Z'
  const paid = [...janToMar, ...pay('2024-04', '2024-06', at)]
  // No arrears after a lapse: the three months paid count from July (paidThrough 2024-09 below).
  assert.deepEqual(coverageOn(paid, '2024-06-30'), {
    ...NONE,
    status: 'grace',
    paidThrough: '2024-03',
    graceUntil: '2024-06-30',
    arrears: ['2024-04', '2024-05', '2024-06'],
  })
  assert.deepEqual(coverageOn(paid, '2024-07-01'), {
    ...NONE,
    status: 'active',
    paidThrough: '2024-09',
    activeSince: '2024-07-01',
    reactivated: true,
  })
  assert.deepEqual(coverageHistory(paid, '2024-07-01'), [
    { from: '2024-01-05', status: 'active', event: 'first_payment' },
    { from: '2024-04-01', status: 'grace', event: 'grace_started' },
    { from: '2024-07-01', status: 'lapsed', event: 'lapsed' },
    { from: '2024-07-01', status: 'active', event: 'reactivated' },
  ])
  assert.equal(nextBillStart(paid, '2024-07-01'), '2024-10')
})

test('a payment at 23:30 UTC on 31 January counts on 1 February in Jakarta', () => {
  const january = pay('2024-01', '2024-01', '2024-01-02T02:00:00Z')
  const late = [...january, ...pay('2024-02', '2024-02', '2024-01-31T23:30:00Z')]
  assert.equal(coverageOn(late, '2024-01-31').paidThrough, '2024-01', 'not yet known on 31 January')
  assert.deepEqual(coverageOn(late, '2024-02-01'), { ...NONE, status: 'active', paidThrough: '2024-02', activeSince: '2024-02-01' })
  // Unprotected from 00:00 to 06:30 WIB on 1 February: February was not paid yet.
  assert.deepEqual(coverageHistory(late, '2024-02-01'), [
    { from: '2024-01-02', status: 'active', event: 'first_payment' },
    { from: '2024-02-01', status: 'grace', event: 'grace_started' },
    { from: '2024-02-01', status: 'active', event: 'renewed' },
  ])
  // Paid at 23:59 WIB on 31 January instead: February is paid before it begins, no break at all.
  const onTime = [...january, ...pay('2024-02', '2024-02', '2024-01-31T16:59:00Z')]
  assert.deepEqual(coverageHistory(onTime, '2024-02-01'), [{ from: '2024-01-02', status: 'active', event: 'first_payment' }])
  assert.equal(coverageOn(onTime, '2024-02-01').activeSince, '2024-01-02')
})

test('leap year: paid through February 2024 is active on 29 February and in grace on 1 March', () => {
  const paid = pay('2024-01', '2024-02', '2024-01-10T05:00:00Z')
  assert.equal(coverageOn(paid, '2024-02-29').status, 'active')
  assert.deepEqual(coverageOn(paid, '2024-03-01'), {
    ...NONE,
    status: 'grace',
    paidThrough: '2024-02',
    graceUntil: '2024-05-31',
    arrears: ['2024-03'],
  })
})

test('never paid: unpaid, no history, the first bill starts in the current month', () => {
  assert.deepEqual(coverageOn([], '2024-05-10'), NONE)
  assert.deepEqual(coverageHistory([], '2024-05-10'), [])
  assert.equal(nextBillStart([], '2024-05-10'), '2024-05')
})

test('12 months paid ahead: active all of 2024, grace from January 2025, lapsed from April 2025', () => {
  const year = pay('2024-01', '2024-12', '2024-01-03T01:00:00Z')
  assert.deepEqual(coverageOn(year, '2024-12-31'), { ...NONE, status: 'active', paidThrough: '2024-12', activeSince: '2024-01-03' })
  assert.equal(nextBillStart(year, '2024-06-15'), '2025-01')
  assert.deepEqual(coverageOn(year, '2025-01-01'), { ...NONE, status: 'grace', paidThrough: '2024-12', graceUntil: '2025-03-31', arrears: ['2025-01'] })
  assert.deepEqual(coverageOn(year, '2025-04-01'), { ...NONE, status: 'lapsed', paidThrough: '2024-12', lapsedOn: '2025-04-01' })
  assert.deepEqual(coverageHistory(year, '2025-04-30'), [
    { from: '2024-01-03', status: 'active', event: 'first_payment' },
    { from: '2025-01-01', status: 'grace', event: 'grace_started' },
    { from: '2025-04-01', status: 'lapsed', event: 'lapsed' },
  ])
})

// Paid Jan–Mar 2024, nothing until 10 September (09:00 WIB), then Sep–Nov.
const gap = [...janToMar, ...pay('2024-09', '2024-11', '2024-09-10T02:00:00Z')]

test('a gap then a reactivation: the history lists each change in order', () => {
  assert.deepEqual(coverageHistory(gap, '2024-12-15'), [
    { from: '2024-01-05', status: 'active', event: 'first_payment' },
    { from: '2024-04-01', status: 'grace', event: 'grace_started' },
    { from: '2024-07-01', status: 'lapsed', event: 'lapsed' },
    { from: '2024-09-10', status: 'active', event: 'reactivated' },
    { from: '2024-12-01', status: 'grace', event: 'grace_started' },
  ])
  assert.deepEqual(coverageOn(gap, '2024-10-15'), { ...NONE, status: 'active', paidThrough: '2024-11', activeSince: '2024-09-10', reactivated: true })
  assert.equal(nextBillStart(gap, '2024-12-15'), '2024-12')
})

test('the status on a past date ignores payments made after it', () => {
  assert.deepEqual(coverageOn(gap, '2024-09-09'), { ...NONE, status: 'lapsed', paidThrough: '2024-03', lapsedOn: '2024-07-01' })
  assert.equal(nextBillStart(gap, '2024-09-09'), '2024-09')
  assert.deepEqual(coverageHistory(gap, '2024-09-09'), coverageHistory(gap, '2024-12-15').slice(0, 3))
  // Protection starts when the money arrives: an accident on 5 September was not covered even
  // though September was paid later.
  assert.equal(coverageOn(gap, '2024-09-05').status, 'lapsed')
  assert.equal(coverageOn(janToMar, '2024-01-04').status, 'unpaid')
})

test('a month paid ahead after an unpaid one restores protection when it begins', () => {
  const holed = [...pay('2024-01', '2024-01', '2024-01-05T03:00:00Z'), ...pay('2024-03', '2024-03', '2024-01-05T03:00:00Z')]
  assert.deepEqual(coverageOn(holed, '2024-02-15'), { ...NONE, status: 'grace', paidThrough: '2024-03', graceUntil: '2024-04-30', arrears: ['2024-02'] })
  assert.equal(nextBillStart(holed, '2024-02-15'), '2024-02', 'the unpaid February is billed first')
  assert.deepEqual(coverageHistory(holed, '2024-03-31'), [
    { from: '2024-01-05', status: 'active', event: 'first_payment' },
    { from: '2024-02-01', status: 'grace', event: 'grace_started' },
    { from: '2024-03-01', status: 'active', event: 'renewed' },
  ])
})

test('a month paid ahead of the first protected month: unpaid until it begins', () => {
  const april = pay('2024-04', '2024-04', '2024-03-20T03:00:00Z')
  assert.deepEqual(coverageOn(april, '2024-03-25'), { ...NONE, paidThrough: '2024-04' })
  assert.deepEqual(coverageHistory(april, '2024-04-01'), [{ from: '2024-04-01', status: 'active', event: 'first_payment' }])
})

test('a first payment for a month already past is credited from the month it is made in', () => {
  const knownAt = new Date('2024-04-02T03:00:00Z')
  // The rule reads the stored bill period March as April, so the member is not "in grace" after paying.
  assert.deepEqual(coverageOn([{ period: '2024-03', knownAt }], '2024-04-02'), { ...NONE, status: 'active', paidThrough: '2024-04', activeSince: '2024-04-02' })
})

test('grace months are policy: 0 lapses at once, 1 gives one month', () => {
  const january = pay('2024-01', '2024-01', '2024-01-02T02:00:00Z')
  assert.deepEqual(coverageOn(january, '2024-02-01', { graceMonths: 0 }), { ...NONE, status: 'lapsed', paidThrough: '2024-01', lapsedOn: '2024-02-01' })
  assert.equal(coverageOn(january, '2024-02-29', { graceMonths: 1 }).graceUntil, '2024-02-29')
  assert.equal(coverageOn(january, '2024-03-01', { graceMonths: 1 }).lapsedOn, '2024-03-01')
  assert.throws(() => coverageOn(january, '2024-03-01', { graceMonths: -1 }), /graceMonths/)
})

test('a date that is not a calendar date is COVERAGE_DATE_INVALID on field on', () => {
  for (const on of ['2024-02-30', '2024-13-01', '1 March 2024']) {
    assert.throws(
      () => coverageOn(janToMar, on),
      (e: unknown) => e instanceof AppError && e.code === 'COVERAGE_DATE_INVALID' && e.fields[0]!.path === 'on',
    )
  }
})
