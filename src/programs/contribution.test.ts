// The calculator against the rate table exactly as migrated (loaded once from a test database),
// with the regulations' own figures; then its mechanics on small hand-made tables.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../platform/errors.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { loadRateTable } from './queries.ts'
import { bpuMonthly, percentOf, puMonthly, validateBpuIncome, validateBpuPrograms, type BpuMember } from './contribution.ts'
import { percentString, ratesForMonth, type RateRow } from './rates.ts'

let db: TestDatabase
let rates: RateRow[]
before(async () => {
  db = await testDatabase()
  rates = await loadRateTable(db.sql)
})
after(() => db.close())

const petani: BpuMember = { income: 1_000_000, programs: ['JKK', 'JKM'], occupationGroup: 'general', funding: 'self' }
const ojek: BpuMember = { ...petani, occupationGroup: 'transport' }
const total = (m: BpuMember, month: string) => bpuMonthly(rates, m, month).total

function appError(code: string, path?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof AppError, String(e))
    assert.equal(e.code, code)
    if (path) assert.equal(e.fields[0]?.path, path)
    return true
  }
}

describe('BPU contributions (PP 44/2015 Lampiran II as amended by PP 82/2019, Permenaker 5/2021)', () => {
  test('JKK + JKM on a declared Rp1,000,000 costs Rp16,800 a month; with JHT Rp36,800', () => {
    assert.equal(total(petani, '2025-06'), 16_800)
    assert.equal(total({ ...petani, programs: ['JKK', 'JKM', 'JHT'] }, '2025-06'), 36_800)
  })

  test('JKK is 1% of the declared income, JKM Rp6,800 flat, JHT 2%', () => {
    const bill = bpuMonthly(rates, { ...petani, income: 20_700_000, programs: ['JKK', 'JKM', 'JHT'] }, '2025-06')
    assert.deepEqual(
      bill.lines.map((l) => [l.program, l.amount, l.discount]),
      [['JKK', 207_000, 0], ['JKM', 6_800, 0], ['JHT', 414_000, 0]],
    )
    assert.equal(bill.total, 627_800)
    assert.deepEqual(bill.lines[0]!.rateIds, [101])
    assert.match(bill.lines[0]!.regulation, /PP 44\/2015 Lampiran II/)
  })

  test('each line is rounded half up to the Rupiah', () => {
    const jkk = (income: number) => bpuMonthly(rates, { ...petani, income }, '2025-06').lines[0]!.amount
    assert.equal(jkk(1_234_550), 12_346) // 12,345.50
    assert.equal(jkk(1_234_549), 12_345) // 12,345.49
  })

  test('there is no BPU rate before Permenaker 5/2021 took effect (April 2021)', () => {
    assert.throws(() => total(petani, '2021-03'), appError('NO_RATE_IN_FORCE'))
    assert.equal(total(petani, '2021-04'), 16_800)
  })
})

describe('PP 50/2025: JKK + JKM 50% off for BPU', () => {
  const table: [string, BpuMember, string, number][] = [
    ['petani, the month before the general window', petani, '2026-03', 16_800],
    ['petani, first month (April 2026)', petani, '2026-04', 8_400],
    ['petani, last month (December 2026)', petani, '2026-12', 8_400],
    ['petani, the month after (January 2027)', petani, '2027-01', 16_800],
    ['ojek, December 2025 (PP 50/2025 in force but no discount month yet)', ojek, '2025-12', 16_800],
    ['ojek, first month (January 2026)', ojek, '2026-01', 8_400],
    ['ojek, last month (March 2027)', ojek, '2027-03', 8_400],
    ['ojek, the month after (April 2027)', ojek, '2027-04', 16_800],
    ['APBD-funded petani, April 2026 (excluded)', { ...petani, funding: 'apbd' }, '2026-04', 16_800],
    ['APBN-funded ojek, January 2026 (excluded)', { ...ojek, funding: 'apbn' }, '2026-01', 16_800],
    ['sponsor-funded petani, April 2026 (a sponsor is not a state budget)', { ...petani, funding: 'sponsor' }, '2026-04', 8_400],
  ]
  for (const [name, member, month, amount] of table) {
    test(`${name}: Rp${amount.toLocaleString('en-US')}`, () => assert.equal(total(member, month), amount))
  }

  test('JHT is not discounted: JKK + JKM + JHT at Rp1,000,000 in April 2026 is Rp28,400', () => {
    const bill = bpuMonthly(rates, { ...petani, programs: ['JKK', 'JKM', 'JHT'] }, '2026-04')
    assert.equal(bill.total, 28_400)
    assert.deepEqual(
      bill.lines.map((l) => ({ program: l.program, amount: l.amount, baseAmount: l.baseAmount, discount: l.discount, rateIds: l.rateIds })),
      [
        { program: 'JKK', amount: 5_000, baseAmount: 10_000, discount: 5_000, rateIds: [101, 203] },
        { program: 'JKM', amount: 3_400, baseAmount: 6_800, discount: 3_400, rateIds: [102, 204] },
        { program: 'JHT', amount: 20_000, baseAmount: 20_000, discount: 0, rateIds: [103] },
      ],
    )
    assert.equal(bill.lines[0]!.regulation, 'PP 44/2015 Lampiran II as amended by PP 82/2019; Permenaker 5/2021; PP 50/2025')
  })

  test('an odd JKK is halved with the discount rounded half up (Rp12,345 → pay Rp6,172)', () => {
    const jkk = bpuMonthly(rates, { ...petani, income: 1_234_500 }, '2026-04').lines[0]!
    assert.deepEqual([jkk.baseAmount, jkk.discount, jkk.amount], [12_345, 6_173, 6_172])
  })
})

describe('BPU program choice (JKK + JKM minimum, JHT optional; JP and JKP not open to BPU)', () => {
  test('the packages are accepted and put in canonical order', () => {
    assert.deepEqual(validateBpuPrograms(['JKM', 'JKK']), ['JKK', 'JKM'])
    assert.deepEqual(validateBpuPrograms(['JHT', 'JKM', 'JKK']), ['JKK', 'JKM', 'JHT'])
  })

  const refused: [string, string[], RegExp][] = [
    ['JKK alone', ['JKK'], /minimum package \(missing JKM\)/],
    ['JHT alone', ['JHT'], /missing JKK, JKM/],
    ['nothing', [], /minimum package/],
    ['a duplicate', ['JKK', 'JKM', 'JKM'], /JKM is listed more than once/],
    ['JP', ['JKK', 'JKM', 'JP'], /JP is not open to BPU/],
    ['JKP', ['JKK', 'JKM', 'JKP'], /JKP is not open to BPU/],
    ['an unknown code', ['JKK', 'JKM', 'BPJS'], /BPJS is not a program/],
  ]
  for (const [name, programs, reason] of refused) {
    test(`${name} is refused on field programs`, () =>
      assert.throws(() => validateBpuPrograms(programs), (e: unknown) => appError('PROGRAMS_INVALID', 'programs')(e) && reason.test((e as AppError).message)))
  }

  test('bpuMonthly refuses a bad choice too, so a program is never billed twice', () =>
    assert.throws(() => bpuMonthly(rates, { ...petani, programs: ['JKK', 'JKM', 'JKK'] }, '2025-06'), appError('PROGRAMS_INVALID', 'programs')))
})

describe('BPU declared income bounds: Rp1,000,000 to Rp20,700,000', () => {
  test('both bounds are allowed', () => {
    validateBpuIncome(rates, 1_000_000, '2026-01')
    validateBpuIncome(rates, 20_700_000, '2026-01')
  })

  for (const income of [999_999, 20_700_001, 1_500_000.5]) {
    test(`Rp${income} is refused on field monthlyIncome, quoting the bounds`, () =>
      assert.throws(
        () => validateBpuIncome(rates, income, '2026-01'),
        (e: unknown) =>
          appError('INCOME_OUT_OF_RANGE', 'monthlyIncome')(e) &&
          /from Rp1,000,000 to Rp20,700,000/.test((e as AppError).fields[0]!.reason!) &&
          (e as AppError).details?.min === 1_000_000 &&
          (e as AppError).details?.max === 20_700_000,
      ))
  }
})

describe('PU contributions (PP 44/2015, PP 45/2015, PP 46/2015, PP 37/2021, PP 6/2025)', () => {
  const line = (m: ReturnType<typeof puMonthly>, program: string, payer: string, fundedFrom: string | null = null) =>
    m.lines.find((l) => l.program === program && l.payer === payer && l.fundedFrom === fundedFrom)

  const jp = (wage: number, month: string) => {
    const m = puMonthly(rates, { wage, riskClass: 1 }, month)
    return [line(m, 'JP', 'employer')!.amount, line(m, 'JP', 'worker')!.amount, line(m, 'JP', 'employer')!.base]
  }

  test('JP 2% + 1% on a Rp12,000,000 wage capped at Rp10,042,300 (March 2024 to February 2025)', () => {
    assert.deepEqual(jp(12_000_000, '2024-06'), [200_846, 100_423, 10_042_300])
    assert.deepEqual(jp(12_000_000, '2025-02'), [200_846, 100_423, 10_042_300])
  })

  test('from March 2025 the JP cap is Rp10,547,400', () => {
    assert.deepEqual(jp(12_000_000, '2025-03'), [210_948, 105_474, 10_547_400])
    assert.deepEqual(jp(12_000_000, '2024-02'), [191_192, 95_596, 9_559_600])
  })

  test('a wage below the cap is the JP base itself', () => assert.deepEqual(jp(8_000_000, '2025-06'), [160_000, 80_000, 8_000_000]))

  test('JKK by risk class on Rp10,000,000: 0.24 / 0.54 / 0.89 / 1.27 / 1.74%', () => {
    const jkk = ([1, 2, 3, 4, 5] as const).map((riskClass) => line(puMonthly(rates, { wage: 10_000_000, riskClass }, '2024-06'), 'JKK', 'employer')!.amount)
    assert.deepEqual(jkk, [24_000, 54_000, 89_000, 127_000, 174_000])
  })

  test('a whole month on Rp12,000,000, risk class 1, June 2025: employer, worker and government totals', () => {
    const m = puMonthly(rates, { wage: 12_000_000, riskClass: 1 }, '2025-06')
    assert.deepEqual(
      m.lines.map((l) => [l.program, l.payer, l.fundedFrom, l.base, l.amount]),
      [
        ['JKK', 'employer', null, 12_000_000, 28_800],
        ['JKM', 'employer', null, 12_000_000, 36_000],
        ['JHT', 'employer', null, 12_000_000, 444_000],
        ['JHT', 'worker', null, 12_000_000, 240_000],
        ['JP', 'employer', null, 10_547_400, 210_948],
        ['JP', 'worker', null, 10_547_400, 105_474],
        ['JKP', 'government', null, 5_000_000, 11_000],
        ['JKP', 'employer', 'JKK', 5_000_000, 7_000],
      ],
    )
    assert.equal(m.employerTotal, 719_748) // the JKP recomposition is already inside JKK
    assert.equal(m.workerTotal, 345_474)
    assert.equal(m.governmentTotal, 11_000)
  })

  test('JKP on the wage capped at Rp5,000,000; a lower wage is its own base', () => {
    assert.equal(line(puMonthly(rates, { wage: 4_000_000, riskClass: 1 }, '2025-06'), 'JKP', 'government')!.amount, 8_800)
    assert.equal(line(puMonthly(rates, { wage: 50_000_000, riskClass: 1 }, '2025-06'), 'JKP', 'government')!.amount, 11_000)
  })

  test('JKP 0.46% (0.22 + 0.14 from JKK + 0.10 from JKM) until PP 6/2025 (7 Feb 2025) governs, from March 2025 0.36%', () => {
    const jkp = (month: string) =>
      puMonthly(rates, { wage: 5_000_000, riskClass: 1 }, month)
        .lines.filter((l) => l.program === 'JKP')
        .map((l) => [l.payer, l.fundedFrom, l.amount])
    // PP 6/2025 took effect mid-February: February 2025 is still billed on the rule of 1 February.
    assert.deepEqual(jkp('2025-02'), [['government', null, 11_000], ['employer', 'JKK', 7_000], ['employer', 'JKM', 5_000]])
    assert.deepEqual(jkp('2025-03'), [['government', null, 11_000], ['employer', 'JKK', 7_000]])
  })

  test('JKP did not exist before PP 37/2021: a 2020 month has no JKP line, and asking for it is refused', () => {
    assert.deepEqual(
      puMonthly(rates, { wage: 5_000_000, riskClass: 1 }, '2020-06').lines.map((l) => l.program),
      ['JKK', 'JKM', 'JHT', 'JHT', 'JP', 'JP'],
    )
    assert.throws(() => puMonthly(rates, { wage: 5_000_000, riskClass: 1, programs: ['JKK', 'JKP'] }, '2020-06'), appError('NO_RATE_IN_FORCE'))
  })

  test('a micro employer registers only JKK and JKM (Perpres 109/2013 art. 6)', () => {
    const m = puMonthly(rates, { wage: 3_000_000, riskClass: 2, programs: ['JKM', 'JKK'] }, '2025-06')
    assert.deepEqual(m.lines.map((l) => [l.program, l.amount]), [['JKK', 16_200], ['JKM', 9_000]])
    assert.equal(m.employerTotal, 25_200)
    assert.equal(m.workerTotal, 0)
  })
})

describe('PP 7/2025 (with PP 36/2025): JKK 50% off for labour-intensive industries, February 2025 to January 2026', () => {
  const jkk = (month: string, extra: { industry?: string; workers?: number } = { industry: 'textile_apparel', workers: 120 }) => {
    const l = puMonthly(rates, { wage: 10_000_000, riskClass: 3, ...extra }, month).lines.find((x) => x.program === 'JKK' && x.fundedFrom === null)!
    return [l.amount, l.discount]
  }
  test('risk class 3 on Rp10,000,000: 0.89% halved to 0.445% inside the window', () => {
    assert.deepEqual(jkk('2025-01'), [89_000, 0])
    assert.deepEqual(jkk('2025-02'), [44_500, 44_500])
    assert.deepEqual(jkk('2026-01'), [44_500, 44_500])
    assert.deepEqual(jkk('2026-02'), [89_000, 0])
  })
  test('fewer than 50 workers, another industry or no industry: no discount', () => {
    assert.deepEqual(jkk('2025-06', { industry: 'furniture', workers: 49 }), [89_000, 0])
    assert.deepEqual(jkk('2025-06', { industry: 'mining', workers: 500 }), [89_000, 0])
    assert.deepEqual(jkk('2025-06', {}), [89_000, 0])
  })
  test('the discount is cited on the line', () => {
    const l = puMonthly(rates, { wage: 10_000_000, riskClass: 3, industry: 'furniture', workers: 50 }, '2025-06').lines[0]!
    assert.deepEqual(l.rateIds, [303, 601])
    assert.equal(l.regulation, 'PP 44/2015 Pasal 16 ayat (1); PP 7/2025 Pasal 3, Pasal 4 ayat (1); PP 36/2025 Pasal 10A')
  })
})

describe('mechanics on hand-made rows', () => {
  const row = (r: Partial<RateRow> & Pick<RateRow, 'id'>): RateRow => ({
    segment: 'BPU',
    program: 'JKK',
    component: 'contribution',
    payer: 'participant',
    basis: 'percent_of_income',
    value: 10_000,
    fundedFrom: null,
    condition: {},
    effectiveFrom: '2021-04-01',
    effectiveTo: null,
    regulation: 'test',
    confirmed: true,
    note: null,
    ...r,
  })
  const jkm = row({ id: 2, program: 'JKM', basis: 'flat', value: 6_800 })

  test('a row starting mid-month governs from the next month (the row in force on the 1st)', () => {
    const rows = [row({ id: 1, effectiveTo: '2030-01-14' }), row({ id: 3, value: 20_000, effectiveFrom: '2030-01-15' }), jkm]
    assert.deepEqual(ratesForMonth(rows, '2030-01').map((r) => r.id), [1, 2])
    assert.deepEqual(ratesForMonth(rows, '2030-02').map((r) => r.id), [3, 2])
  })

  test('a condition key the calculator does not know is refused, not ignored', () => {
    const rows = [row({ id: 1 }), jkm, row({ id: 9, component: 'discount', payer: null, basis: 'discount_percent', value: 500_000, condition: { province: ['31'] } as never })]
    assert.throws(() => bpuMonthly(rows, petani, '2025-01'), /contribution_rate 9 has condition "province"/)
  })

  test('two contribution rows for the same member and month are a data error', () => {
    assert.throws(() => bpuMonthly([row({ id: 1 }), row({ id: 4 }), jkm], petani, '2025-01'), /rows 1, 4 overlap/)
  })

  test('discounts do not stack: the larger applies', () => {
    const off = (id: number, value: number) => row({ id, component: 'discount', payer: null, basis: 'discount_percent', value })
    const bill = bpuMonthly([row({ id: 1 }), jkm, off(7, 500_000), off(8, 990_000)], petani, '2025-01')
    assert.deepEqual(bill.lines[0]!.rateIds, [1, 8])
    assert.equal(bill.lines[0]!.amount, 100)
  })

  test('percentOf rounds half up in integers; percentString reads millionths as a percent', () => {
    assert.equal(percentOf(1_000_000, 2_400), 2_400)
    assert.equal(percentOf(5, 100_000), 1) // 0.5 → 1
    assert.equal(percentOf(4, 100_000), 0) // 0.4 → 0
    assert.equal(percentOf(9_007_199_254_740_991, 17_400), 156_725_267_032_493) // no float drift at 2^53
    assert.deepEqual([2_400, 10_000, 4_450, 500_000, 37_000, 0].map(percentString), ['0.24', '1', '0.445', '50', '3.7', '0'])
  })
})
