// The migrated rate table itself: shapes, sources, the unconfirmed list and no overlapping rows.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { addDays } from '../platform/dates.ts'
import { loadPrograms, loadRateTable } from './queries.ts'
import type { RateRow } from './rates.ts'

let db: TestDatabase
let rates: RateRow[]
before(async () => {
  db = await testDatabase()
  rates = await loadRateTable(db.sql)
})
after(() => db.close())

test('rows come back typed: integer values, date strings, the condition as an object', () => {
  const row = rates.find((r) => r.id === 201)!
  assert.deepEqual(row, {
    id: 201,
    segment: 'BPU',
    program: 'JKK',
    component: 'discount',
    payer: null,
    basis: 'discount_percent',
    value: 500_000,
    fundedFrom: null,
    condition: { occupationGroups: ['transport'], excludeFunding: ['apbn', 'apbd'] },
    effectiveFrom: '2026-01-01',
    effectiveTo: '2027-03-31',
    regulation: 'PP 50/2025',
    confirmed: true,
    note: 'Transport BPU (ojek, drivers, couriers)',
  })
})

test('every row names its regulation', () => {
  for (const r of rates) assert.match(r.regulation, /^(PP|Permenaker|Perpres) \d+\/\d{4}/, String(r.id))
})

test('the rows still to verify are exactly those flagged unconfirmed (docs/rates.md)', () => {
  assert.deepEqual(
    rates.filter((r) => !r.confirmed).map((r) => r.id).sort((a, b) => a - b),
    [402, 403, 404, 405, 406, 407, 408, 412, 501, 502, 503, 506],
  )
  for (const r of rates.filter((x) => !x.confirmed)) assert.match(r.note ?? '', /UNCONFIRMED/, String(r.id))
  // migrations/0008: the 2022 JP cap keeps its figure and dates, only its start month is unconfirmed.
  const cap2022 = rates.find((r) => r.id === 408)!
  assert.deepEqual([cap2022.value, cap2022.effectiveFrom, cap2022.effectiveTo, cap2022.confirmed], [9_077_600, '2022-03-01', '2023-02-28', false])
})

test('no two rows of the same kind and condition overlap in time', () => {
  const key = (r: RateRow) => JSON.stringify([r.segment, r.program, r.component, r.payer, r.basis, r.fundedFrom, r.condition])
  const groups = new Map<string, RateRow[]>()
  for (const r of rates) groups.set(key(r), [...(groups.get(key(r)) ?? []), r])
  for (const [k, rows] of groups) {
    const sorted = [...rows].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!
      assert.ok(prev.effectiveTo !== null && prev.effectiveTo < sorted[i]!.effectiveFrom, `${k}: ${prev.id} overlaps ${sorted[i]!.id}`)
    }
  }
})

test('the JP wage cap has one row for every day from July 2015, changing each March', () => {
  const caps = rates.filter((r) => r.program === 'JP' && r.component === 'wage_cap').sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
  assert.equal(caps[0]!.effectiveFrom, '2015-07-01')
  assert.equal(caps.at(-1)!.effectiveTo, null)
  for (let i = 1; i < caps.length; i++) {
    assert.equal(caps[i]!.effectiveFrom, addDays(caps[i - 1]!.effectiveTo!, 1))
    assert.match(caps[i]!.effectiveFrom, /^\d{4}-03-01$/)
    assert.ok(caps[i]!.value > caps[i - 1]!.value)
  }
  assert.deepEqual(
    caps.map((c) => c.value),
    [7_000_000, 7_335_300, 7_703_500, 8_094_000, 8_512_400, 8_754_600, 8_939_700, 9_077_600, 9_559_600, 10_042_300, 10_547_400, 11_086_300],
  )
})

test('a rate row that breaks the table rules is refused by the database', async () => {
  await assert.rejects(
    db.sql`INSERT INTO contribution_rate (id, segment, program, component, payer, basis, value, effective_from, regulation, confirmed)
           VALUES (9001, 'BPU', 'JKK', 'discount', NULL, 'flat', 1, '2030-01-01', 'test', false)`,
    (e: { code?: string }) => e.code === '23514',
  )
  await assert.rejects(
    db.sql`INSERT INTO contribution_rate (id, segment, program, component, payer, basis, value, effective_from, effective_to, regulation, confirmed)
           VALUES (9002, 'BPU', 'JKK', 'contribution', 'participant', 'percent_of_income', 1, '2030-01-01', '2029-01-01', 'test', false)`,
    (e: { code?: string }) => e.code === '23514',
  )
})

test('programs come in their order with both names', async () => {
  const programs = await loadPrograms(db.sql)
  assert.deepEqual(programs.map((p) => p.code), ['JKK', 'JKM', 'JHT', 'JP', 'JKP'])
  assert.deepEqual(programs[4], {
    code: 'JKP',
    nameId: 'Jaminan Kehilangan Pekerjaan',
    nameEn: 'Job loss benefit',
    segments: ['PU'],
    legalBasis: 'PP 37/2021 as amended by PP 6/2025',
  })
})

test('a corrected row (replaced_by) is kept for history but no longer loaded', async () => {
  await db.sql.begin(async (tx) => {
    await tx`INSERT INTO contribution_rate (id, segment, program, component, basis, value, effective_from, regulation, confirmed)
             VALUES (9412, 'PU', 'JP', 'wage_cap', 'wage_cap', 11000000, '2026-03-01', 'test correction', true)`
    await tx`UPDATE contribution_rate SET replaced_by = 9412 WHERE id = 412`
  })
  const ids = (await loadRateTable(db.sql)).filter((r) => r.component === 'wage_cap' && r.program === 'JP').map((r) => r.id)
  assert.ok(ids.includes(9412) && !ids.includes(412))
  assert.equal((await db.sql`SELECT count(*)::int AS n FROM contribution_rate WHERE id = 412`)[0]!.n, 1)
})
