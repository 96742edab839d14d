// Text that is not well-formed Unicode is refused at the edge (issue 12, item 7, first finding).
// The attack: JSON lets a caller send a lone UTF-16 surrogate ("REF-\ud800-1"); PostgreSQL stores
// it as U+FFFD, while the audit event's hash was computed over the JavaScript string, so from that
// event on `jamsos audit verify` reported the chain broken, for good, hiding any later tampering.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'
import { chainedAndVerified } from '../../test/audit.ts'
import { AppError } from './errors.ts'
import { refuseIllFormedText } from './http.ts'
import { illFormedTextPaths } from './unicode.ts'

let t: TestApp
let officer: RoleSession
const NOW = new Date('2025-06-10T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => NOW })
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
})
after(() => t.close())

interface Field {
  path: string
  code: string
}
/** JSON text as an attacker writes it: the escape \ud800 stays in the text, JSON.parse makes it a lone surrogate. */
const LONE = '\\ud800'
const send = (url: string, json: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: json, headers: { ...officer.headers, 'content-type': 'application/json', 'accept-language': 'en', ...headers } })

function assertRefused(res: { statusCode: number; body: string; json(): unknown }, path: string) {
  assert.equal(res.statusCode, 400, res.body)
  const { error } = res.json() as { error: { code: string; fields: Field[] } }
  assert.equal(error.code, 'TEXT_NOT_UNICODE', res.body)
  assert.deepEqual(
    error.fields.map((f) => [f.path, f.code]),
    [[path, 'TEXT_NOT_UNICODE']],
  )
}

async function assertChainIntact() {
  const verdict = await chainedAndVerified(t.db.sql)
  assert.equal(verdict.ok, true, JSON.stringify(verdict))
}

test('well-formed text: paired surrogates (emoji, 𝓐) pass, a lone high or low surrogate does not', () => {
  assert.deepEqual(illFormedTextPaths({ name: 'Sri 😀 𝓐' }), [])
  assert.deepEqual(illFormedTextPaths({ a: 'REF-\ud800-1', b: '\udc00REF', c: 'REF\ud83d' }), ['a', 'b', 'c'])
  assert.deepEqual(illFormedTextPaths({ a: 'ok', b: ['x', 'y\ud800'], c: { 'k\udc00': 1, d: 'z\ud800' } }), ['b.1', 'c.k\ufffd', 'c.d'])
  assert.deepEqual(illFormedTextPaths('\ud800'), ['(body)'])
  assert.deepEqual(illFormedTextPaths({ fine: ['😀'] }), [])
})

test('attack: a payment whose reference holds a lone surrogate is refused 400, and the audit chain stays intact', async () => {
  const p = (await send('/api/v1/participants', JSON.stringify(registration()))).json() as { kpj: string }
  const bill = await send(`/api/v1/participants/${p.kpj}/bills`, '{"months": 1}')
  assert.equal(bill.statusCode, 201, bill.body)
  const { paymentCode, amount } = bill.json() as { paymentCode: string; amount: number }
  const payments = async () => (await t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM payment`)[0]!.n
  const before = await payments()

  const res = await send(
    '/api/v1/payments',
    `{"paymentCode": "${paymentCode}", "amount": ${amount}, "reference": "REF-${LONE}-1", "channel": "bank_va", "paidAt": "2025-06-10T03:00:00Z"}`,
  )
  assertRefused(res, 'reference')
  assert.equal(await payments(), before, 'no payment recorded')
  await assertChainIntact()
})

test('attack: a registration with a lone surrogate in the address (or in an heir) is refused by field, nothing written, chain intact', async () => {
  const count = async () => (await t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM participant`)[0]!.n
  const before = await count()
  const body = JSON.stringify({ ...registration(), address: 'Jl. Mawar __LONE__ 12' }).replace('__LONE__', LONE)
  assertRefused(await send('/api/v1/participants', body), 'address')
  const heir = JSON.stringify({ ...registration(), heirs: [{ fullName: 'Siti __LONE__', relationship: 'spouse' }] }).replace('__LONE__', LONE)
  assertRefused(await send('/api/v1/participants', heir), 'heirs.0.fullName')
  assert.equal(await count(), before)
  await assertChainIntact()
})

test('attack: an address change and a login name with a lone surrogate are refused by field', async () => {
  const p = (await send('/api/v1/participants', JSON.stringify(registration()))).json() as { kpj: string }
  const patch = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/participants/${p.kpj}`,
    payload: `{"address": "Jl. Melati ${LONE}"}`,
    headers: { ...officer.headers, 'content-type': 'application/json' },
  })
  assertRefused(patch, 'address')
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    payload: `{"username": "admin${LONE}", "password": "whatever-it-is-1"}`,
    headers: { 'content-type': 'application/json' },
  })
  assertRefused(login, 'username')
  await assertChainIntact()
})

test('a header holding a lone surrogate is refused with the header named', async () => {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/v1/participants?name=Sutrisno',
    headers: { ...officer.headers, 'x-client-note': 'abc\ud800' },
  })
  assertRefused(res, 'x-client-note')
})

// Over HTTP a query string or path cannot carry a lone surrogate today: Fastify's parsers leave a
// percent-encoded surrogate (%ED%A0%80, not UTF-8) as the literal text. The edge checks them all
// the same, so a different parser, or a caller inside the process, cannot bring one in.
test('a query parameter or path parameter holding a lone surrogate is refused by name', () => {
  const req = (part: Record<string, unknown>) => ({ headers: {}, query: {}, params: {}, body: undefined, ...part })
  const refusal = (r: ReturnType<typeof req>) => {
    try {
      refuseIllFormedText(r)
    } catch (e) {
      assert.ok(e instanceof AppError)
      return [e.code, e.fields.map((f) => f.path)]
    }
    return null
  }
  assert.deepEqual(refusal(req({ query: { name: 'Sri\ud800' } })), ['TEXT_NOT_UNICODE', ['name']])
  assert.deepEqual(refusal(req({ params: { kpj: '1000000001\udc00' } })), ['TEXT_NOT_UNICODE', ['kpj']])
  assert.deepEqual(refusal(req({ query: { name: 'Sri\ud800' }, body: { reference: '\ud800' } })), ['VALIDATION_FAILED', ['name', 'reference']])
  assert.equal(refusal(req({ query: { name: 'Sri 😀' }, body: { a: ['b'] }, headers: { 'user-agent': 'x' } })), null)
})

test('a percent-encoded surrogate in a query string stays literal text and breaks nothing', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/participants?name=%ED%A0%80', headers: officer.headers })
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual((res.json() as { items: unknown[] }).items, [])
  await assertChainIntact()
})

test('a path that is not valid UTF-8 once decoded is a 400 in the one error model, naming the URL', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/participants/%ED%A0%80', headers: { ...officer.headers, 'accept-language': 'en' } })
  assert.equal(res.statusCode, 400, res.body)
  const { error } = res.json() as { error: { code: string; fields: Field[] } }
  assert.equal(error.code, 'MALFORMED_URL')
  assert.deepEqual(error.fields.map((f) => f.path), ['(url)'])
})
