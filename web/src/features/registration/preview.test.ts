// The live contribution of the registration form, computed in the browser by the server's own
// calculator over the rates GET /api/v1/rates answers (real rows of migrations/0003_programs.sql,
// through the real API): JKK 1% of the declared income, JKM Rp6,800 flat, JHT 2%; PP 50/2025 halves
// JKK and JKM for transport BPU from January 2026 and for every other BPU from April 2026.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../../../test/app.ts'
import { loadRateTable, ratesInForce } from '../../../../src/programs/index.ts'
import { percentString, type RateRow } from '../../../../src/programs/rates.ts'
import { contributionPreview, percentToMillionths, rateRowsFromApi, type RateView } from './preview.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

/** The rows the form loads for a contribution month: those in force on its first day. */
async function ratesFor(month: string): Promise<RateRow[]> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/rates?date=${month}-01&segment=BPU` })
  assert.equal(res.statusCode, 200, res.body)
  return rateRowsFromApi((res.json() as { rates: RateView[] }).rates)
}

test('the percent the API writes reads back exactly in hundredths of a basis point', () => {
  assert.equal(percentToMillionths('1'), 10_000)
  assert.equal(percentToMillionths('0.24'), 2_400)
  assert.equal(percentToMillionths('0.445'), 4_450)
  assert.equal(percentToMillionths('50'), 500_000)
  for (const v of [1, 2_400, 4_450, 10_000, 20_000, 500_000, 123_456]) assert.equal(percentToMillionths(percentString(v)), v)
  assert.throws(() => percentToMillionths('1e2'))
})

test('the rows read from the API are the rows of the rate table', async () => {
  const fromApi = await ratesFor('2026-05')
  const table = ratesInForce(await loadRateTable(t.db.sql), '2026-05-01').filter((r) => r.segment === 'BPU')
  assert.deepEqual(
    fromApi.map((r) => [r.id, r.value, r.basis]).sort(),
    table.map((r) => [r.id, r.value, r.basis]).sort(),
  )
})

test('JKK + JKM at Rp1,000,000 before PP 50/2025: Rp16,800 a month', async () => {
  const p = contributionPreview(await ratesFor('2025-06'), { income: 1_000_000, programs: ['JKK', 'JKM'], occupationGroup: 'general' }, '2025-06')
  assert.equal(p.state, 'priced')
  if (p.state !== 'priced') return
  assert.equal(p.total, 16_800)
  assert.deepEqual(p.lines.map((l) => [l.program, l.baseAmount, l.discount, l.amount]), [['JKK', 10_000, 0, 10_000], ['JKM', 6_800, 0, 6_800]])
})

test('PP 50/2025: transport from January 2026, everyone else from April 2026; JHT is not discounted', async () => {
  const feb = await ratesFor('2026-02')
  const petani = contributionPreview(feb, { income: 1_000_000, programs: ['JKK', 'JKM'], occupationGroup: 'general' }, '2026-02')
  const ojek = contributionPreview(feb, { income: 1_000_000, programs: ['JKK', 'JKM'], occupationGroup: 'transport' }, '2026-02')
  assert.ok(petani.state === 'priced' && ojek.state === 'priced')
  assert.equal(petani.total, 16_800)
  assert.equal(ojek.total, 8_400)
  assert.equal(ojek.undiscounted, 16_800)

  const may = await ratesFor('2026-05')
  const withJht = contributionPreview(may, { income: 2_500_000, programs: ['JHT', 'JKM', 'JKK'], occupationGroup: 'general' }, '2026-05')
  assert.equal(withJht.state, 'priced')
  if (withJht.state !== 'priced') return
  // JKK 25,000 − 12,500; JKM 6,800 − 3,400; JHT 2% = 50,000 in full.
  assert.deepEqual(withJht.lines.map((l) => [l.program, l.amount, l.discount]), [['JKK', 12_500, 12_500], ['JKM', 3_400, 3_400], ['JHT', 50_000, 0]])
  assert.equal(withJht.total, 65_900)
  assert.equal(withJht.undiscounted, 81_800)
})

test('an income outside the bounds or a wrong package is refused as the API refuses it', async () => {
  const rows = await ratesFor('2026-05')
  const low = contributionPreview(rows, { income: 999_999, programs: ['JKK', 'JKM'], occupationGroup: 'general' }, '2026-05')
  assert.equal(low.state, 'refused')
  assert.ok(low.state === 'refused')
  assert.equal(low.field, 'monthlyIncome')
  assert.equal(low.code, 'INCOME_OUT_OF_RANGE')
  assert.match(low.reason, /Rp999,999 is below the lowest declared income; it must be from Rp1,000,000 to Rp20,700,000/)
  const jhtOnly = contributionPreview(rows, { income: 1_000_000, programs: ['JHT'], occupationGroup: 'general' }, '2026-05')
  assert.ok(jhtOnly.state === 'refused')
  assert.equal(jhtOnly.code, 'PROGRAMS_INVALID')
  assert.deepEqual(contributionPreview(rows, { income: null, programs: ['JKK', 'JKM'], occupationGroup: 'general' }, '2026-05'), { state: 'incomplete' })
})
