// Formatting through Intl, with the exact output each language gives.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDate, formatDateTime, formatInstantDate, formatMonth, formatNumber, formatRupiah } from './format.ts'

test('Rupiah is written Rp16.800 in Indonesian and Rp16,800 in English: no space, no decimals', () => {
  // JKK + JKM on a declared Rp1,000,000 costs Rp16,800 a month, halved to Rp8,400 by PP 50/2025
  // (the figures of the rate table's tests); the app shows what the API computed.
  assert.equal(formatRupiah(16_800, 'id'), 'Rp16.800')
  assert.equal(formatRupiah(16_800, 'en'), 'Rp16,800')
  assert.equal(formatRupiah(8_400, 'id'), 'Rp8.400')
  assert.equal(formatRupiah(1_000_000, 'id'), 'Rp1.000.000')
  assert.equal(formatRupiah(20_700_000, 'en'), 'Rp20,700,000')
  assert.equal(formatRupiah(0, 'id'), 'Rp0')
  assert.equal(formatRupiah(-50_400, 'id'), '-Rp50.400')
})

test('Rupiah rounds to whole Rupiah (contributions have no sen)', () => {
  assert.equal(formatRupiah(16_800.4, 'id'), 'Rp16.800')
  assert.equal(formatRupiah(16_800.5, 'id'), 'Rp16.801')
})

test('numbers group by language: 1.234.567,5 and 1,234,567.5', () => {
  assert.equal(formatNumber(1_234_567.5, 'id'), '1.234.567,5')
  assert.equal(formatNumber(1_234_567.5, 'en'), '1,234,567.5')
})

test('a calendar date keeps its day whatever the time zone: 17 Mei 1990 / 17 May 1990', () => {
  assert.equal(formatDate('1990-05-17', 'id'), '17 Mei 1990')
  assert.equal(formatDate('1990-05-17', 'en'), '17 May 1990')
  assert.equal(formatDate('2024-02-29', 'id'), '29 Februari 2024')
  assert.equal(formatDate('not a date', 'id'), 'not a date')
})

test('months by name: Maret 2026 / March 2026, Agustus / August', () => {
  assert.equal(formatMonth('2026-03', 'id'), 'Maret 2026')
  assert.equal(formatMonth('2026-03', 'en'), 'March 2026')
  assert.equal(formatMonth('2025-08', 'id'), 'Agustus 2025')
  assert.equal(formatMonth('2026-3', 'id'), '2026-3', 'not a month: shown as given')
})

test('an instant is shown on the Jakarta calendar: 17:30 UTC on 31 December is 1 January in Jakarta', () => {
  assert.equal(formatInstantDate('2025-12-31T17:30:00Z', 'id'), '1 Januari 2026')
  assert.equal(formatInstantDate('2025-12-31T16:59:00Z', 'en'), '31 December 2025')
  assert.equal(formatDateTime('2026-11-25T03:00:00Z', 'id'), '25 November 2026 pukul 10.00')
  assert.equal(formatDateTime('2026-11-25T03:00:00Z', 'en'), '25 November 2026 at 10:00')
})
