// No body field changes type (issue 12, item 2). A JSON number where text is expected is refused,
// never turned into text: past 2^53 a number has already lost digits when JSON.parse returns it
// (9171015405900003 arrives as 9171015405900004, another person's NIK). Query strings, which are
// text by nature, are still read as numbers where the schema says so.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'

let t: TestApp
let admin: RoleSession
let officer: RoleSession
const NOW = new Date('2025-06-10T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => NOW })
  admin = await as(t, 'admin')
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
})
after(() => t.close())

interface Field {
  path: string
  code: string
}
const participants = async () => (await t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM participant`)[0]!.n
const send = (method: 'POST' | 'PATCH', url: string, payload: string, s: RoleSession = officer) =>
  t.app.inject({ method, url, payload, headers: { ...s.headers, 'content-type': 'application/json', 'accept-language': 'en' } })

/** The registration as JSON text with one field's value replaced by raw JSON (so a number keeps every digit as written). */
function registrationWith(field: string, rawJson: string): string {
  const body = registration() as unknown as Record<string, unknown>
  body[field] = '__RAW__'
  return JSON.stringify(body).replace('"__RAW__"', rawJson)
}

function assertFieldError(res: { statusCode: number; body: string; json(): unknown }, path: string, code = 'INVALID_TYPE') {
  assert.equal(res.statusCode, 400, res.body)
  const { error } = res.json() as { error: { code: string; fields: Field[] } }
  assert.ok(
    error.fields.some((f) => f.path === path && f.code === code),
    `expected ${code} on ${path}, got ${JSON.stringify(error.fields)}`,
  )
}

test('JSON.parse really does change the Jayapura NIK 9171015405900003 when it is sent as a number', () => {
  assert.equal(String(JSON.parse('9171015405900003')), '9171015405900004')
})

const WRONG_TYPES: [string, string, string][] = [
  ['a NIK as a number', 'nik', '3505011705900001'],
  ['the Jayapura NIK 9171015405900003 as a number (it would arrive as …004)', 'nik', '9171015405900003'],
  ['a phone as a number', 'phone', '81234567890'],
  ['a village code as a number', 'villageCode', '3505012001'],
  ['the declared income as text', 'monthlyIncome', '"1000000"'],
  ['the programs as one text', 'programs', '"JKK"'],
  ['the full name as a number', 'fullName', '42'],
  ['the gender as a boolean', 'gender', 'true'],
]

for (const [what, field, raw] of WRONG_TYPES) {
  test(`POST /participants with ${what} is 400 INVALID_TYPE on ${field}, nothing written`, async () => {
    const before = await participants()
    assertFieldError(await send('POST', '/api/v1/participants', registrationWith(field, raw)), field)
    assert.equal(await participants(), before)
  })
}

test('a KPJ is text too: a number where a route takes one (path or query) is read as the text it is', async () => {
  const p = (await send('POST', '/api/v1/participants', JSON.stringify(registration()))).json() as { kpj: string }
  // In a path and a query string everything is text; the schema's pattern decides.
  const card = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${p.kpj}`, headers: officer.headers })
  assert.equal(card.statusCode, 200, card.body)
  const found = await t.app.inject({ method: 'GET', url: `/api/v1/participants?kpj=${p.kpj}`, headers: officer.headers })
  assert.equal(found.statusCode, 200, found.body)
  assert.equal((found.json() as { items: { kpj: string }[] }).items[0]!.kpj, p.kpj)
})

test('changes and heirs: number-typed phone, village code, income as text, programs as text and a number-typed heir phone are refused by field', async () => {
  const p = (await send('POST', '/api/v1/participants', JSON.stringify(registration()))).json() as { kpj: string }
  const url = `/api/v1/participants/${p.kpj}`
  assertFieldError(await send('PATCH', url, '{"phone": 81234567899}'), 'phone')
  assertFieldError(await send('PATCH', url, '{"villageCode": 3505012001}'), 'villageCode')
  assertFieldError(await send('PATCH', url, '{"monthlyIncome": "2000000"}'), 'monthlyIncome')
  assertFieldError(await send('PATCH', url, '{"programs": "JKK"}'), 'programs')
  assertFieldError(await send('PATCH', url, '{"version": "1"}'), 'version')
  assertFieldError(await send('POST', `${url}/heirs`, '{"fullName": "Siti", "relationship": "spouse", "phone": 81234567899}'), 'phone')
  const card = (await t.app.inject({ method: 'GET', url, headers: officer.headers })).json() as { phone: string; monthlyIncome: number; heirs: unknown[]; version: number }
  assert.equal(card.phone, '081234567890')
  assert.equal(card.monthlyIncome, 1_000_000)
  assert.deepEqual(card.heirs, [])
  assert.equal(card.version, 1)
})

test('bills and payments: months as text, an amount as text, a payment code as a number are refused by field', async () => {
  const p = (await send('POST', '/api/v1/participants', JSON.stringify(registration()))).json() as { kpj: string }
  assertFieldError(await send('POST', `/api/v1/participants/${p.kpj}/bills`, '{"months": "2"}'), 'months')
  assertFieldError(
    await send('POST', '/api/v1/payments', '{"paymentCode": 100000000100001, "amount": 16800, "reference": "R-1", "channel": "bank_va", "paidAt": "2025-06-10T03:00:00Z"}'),
    'paymentCode',
  )
  assertFieldError(
    await send('POST', '/api/v1/payments', '{"paymentCode": "100000000100001", "amount": "16800", "reference": "R-1", "channel": "bank_va", "paidAt": "2025-06-10T03:00:00Z"}'),
    'amount',
  )
  assertFieldError(
    await send('POST', '/api/v1/payments', '{"paymentCode": "100000000100001", "amount": 16800, "reference": 778899, "channel": "bank_va", "paidAt": "2025-06-10T03:00:00Z"}'),
    'reference',
  )
})

test('login: a number-typed username or password is refused by field', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: '{"username": 1234, "password": 12345678901234}', headers: { 'content-type': 'application/json' } })
  assertFieldError(res, 'username')
  assertFieldError(res, 'password')
})

test('a query string is still read by its schema: limit=1 is the number 1, and limit=x is refused', async () => {
  for (let i = 0; i < 2; i++) await send('POST', '/api/v1/participants', JSON.stringify(registration()))
  const page = await t.app.inject({ method: 'GET', url: '/api/v1/participants?name=Sutrisno&limit=1', headers: officer.headers })
  assert.equal(page.statusCode, 200, page.body)
  const body = page.json() as { items: unknown[]; nextCursor: string | null }
  assert.equal(body.items.length, 1)
  assert.notEqual(body.nextCursor, null)
  const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit?limit=2', headers: admin.headers })
  assert.equal(audit.statusCode, 200, audit.body)
  assert.equal((audit.json() as { items: unknown[] }).items.length, 2)
  assertFieldError(await t.app.inject({ method: 'GET', url: '/api/v1/participants?name=Sutrisno&limit=x', headers: officer.headers }), 'limit')
})

// Every route that takes a body, whatever it is: a value of the wrong JSON type for each of its
// top-level fields is INVALID_TYPE on that field. Read from the OpenAPI document, so a route added
// later is covered without touching this test.
test('on every body route, each top-level field sent with the wrong JSON type is INVALID_TYPE on that field', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>
  }
  let checked = 0
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const schema = op.requestBody?.content['application/json']?.schema
      if (!schema?.properties) continue
      // Path parameters filled with values of the right form; the body fails validation before any handler runs.
      const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => PARAM_SAMPLES[name] ?? '1')
      for (const [field, prop] of Object.entries(schema.properties)) {
        const wrong = wrongValue(prop)
        if (wrong === undefined) continue
        const res = await t.app.inject({
          method: method.toUpperCase() as 'POST',
          url,
          payload: JSON.stringify({ [field]: wrong }),
          headers: { ...admin.headers, 'content-type': 'application/json' },
        })
        assert.notEqual(res.statusCode, 403, `${method.toUpperCase()} ${path}: the admin may call it`)
        assertFieldError(res, field)
        checked++
      }
    }
  }
  assert.ok(checked >= 30, `${checked} fields checked`)
})

/** A well-formed value for each named path parameter (parameters are validated before the body). */
const PARAM_SAMPLES: Record<string, string> = { kpj: '10000000017', keyId: 'pk_0123456789abcdef' }

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  anyOf?: Schema[]
  enum?: unknown[]
}

/** A JSON value no type the field allows would take, even after coercion would have turned it around. */
function wrongValue(s: Schema): unknown {
  const types = new Set<string>()
  const collect = (x: Schema) => {
    if (x.anyOf) x.anyOf.forEach(collect)
    else if (Array.isArray(x.type)) x.type.forEach((y) => types.add(y))
    else if (x.type) types.add(x.type)
    else if (x.enum) types.add(typeof x.enum[0])
  }
  collect(s)
  if (types.has('string')) return types.has('number') || types.has('integer') ? [] : 12345
  if (types.has('integer') || types.has('number')) return '1'
  if (types.has('array')) return 'x'
  if (types.has('boolean')) return 'true'
  if (types.has('object')) return 'x'
  return undefined
}
