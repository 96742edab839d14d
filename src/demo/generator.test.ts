import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ageOn, isIsoDate } from '../platform/dates.ts'
import { loadAreas } from './areas.ts'
import { generatePopulation, registrationOf, MAX_INCOME, MIN_INCOME, type DemoParticipant } from './generator.ts'
import { paidThrough } from './history.ts'

// One large run shared by the tests below: 200,000 people, tallied as they stream past; the first
// 5,000 kept whole for the finer checks.
const N = 200_000
const areas = loadAreas()
const districts = new Set(areas.districtCode)
const niks = new Set<string>()
const kept: DemoParticipant[] = []
const nikProblems: string[] = []
let jatim = 0
let blitar = 0
let moved = 0
let jht = 0
let active = 0
let incomeLowBand = 0
let incomeOver10m = 0
const badIncomes: number[] = []
const badAges: string[] = []
for (const p of generatePopulation({ count: N, seed: 7 })) {
  if (kept.length < 5_000) kept.push(p)
  niks.add(p.nik)
  const problem = nikProblem(p)
  if (problem && nikProblems.length < 5) nikProblems.push(`${p.nik}: ${problem}`)
  if (p.villageCode.startsWith('35.')) jatim++
  if (p.villageCode.startsWith('35.05.') || p.villageCode.startsWith('35.72.')) blitar++
  if (p.nik.slice(0, 6) !== p.villageCode.slice(0, 8).replaceAll('.', '')) moved++
  if (p.programs.length === 3) jht++
  if ((paidThrough(p.payments) ?? '') >= '2025-12') active++
  const income = p.monthlyIncome
  if (!Number.isInteger(income) || income < MIN_INCOME || income > MAX_INCOME || income % 50_000 !== 0) badIncomes.push(income)
  if (income <= 3_000_000) incomeLowBand++
  if (income > 10_000_000) incomeOver10m++
  const regDate = new Date(p.registeredAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10)
  const age = ageOn(p.birthDate, regDate)
  if (age < 18 || age > 65 || ageOn(p.birthDate, '2025-12-31') > 65) badAges.push(`${p.birthDate} registered ${regDate}`)
}

/** Reads the NIK back (regulations.md §6) and says what disagrees with the record, if anything. */
function nikProblem(p: DemoParticipant): string | undefined {
  const nik = p.nik
  if (!/^\d{16}$/.test(nik)) return 'not 16 digits'
  if (!districts.has(`${nik.slice(0, 2)}.${nik.slice(2, 4)}.${nik.slice(4, 6)}`)) return 'unknown district'
  const writtenDay = Number(nik.slice(6, 8))
  const gender = writtenDay > 40 ? 'F' : 'M'
  const day = gender === 'F' ? writtenDay - 40 : writtenDay
  if (gender !== p.gender) return `day ${writtenDay} says ${gender}, record says ${p.gender}`
  const [y, m, d] = p.birthDate.split('-')
  if (day !== Number(d) || nik.slice(8, 10) !== m || nik.slice(10, 12) !== y!.slice(2)) return `DDMMYY differs from ${p.birthDate}`
  if (nik.slice(12) === '0000') return 'serial 0000'
  return undefined
}

test('every NIK is 16 digits of a known district, the birth date (women: day + 40) and a serial from 0001', () => {
  assert.deepEqual(nikProblems, [])
})

test('no NIK repeats in 200,000 people', () => assert.equal(niks.size, N))

test('Jawa Timur holds 40% ± 1.5 points of the population, and Blitar 10% ± 1.5 points of Jawa Timur', () => {
  assert.ok(Math.abs(jatim / N - 0.4) < 0.015, `Jawa Timur share ${jatim / N}`)
  assert.ok(Math.abs(blitar / jatim - 0.1) < 0.015, `Blitar share of Jawa Timur ${blitar / jatim}`)
})

test('about one in ten NIKs was issued in another district than the one lived in (people move)', () => {
  assert.ok(moved / N > 0.07 && moved / N < 0.13, `moved share ${moved / N}`)
})

test('declared incomes are whole Rp50,000 steps from Rp1,000,000 to Rp20,700,000, mostly up to Rp3,000,000 with a thin tail', () => {
  assert.deepEqual(badIncomes.slice(0, 5), [])
  assert.ok(incomeLowBand / N > 0.7, `share up to Rp3,000,000: ${incomeLowBand / N}`)
  assert.ok(incomeOver10m > 0 && incomeOver10m / N < 0.02, `share over Rp10,000,000: ${incomeOver10m / N}`)
})

test('everyone is 18 to 65 when registering and still at most 65 at the end of the history', () => {
  assert.deepEqual(badAges.slice(0, 5), [])
})

test('about 30% add JHT to JKK + JKM, and 55–65% are still paying at the end of 2025', () => {
  assert.ok(Math.abs(jht / N - 0.3) < 0.05, `JHT share ${jht / N}`)
  assert.ok(active / N >= 0.55 && active / N <= 0.65, `active share ${active / N}`)
})

test('the same seed gives the same people; another seed gives others', () => {
  const a = [...generatePopulation({ count: 50, seed: 7 })]
  const b = [...generatePopulation({ count: 50, seed: 7 })]
  assert.deepEqual(a, b)
  assert.deepEqual(a, kept.slice(0, 50))
  const c = [...generatePopulation({ count: 50, seed: 8 })]
  assert.notDeepEqual(a.map((p) => p.nik), c.map((p) => p.nik))
})

test('records carry the API registration body with valid codes and dates', () => {
  const villages = new Set(areas.villageCode)
  for (const p of kept) {
    const body = registrationOf(p)
    assert.deepEqual(Object.keys(body).sort(), [
      'address', 'birthDate', 'birthPlace', 'channel', 'ecosystem', 'fullName', 'funding', 'gender', 'monthlyIncome',
      'motherMaidenName', 'nik', 'occupation', 'phone', 'programs', 'villageCode',
    ])
    assert.ok(villages.has(p.villageCode), p.villageCode)
    assert.ok(isIsoDate(p.birthDate))
    assert.match(p.phone, /^08[1-9]\d{7,10}$/)
    assert.ok(p.fullName.length > 1 && p.motherMaidenName.length > 1 && p.address.length > 5 && p.birthPlace.length > 1)
    assert.ok(p.registeredAt >= new Date('2021-12-31T17:00:00Z') && p.registeredAt < new Date('2025-12-31T17:00:00Z'))
  }
})

test('sponsors pay the cheapest package: JKK + JKM on Rp1,000,000', () => {
  const sponsored = kept.filter((p) => p.channel === 'sponsor')
  assert.ok(sponsored.length > 100)
  for (const p of sponsored) {
    assert.equal(p.funding, 'sponsor')
    assert.equal(p.monthlyIncome, 1_000_000)
    assert.deepEqual(p.programs, ['JKK', 'JKM'])
  }
})

test('ecosystem follows the trade: farmers and fishers mostly in desa, traders in pasar', () => {
  const share = (occ: string[], eco: string) => {
    const of = kept.filter((p) => occ.includes(p.occupation))
    return of.filter((p) => p.ecosystem === eco).length / of.length
  }
  assert.ok(share(['petani', 'nelayan', 'peternak'], 'desa') > 0.75)
  assert.ok(share(['pedagang'], 'pasar') > 0.65)
  assert.ok(share(['pelaku_umkm'], 'ukm') > 0.65)
})

test('provinceWeights confines the population to the provinces given', () => {
  for (const p of generatePopulation({ count: 500, seed: 3, provinceWeights: { '51': 1 } })) {
    assert.ok(p.villageCode.startsWith('51.'), p.villageCode)
  }
})
