import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { testApp, type TestApp } from '../../test/app.ts'
import { programRoutes } from './routes.ts'

let t: TestApp
// 10 January 2026, 01:00 in Jakarta (still 9 January in UTC): the default date is Jakarta's.
before(async () => {
  t = await testApp({ now: () => new Date('2026-01-09T18:00:00Z') })
})
after(() => t.close())

interface RateView {
  id: number
  program: string | null
  component: string
  payer: string | null
  basis: string
  value: string
  unit: string
  condition: Record<string, unknown>
  regulation: string
  confirmed: boolean
}
interface Pkg {
  programs: string[]
  occupationGroup: string
  monthlyIncome: number
  month: string
  total: number
}

const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}` })

test('GET /programs lists the five programs; JP and JKP are for wage earners only', async () => {
  const res = await get('/programs')
  assert.equal(res.statusCode, 200)
  const programs = res.json() as { code: string; segments: string[]; nameId: string }[]
  assert.deepEqual(programs.map((p) => [p.code, p.segments]), [
    ['JKK', ['BPU', 'PU']],
    ['JKM', ['BPU', 'PU']],
    ['JHT', ['BPU', 'PU']],
    ['JP', ['PU']],
    ['JKP', ['PU']],
  ])
  assert.equal(programs[0]!.nameId, 'Jaminan Kecelakaan Kerja')
})

test('GET /rates for a BPU date in the PP 50/2025 general window shows the discounts and the halved packages', async () => {
  const res = await get('/rates?date=2026-04-15&segment=BPU')
  assert.equal(res.statusCode, 200)
  const body = res.json() as { date: string; segment: string; rates: RateView[]; bpuPackages: Pkg[] }
  assert.equal(body.date, '2026-04-15')
  assert.equal(body.segment, 'BPU')
  assert.deepEqual(body.rates.map((r) => r.id).sort(), [101, 102, 103, 104, 105, 201, 202, 203, 204])
  const byId = new Map(body.rates.map((r) => [r.id, r]))
  assert.deepEqual(
    [101, 102, 103, 105, 203].map((id) => [byId.get(id)!.value, byId.get(id)!.unit]),
    [['1', 'percent'], ['6800', 'rupiah'], ['2', 'percent'], ['20700000', 'rupiah'], ['50', 'percent']],
  )
  assert.deepEqual(byId.get(203)!.condition, { excludeOccupationGroups: ['transport'], excludeFunding: ['apbn', 'apbd'] })
  assert.equal(byId.get(203)!.regulation, 'PP 50/2025')
  assert.deepEqual(
    body.bpuPackages.map((p) => [p.occupationGroup, p.programs.join('+'), p.monthlyIncome, p.month, p.total]),
    [
      ['general', 'JKK+JKM', 1_000_000, '2026-04', 8_400],
      ['general', 'JKK+JKM+JHT', 1_000_000, '2026-04', 28_400],
      ['transport', 'JKK+JKM', 1_000_000, '2026-04', 8_400],
      ['transport', 'JKK+JKM+JHT', 1_000_000, '2026-04', 28_400],
    ],
  )
})

test('GET /rates without a date uses today in Jakarta; transport BPU are discounted from January 2026', async () => {
  const body = (await get('/rates')).json() as { date: string; segment: null; rates: RateView[]; bpuPackages: Pkg[] }
  assert.equal(body.date, '2026-01-10')
  assert.equal(body.segment, null)
  const discounts = body.rates.filter((r) => r.component === 'discount' && r.program !== null && r.payer === null).map((r) => r.id)
  assert.deepEqual(discounts.sort(), [201, 202, 601])
  assert.deepEqual(body.bpuPackages.map((p) => p.total), [16_800, 36_800, 8_400, 28_400])
})

test('GET /rates for PU in June 2025 shows the JP cap of March 2025, JKK by risk class and JKP under PP 6/2025', async () => {
  const body = (await get('/rates?date=2025-06-01&segment=PU')).json() as { rates: RateView[]; bpuPackages: Pkg[] }
  assert.deepEqual(body.bpuPackages, [])
  const ids = body.rates.map((r) => r.id).sort((a, b) => a - b)
  assert.deepEqual(ids, [301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 411, 504, 505, 506, 601])
  const cap = body.rates.find((r) => r.id === 411)!
  assert.deepEqual([cap.basis, cap.value, cap.unit, cap.confirmed], ['wage_cap', '10547400', 'rupiah', true])
  assert.equal(body.rates.find((r) => r.id === 303)!.value, '0.89')
  assert.equal(body.rates.find((r) => r.id === 506)!.confirmed, false)
})

test('the unconfirmed 2026 JP cap is served flagged confirmed = false', async () => {
  const body = (await get('/rates?date=2026-03-01&segment=PU')).json() as { rates: RateView[] }
  const cap = body.rates.find((r) => r.component === 'wage_cap' && r.program === 'JP')!
  assert.deepEqual([cap.id, cap.value, cap.confirmed], [412, '11086300', false])
})

test('a date before any BPU rate has no packages rather than an error', async () => {
  const body = (await get('/rates?date=2019-01-01&segment=BPU')).json() as { rates: RateView[]; bpuPackages: Pkg[] }
  assert.deepEqual(body.rates, [])
  assert.deepEqual(body.bpuPackages, [])
})

for (const [date, code] of [
  ['2025-02-30', 'INVALID_VALUE'],
  ['2025-2-3', 'INVALID_FORMAT'],
  ['yesterday', 'INVALID_FORMAT'],
] as const) {
  test(`GET /rates?date=${date} is a 400 naming the field date`, async () => {
    const res = await get(`/rates?date=${date}`)
    assert.equal(res.statusCode, 400)
    const err = (res.json() as { error: { code: string; fields: { path: string; code: string }[] } }).error
    assert.equal(err.code, 'VALIDATION_FAILED')
    assert.deepEqual(err.fields.map((f) => [f.path, f.code]), [['date', code]])
  })
}

test('an unknown segment is a 400 naming the field segment', async () => {
  const res = await get('/rates?segment=XX')
  assert.equal(res.statusCode, 400)
  assert.equal((res.json() as { error: { fields: { path: string }[] } }).error.fields[0]!.path, 'segment')
})

test('the rate routes are public: their route config says so to the identity module', async () => {
  const probe = Fastify()
  const seen: [string, unknown][] = []
  probe.addHook('onRoute', (r) => {
    if (r.method === 'GET') seen.push([r.url, (r.config as { access?: unknown } | undefined)?.access])
  })
  await probe.register(programRoutes as never)
  await probe.ready()
  await probe.close()
  assert.deepEqual(seen.sort(), [
    ['/programs', { public: true }],
    ['/rates', { public: true }],
  ])
})

test('the OpenAPI document lists both routes under the tag rates', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, { get?: { tags?: string[] } }> }
  assert.deepEqual(doc.paths['/api/v1/rates']?.get?.tags, ['rates'])
  assert.deepEqual(doc.paths['/api/v1/programs']?.get?.tags, ['rates'])
})
