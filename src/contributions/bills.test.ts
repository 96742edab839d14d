import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../platform/errors.ts'
import { loadRateTable, type RateRow } from '../programs/index.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { billExpiry, billPeriods, priceBill } from './bills.ts'

const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
let db: TestDatabase
let rates: RateRow[]
before(async () => {
  db = await testDatabase()
  rates = await loadRateTable(db.sql)
})
after(() => db.close())

const petani = { income: 1_000_000, programs: ['JKK', 'JKM'] as ['JKK', 'JKM'], occupationGroup: 'general', funding: 'self' as const }
const ojek = { ...petani, occupationGroup: 'transport' }

test('a bill of n months covers n consecutive months across the year end', () => {
  assert.deepEqual(billPeriods('2025-11', 3, ALL, '2025-11-10'), ['2025-11', '2025-12', '2026-01'])
})

test('0 and 13 months are refused on the months field; so is a month the configuration does not allow', () => {
  for (const n of [0, 13]) {
    assert.throws(() => billPeriods('2025-11', n, ALL, '2025-11-10'), (e: AppError) => e.code === 'BILL_MONTHS_INVALID' && e.fields[0]!.path === 'months')
  }
  assert.throws(() => billPeriods('2025-11', 2, [1, 3, 6, 12], '2025-11-10'), /BILL_MONTHS_INVALID: a bill covers 1, 3, 6, 12 months, not 2/)
})

test('contributions are paid at most 12 months ahead of the current month', () => {
  assert.deepEqual(billPeriods('2025-11', 12, ALL, '2025-11-10').at(-1), '2026-10')
  assert.throws(() => billPeriods('2025-12', 12, ALL, '2025-11-10'), (e: AppError) => e.code === 'BILL_TOO_FAR_AHEAD')
})

test('each month of a bill is priced at the rates in force that month: PP 50/2025 starts in April 2026 for a petani', () => {
  const bill = priceBill(rates, petani, ['2026-02', '2026-03', '2026-04', '2026-05'])
  assert.equal(bill.amount, 16_800 + 16_800 + 8_400 + 8_400)
  const april = bill.lines.filter((l) => l.period === '2026-04')
  assert.deepEqual(april.map((l) => [l.program, l.baseAmount, l.discount, l.amount]), [['JKK', 10_000, 5_000, 5_000], ['JKM', 6_800, 3_400, 3_400]])
})

test('an ojek driver already pays half from January 2026 and full again from April 2027', () => {
  assert.equal(priceBill(rates, ojek, ['2025-12', '2026-01']).amount, 16_800 + 8_400)
  assert.equal(priceBill(rates, ojek, ['2027-03', '2027-04']).amount, 8_400 + 16_800)
})

test('a bill issued on any day of a month can be paid until the end of that month in Jakarta', () => {
  assert.equal(billExpiry('2024-02-10').toISOString(), '2024-02-29T17:00:00.000Z')
  assert.equal(billExpiry('2025-12-31').toISOString(), '2025-12-31T17:00:00.000Z')
})
