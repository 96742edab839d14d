import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey } from '../../test/auth.ts'
import { requestFingerprint } from './idempotency.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(async () => t.close())

const users = async (username: string) => (await t.ctx.systemDb`SELECT count(*)::int AS n FROM app_user WHERE username = ${username}`)[0]!.n

test('the fingerprint of a request ignores key order but not values', () => {
  assert.equal(requestFingerprint('POST', '/api/v1/x', { a: 1, b: [1, 2] }), requestFingerprint('post', '/api/v1/x', { b: [1, 2], a: 1 }))
  assert.notEqual(requestFingerprint('POST', '/api/v1/x', { a: 1 }), requestFingerprint('POST', '/api/v1/x', { a: 2 }))
  assert.notEqual(requestFingerprint('POST', '/api/v1/x', { a: 1 }), requestFingerprint('POST', '/api/v1/y', { a: 1 }))
})

test('a retry with the same key and body gets the first answer back, and the work is done once', async () => {
  const admin = await as(t, 'admin')
  const req = {
    method: 'POST' as const,
    url: '/api/v1/users',
    headers: { ...admin.headers, 'idempotency-key': 'create-budi-1' },
    payload: { username: 'budi.agen', displayName: 'Budi', role: 'agent', agentId: 77 },
  }
  const first = await t.app.inject(req)
  assert.equal(first.statusCode, 201)
  const retry = await t.app.inject({ ...req, payload: { role: 'agent', agentId: 77, displayName: 'Budi', username: 'budi.agen' } })
  assert.equal(retry.statusCode, 201)
  assert.equal(retry.headers['idempotent-replayed'], 'true')
  assert.deepEqual(retry.json(), first.json(), 'even the generated password is the same answer')
  assert.equal(await users('budi.agen'), 1)

  const different = await t.app.inject({ ...req, payload: { ...req.payload, agentId: 78 } })
  assert.equal(different.statusCode, 409)
  assert.equal(different.json().error.code, 'IDEMPOTENCY_KEY_REUSED')

  // Without the key, the same request is simply a new request (here: a duplicate username).
  const noKey = await t.app.inject({ ...req, headers: admin.headers })
  assert.equal(noKey.json().error.code, 'USERNAME_TAKEN')
})

test('keys belong to their caller: another caller with the same key is a different request', async () => {
  const a = await as(t, 'admin')
  const b = await as(t, 'admin')
  const body = (u: string) => ({ username: u, displayName: 'X', role: 'management' })
  const r1 = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...a.headers, 'idempotency-key': 'k-1' }, payload: body('mgmt.one') })
  const r2 = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...b.headers, 'idempotency-key': 'k-1' }, payload: body('mgmt.two') })
  assert.deepEqual([r1.statusCode, r2.statusCode], [201, 201])
  assert.notEqual(r1.json().user.id, r2.json().user.id)
})

test('a refusal is remembered too, so a retry cannot turn it into a success by accident', async () => {
  const admin = await as(t, 'admin')
  const req = {
    method: 'POST' as const,
    url: '/api/v1/users/999999/disable',
    headers: { ...admin.headers, 'idempotency-key': 'disable-ghost' },
  }
  const first = await t.app.inject(req)
  assert.equal(first.statusCode, 404)
  const retry = await t.app.inject(req)
  assert.deepEqual([retry.statusCode, retry.headers['idempotent-replayed']], [404, 'true'])
})

test('concurrent duplicates: one does the work, the other replays it or is told it is in progress', async () => {
  const admin = await as(t, 'admin')
  const req = {
    method: 'POST' as const,
    url: '/api/v1/users',
    headers: { ...admin.headers, 'idempotency-key': 'race-1' },
    payload: { username: 'race.user', displayName: 'Race', role: 'management' },
  }
  const results = await Promise.all([t.app.inject(req), t.app.inject(req), t.app.inject(req)])
  assert.equal(await users('race.user'), 1)
  const created = results.filter((r) => r.statusCode === 201)
  assert.ok(created.length >= 1)
  for (const r of created) assert.deepEqual(r.json(), created[0]!.json())
  for (const r of results.filter((r) => r.statusCode !== 201)) assert.equal(r.json().error.code, 'IDEMPOTENCY_IN_PROGRESS')
})

test('partner retries are idempotent across its keys', async () => {
  const key = await partnerKey(t, 41)
  const first = await t.app.inject(key.sign({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'idempotency-key': 'p-1' } }))
  const again = await t.app.inject(key.sign({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'idempotency-key': 'p-1' } }))
  assert.deepEqual([first.statusCode, again.statusCode, again.headers['idempotent-replayed']], [204, 204, 'true'])
  const [row] = await t.ctx.systemDb`SELECT scope, status FROM idempotency_key WHERE key = 'p-1'`
  assert.deepEqual({ ...row }, { scope: 'partner:41', status: 204 })
})

test('a malformed key is refused naming the header', async () => {
  const admin = await as(t, 'admin')
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...admin.headers, 'idempotency-key': 'has space' } })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().error.fields[0].path, 'Idempotency-Key')
})
