import { test } from 'node:test'
import assert from 'node:assert/strict'
import { addMonths, ageOn, isIsoDate, jakartaDate, lastDayOf, monthDiff, monthRange } from './dates.ts'

test('23:30 UTC on the last day of January is already 1 February in Jakarta', () => {
  assert.equal(jakartaDate(new Date('2024-01-31T23:30:00Z')), '2024-02-01')
  assert.equal(jakartaDate(new Date('2024-01-31T16:59:59Z')), '2024-01-31')
  assert.equal(jakartaDate(new Date('2024-01-31T17:00:00Z')), '2024-02-01')
})

test('leap years: 29 February 2024 exists, 2023 and 2100 do not', () => {
  assert.equal(isIsoDate('2024-02-29'), true)
  assert.equal(isIsoDate('2023-02-29'), false)
  assert.equal(isIsoDate('2100-02-29'), false)
  assert.equal(isIsoDate('2000-02-29'), true)
  assert.equal(lastDayOf('2024-02'), '2024-02-29')
  assert.equal(lastDayOf('2025-02'), '2025-02-28')
})

test('month arithmetic crosses year ends', () => {
  assert.equal(addMonths('2024-11', 3), '2025-02')
  assert.equal(addMonths('2025-01', -1), '2024-12')
  assert.equal(monthDiff('2024-11', '2025-02'), 3)
  assert.deepEqual(monthRange('2024-11', '2025-02'), ['2024-11', '2024-12', '2025-01', '2025-02'])
})

test('age counts whole years and turns on the birthday', () => {
  assert.equal(ageOn('1990-05-17', '2025-05-16'), 34)
  assert.equal(ageOn('1990-05-17', '2025-05-17'), 35)
})
