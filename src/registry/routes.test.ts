import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'
import { kpjFromId } from './index.ts'

let t: TestApp
let officer: RoleSession
let revealer: RoleSession
// Fixed clock: 10 June 2025, 10:00 WIB.
const NOW = new Date('2025-06-10T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => NOW })
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  revealer = await as(t, 'branch_officer', { branchCodes: ['KC3505'], permissions: ['nik:reveal'] })
})
after(() => t.close())

const rows = async () => (await t.db.sql`SELECT (SELECT count(*) FROM participant)::int AS p, (SELECT count(*) FROM nik_index)::int AS n`)[0]
const post = (url: string, payload: unknown, s: RoleSession = officer, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...s.headers, ...headers } })
const get = (url: string, s: RoleSession = officer, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...s.headers, ...headers } })

test('POST /api/v1/participants answers 201 with the KPJ, the NIK masked, and the branch from the village', async () => {
  const body = registration()
  const res = await post('/api/v1/participants', body)
  assert.equal(res.statusCode, 201, res.body)
  const p = res.json()
  assert.match(p.kpj, /^\d{11}$/)
  assert.equal(p.nik, `${body.nik.slice(0, 4)}**********${body.nik.slice(14)}`)
  assert.equal(p.branchCode, 'KC3505')
  assert.equal(p.motherMaidenName, undefined, "the mother's maiden name (a security answer) is never sent back")
  assert.ok(!res.body.includes(body.nik))

  const card = await get(`/api/v1/participants/${p.kpj}`)
  assert.equal(card.statusCode, 200)
  assert.equal(card.json().nik, p.nik)
  // Revealing is a POST (src/registry/reveal.test.ts), open only with the nik:reveal permission.
  const denied = await post(`/api/v1/participants/${p.kpj}/reveal-nik`, undefined)
  assert.equal(denied.statusCode, 403)
  assert.equal(denied.json().error.code, 'FORBIDDEN')
  const revealed = await post(`/api/v1/participants/${p.kpj}/reveal-nik`, undefined, revealer)
  assert.equal(revealed.json().nik, body.nik)
  assert.equal(revealed.json().nikRevealed, true)
})

// Every bad input the issue names: its code, the field, and nothing written.
const BAD: [string, Record<string, unknown>, string, string][] = [
  ['NIK of 15 digits', { nik: '350501170590001' }, 'NIK_LENGTH', 'nik'],
  ['NIK with a letter', { nik: '35050117059000A1' }, 'NIK_NOT_DIGITS', 'nik'],
  ['NIK birth day 72 (72 − 40 = 32 March, for a woman)', { nik: '3505017203900001', gender: 'F' }, 'NIK_BAD_DATE', 'nik'],
  ['NIK birth month 13', { nik: '3505011713900001' }, 'NIK_BAD_DATE', 'nik'],
  ['NIK of province 00', { nik: '0005011705900001' }, 'NIK_UNKNOWN_PROVINCE', 'nik'],
  ['NIK serial 0000', { nik: '3505011705900000' }, 'NIK_BAD_SERIAL', 'nik'],
  ['gender that disagrees with the NIK', { gender: 'F' }, 'NIK_GENDER_MISMATCH', 'gender'],
  ['birth date that disagrees with the NIK', { birthDate: '1990-05-18' }, 'NIK_BIRTH_DATE_MISMATCH', 'birthDate'],
  ['JKK alone', { programs: ['JKK'] }, 'PROGRAMS_INVALID', 'programs'],
  ['JP for a BPU', { programs: ['JKK', 'JKM', 'JP'] }, 'PROGRAMS_INVALID', 'programs'],
  ['income below Rp1,000,000', { monthlyIncome: 999_999 }, 'INCOME_OUT_OF_RANGE', 'monthlyIncome'],
  ['income above Rp20,700,000', { monthlyIncome: 20_700_001 }, 'INCOME_OUT_OF_RANGE', 'monthlyIncome'],
  ['unknown village', { villageCode: '35.05.01.9999' }, 'VILLAGE_UNKNOWN', 'villageCode'],
  ['malformed village code', { villageCode: '3505012001' }, 'VALIDATION_FAILED', 'villageCode'],
  ['unknown occupation', { occupation: 'astronaut' }, 'OCCUPATION_UNKNOWN', 'occupation'],
  ['unknown ecosystem', { ecosystem: 'mall' }, 'ECOSYSTEM_UNKNOWN', 'ecosystem'],
  ['unknown channel', { channel: 'fax' }, 'CHANNEL_UNKNOWN', 'channel'],
  ['bad phone', { phone: '12345678' }, 'PHONE_INVALID', 'phone'],
  ['missing full name', { fullName: undefined }, 'VALIDATION_FAILED', 'fullName'],
  ['income as a fraction', { monthlyIncome: 1_500_000.5 }, 'VALIDATION_FAILED', 'monthlyIncome'],
  ['unknown field', { favouriteColour: 'blue' }, 'VALIDATION_FAILED', 'favouriteColour'],
  ['gender X', { gender: 'X' }, 'VALIDATION_FAILED', 'gender'],
  ['a 151-character full name (the route schema: field code TOO_LONG)', { fullName: 'Sutrisno ' + 'a'.repeat(142) }, 'VALIDATION_FAILED', 'fullName'],
  ['a NUL in the address', { address: 'Jl. Mawar\u0000 12' }, 'INVALID_FORMAT', 'address'],
  ['an escape character in the birth place', { birthPlace: 'Blitar\u001b[31m' }, 'INVALID_FORMAT', 'birthPlace'],
]

for (const [what, change, code, field] of BAD) {
  test(`registration with ${what} answers ${code} on ${field} and writes nothing`, async () => {
    const before = await rows()
    const res = await post('/api/v1/participants', { ...registration({ nik: '3505011705900001' }), ...change }, officer, { 'accept-language': 'en' })
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`)
    const { error } = res.json()
    assert.equal(error.code, code, res.body)
    assert.ok(error.fields.some((f: { path: string }) => f.path === field), `fields ${JSON.stringify(error.fields)}`)
    for (const f of error.fields) assert.ok(f.message.length > 0)
    assert.deepEqual(await rows(), before)
  })
}

test('a NUL in text is 400 with the field, not 500: registration, address change and heir; nothing written', async () => {
  const before = await rows()
  const res = await post('/api/v1/participants', registration({ address: 'Jl. Mawar\u0000 12' }), officer, { 'accept-language': 'en' })
  assert.equal(res.statusCode, 400, res.body)
  assert.deepEqual(res.json().error.fields, [
    { path: 'address', code: 'INVALID_FORMAT', message: 'Has the wrong format: contains the control character U+0000 at position 10' },
  ])
  assert.deepEqual(await rows(), before)

  const p = (await post('/api/v1/participants', registration())).json()
  const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/participants/${p.kpj}`, payload: { address: 'Jl. Melati\u0000' }, headers: officer.headers })
  assert.equal(patch.statusCode, 400, patch.body)
  assert.equal(patch.json().error.fields[0].path, 'address')
  assert.equal(patch.json().error.fields[0].code, 'INVALID_FORMAT')
  const heir = await post(`/api/v1/participants/${p.kpj}/heirs`, { fullName: 'Siti Aminah', relationship: 'spouse', phone: '0812\u000034567' })
  assert.equal(heir.statusCode, 400, heir.body)
  assert.equal(heir.json().error.fields[0].path, 'phone')
  const card = (await get(`/api/v1/participants/${p.kpj}`)).json()
  assert.equal(card.address, 'Jl. Raya Jaten No. 12, RT 02/RW 01')
  assert.deepEqual(card.heirs, [])
})

test('a name of 150 characters outside the basic plane (300 UTF-16 units) is within the limit, as PostgreSQL counts', async () => {
  const res = await post('/api/v1/participants', registration({ fullName: '𝓐'.repeat(150) }))
  assert.equal(res.statusCode, 201, res.body)
  const [row] = await t.db.sql`SELECT length(full_name)::int AS n FROM participant WHERE kpj = ${res.json().kpj}`
  assert.equal(row!.n, 150)
})

test('a duplicate NIK answers 409 DUPLICATE_PARTICIPANT with the existing KPJ', async () => {
  const body = registration()
  const first = (await post('/api/v1/participants', body)).json()
  const before = await rows()
  const res = await post('/api/v1/participants', { ...body, fullName: 'Orang Lain' })
  assert.equal(res.statusCode, 409)
  assert.equal(res.json().error.code, 'DUPLICATE_PARTICIPANT')
  assert.equal(res.json().error.details.kpj, first.kpj)
  assert.match(res.json().error.message, /NIK sudah terdaftar/, 'Indonesian by default')
  assert.deepEqual(await rows(), before)
})

test('malformed JSON and a wrong content type are clear 4xx errors, not 500', async () => {
  const bad = await t.app.inject({ method: 'POST', url: '/api/v1/participants', payload: '{"nik": ', headers: { ...officer.headers, 'content-type': 'application/json' } })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().error.code, 'MALFORMED_JSON')
  const xml = await t.app.inject({ method: 'POST', url: '/api/v1/participants', payload: '<x/>', headers: { ...officer.headers, 'content-type': 'application/xml' } })
  assert.equal(xml.statusCode, 415)
  assert.equal(xml.json().error.code, 'UNSUPPORTED_MEDIA_TYPE')
})

test('search: by name prefix, paginated, and an unknown KPJ is 404 with the field', async () => {
  await post('/api/v1/participants', registration({ fullName: 'Bambang Sutejo' }))
  await post('/api/v1/participants', registration({ fullName: 'Bambang Pamungkas' }))
  const res = await get('/api/v1/participants?query=bambang&limit=1')
  assert.equal(res.statusCode, 200)
  const page = res.json()
  assert.equal(page.items.length, 1)
  assert.ok(page.nextCursor)
  const next = (await get(`/api/v1/participants?query=bambang&limit=1&cursor=${page.nextCursor}`)).json()
  assert.equal(next.items.length, 1)
  assert.notEqual(next.items[0].kpj, page.items[0].kpj)
  const missing = await get(`/api/v1/participants/${kpjFromId(9_999_999_999)}`)
  assert.equal(missing.statusCode, 404)
  assert.equal(missing.json().error.code, 'PARTICIPANT_NOT_FOUND')
  const badKpj = await get('/api/v1/participants/12345678901')
  assert.equal(badKpj.statusCode, 400)
  assert.equal(badKpj.json().error.code, 'KPJ_INVALID')
})

test('bill, pay and read coverage over HTTP; bad inputs answer their codes', async () => {
  const p = (await post('/api/v1/participants', registration())).json()
  const zero = await post(`/api/v1/participants/${p.kpj}/bills`, { months: 0 })
  assert.equal(zero.statusCode, 400)
  assert.equal(zero.json().error.fields[0].path, 'months')
  const bill = await post(`/api/v1/participants/${p.kpj}/bills`, { months: 2 })
  assert.equal(bill.statusCode, 201, bill.body)
  assert.deepEqual(bill.json().periods, ['2025-06', '2025-07'])
  assert.equal(bill.json().amount, 33_600)

  const notice = { paymentCode: bill.json().paymentCode, amount: 33_600, reference: 'KAS-778899', channel: 'branch', paidAt: '2025-06-10T03:00:00Z' }
  const wrong = await post('/api/v1/payments', { ...notice, amount: 33_000 })
  assert.equal(wrong.statusCode, 422)
  assert.equal(wrong.json().error.code, 'PAYMENT_AMOUNT_MISMATCH')
  const paid = await post('/api/v1/payments', notice)
  assert.equal(paid.statusCode, 201, paid.body)
  const again = await post('/api/v1/payments', notice)
  assert.equal(again.statusCode, 200)
  assert.deepEqual(again.json(), paid.json())

  const cov = await get(`/api/v1/participants/${p.kpj}/coverage?date=2025-07-31`)
  assert.equal(cov.statusCode, 200)
  assert.equal(cov.json().status, 'active')
  assert.equal(cov.json().paidThrough, '2025-07')
  assert.equal((await get(`/api/v1/participants/${p.kpj}/coverage?date=2025-08-01`)).json().status, 'grace')
  const today = (await get(`/api/v1/participants/${p.kpj}/coverage`)).json()
  assert.equal(today.date, '2025-06-10', 'today in Jakarta by default')
  const badDate = await get(`/api/v1/participants/${p.kpj}/coverage?date=2025-02-30`)
  assert.equal(badDate.statusCode, 400)
  assert.equal(badDate.json().error.code, 'COVERAGE_DATE_INVALID')
  assert.equal(badDate.json().error.fields[0].path, 'date')
})

test('a branch officer of another branch cannot see or bill a Blitar participant: 404, nothing written', async () => {
  const p = (await post('/api/v1/participants', registration())).json()
  const malang = await as(t, 'branch_officer', { branchCodes: ['KC3507'] })
  assert.equal((await get(`/api/v1/participants/${p.kpj}`, malang)).statusCode, 404)
  const bills = await t.db.sql`SELECT count(*)::int AS n FROM bill`
  assert.equal((await post(`/api/v1/participants/${p.kpj}/bills`, { months: 1 }, malang)).statusCode, 404)
  assert.deepEqual(await t.db.sql`SELECT count(*)::int AS n FROM bill`, bills)
  assert.equal((await get(`/api/v1/participants?query=${p.kpj}`, malang)).json().items.length, 0)
})

test('the OpenAPI document lists the contract routes', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
  assert.equal(res.statusCode, 200)
  const paths = Object.keys(res.json().paths)
  for (const p of ['/api/v1/participants', '/api/v1/participants/{kpj}', '/api/v1/participants/{kpj}/coverage', '/api/v1/participants/{kpj}/bills', '/api/v1/payments', '/api/v1/rates']) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`)
  }
  const docs = await t.app.inject({ method: 'GET', url: '/api/docs' })
  assert.ok([200, 302].includes(docs.statusCode))
})

test('GET /api/v1/registration-codes lists the occupations with their discount group, the ecosystems and the channels', async () => {
  const res = await get('/api/v1/registration-codes')
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json() as { occupations: { code: string; nameId: string; nameEn: string; group: string }[]; ecosystems: { code: string }[]; channels: { code: string }[] }
  assert.equal(body.occupations.length, 17)
  assert.deepEqual(body.occupations.find((o) => o.code === 'ojek'), { code: 'ojek', nameId: 'Pengemudi ojek', nameEn: 'Motorcycle taxi driver', group: 'transport' })
  assert.deepEqual(body.occupations.filter((o) => o.group === 'transport').map((o) => o.code).sort(), ['driver', 'kurir', 'ojek'])
  assert.deepEqual(body.ecosystems.map((e) => e.code), ['desa', 'e-commerce', 'pasar', 'pekerja_rentan', 'ukm'])
  assert.ok(body.channels.some((c) => c.code === 'branch'))
  const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/registration-codes' })
  assert.equal(anonymous.statusCode, 401)
})
