import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey } from '../../test/auth.ts'
import { requestFingerprint } from '../platform/idempotency.ts'

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
  const target = await as(t, 'management')
  const req = {
    method: 'POST' as const,
    url: `/api/v1/users/${target.user.id}/disable`,
    headers: { ...admin.headers, 'idempotency-key': 'disable-1' },
  }
  const first = await t.app.inject(req)
  assert.equal(first.statusCode, 200)
  const retry = await t.app.inject(req)
  assert.equal(retry.statusCode, 200)
  assert.equal(retry.headers['idempotent-replayed'], 'true')
  assert.deepEqual(retry.json(), first.json())
  const [{ n }] = (await t.ctx.systemDb`SELECT count(*)::int AS n FROM audit_event WHERE action = 'user.disable' AND entity_id = ${String(target.user.id)}`) as unknown as [{ n: number }]
  assert.equal(n, 1)
})

test('an answer holding a one-time secret is not kept: a retry is told so, and the work is still done once', async () => {
  const admin = await as(t, 'admin')
  const req = {
    method: 'POST' as const,
    url: '/api/v1/users',
    headers: { ...admin.headers, 'idempotency-key': 'create-budi-1' },
    payload: { username: 'budi.agen', displayName: 'Budi', role: 'agent', agentId: 77 },
  }
  const first = await t.app.inject(req)
  assert.equal(first.statusCode, 201)
  // Key order does not make it another request.
  const retry = await t.app.inject({ ...req, payload: { role: 'agent', agentId: 77, displayName: 'Budi', username: 'budi.agen' } })
  assert.equal(retry.statusCode, 409)
  assert.equal(retry.json().error.code, 'IDEMPOTENCY_NOT_REPLAYABLE')
  assert.equal(retry.json().error.details.status, 201)
  assert.equal(retry.body.includes(first.json().generatedPassword), false)
  assert.equal(await users('budi.agen'), 1)

  const different = await t.app.inject({ ...req, payload: { ...req.payload, agentId: 78 } })
  assert.equal(different.statusCode, 409)
  assert.equal(different.json().error.code, 'IDEMPOTENCY_KEY_REUSED')

  // Without the key, the same request is simply a new request (here: a duplicate username).
  const noKey = await t.app.inject({ ...req, headers: admin.headers })
  assert.equal(noKey.json().error.code, 'USERNAME_TAKEN')
})

test('no generated password or partner secret rests in idempotency_key', async () => {
  const admin = await as(t, 'admin')
  const post = (url: string, key: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url, headers: { ...admin.headers, 'idempotency-key': key }, ...(payload === undefined ? {} : { payload }) })
  const created = await post('/api/v1/users', 'secret-1', { username: 'rahasia.satu', displayName: 'R', role: 'management' })
  const reset = await post(`/api/v1/users/${created.json().user.id}/reset-password`, 'secret-2', {})
  const issued = await post('/api/v1/partners/61/keys', 'secret-3')
  const rotated = await post(`/api/v1/partner-keys/${issued.json().keyId}/rotate`, 'secret-4', { overlapHours: 1 })
  assert.deepEqual([created.statusCode, reset.statusCode, issued.statusCode, rotated.statusCode], [201, 200, 201, 201])
  const secrets = [created.json().generatedPassword, reset.json().generatedPassword, issued.json().secret, rotated.json().newKey.secret] as string[]
  for (const secret of secrets) assert.ok(secret && secret.length > 8)

  const rows = await t.ctx.systemDb`SELECT key, status, content_type, response FROM idempotency_key WHERE key LIKE 'secret-%' ORDER BY key`
  assert.deepEqual(
    rows.map((r) => ({ ...r })),
    [201, 200, 201, 201].map((status, i) => ({ key: `secret-${i + 1}`, status, content_type: null, response: null })),
  )
  const [{ n }] = (await t.ctx.systemDb`
    SELECT count(*)::int AS n FROM idempotency_key
    WHERE concat_ws(' ', key, request_hash, content_type, response) LIKE ANY (${secrets.map((x) => `%${x}%`)}::text[])`) as unknown as [{ n: number }]
  assert.equal(n, 0)

  // Each retry: 409, naming the first answer's status, never the secret.
  const retries = [
    await post('/api/v1/users', 'secret-1', { username: 'rahasia.satu', displayName: 'R', role: 'management' }),
    await post(`/api/v1/users/${created.json().user.id}/reset-password`, 'secret-2', {}),
    await post('/api/v1/partners/61/keys', 'secret-3'),
    await post(`/api/v1/partner-keys/${issued.json().keyId}/rotate`, 'secret-4', { overlapHours: 1 }),
  ]
  for (const [i, r] of retries.entries()) {
    assert.equal(r.statusCode, 409)
    assert.equal(r.json().error.code, 'IDEMPOTENCY_NOT_REPLAYABLE')
    assert.equal(r.body.includes(secrets[i]!), false)
  }
  // The work was done once: one key issued for the partner, then one by rotation.
  const [{ keys }] = (await t.ctx.systemDb`SELECT count(*)::int AS keys FROM partner_key WHERE partner_id = 61`) as unknown as [{ keys: number }]
  assert.equal(keys, 2)

  // A refusal on such a route holds no secret: it is kept and replayed as usual.
  const ghost = await post('/api/v1/users/999999/reset-password', 'secret-5', {})
  assert.equal(ghost.statusCode, 404)
  const again = await post('/api/v1/users/999999/reset-password', 'secret-5', {})
  assert.deepEqual([again.statusCode, again.headers['idempotent-replayed']], [404, 'true'])
})

test('a login with an Idempotency-Key leaves no token in idempotency_key, and a retry simply signs in again', async () => {
  const u = await as(t, 'branch_officer')
  const creds = { username: u.user.username, password: u.password }
  // Signed in already (an API client renewing its token, a browser signing in again): the caller
  // has a scope, which is what used to make these answers stored.
  const renew = { method: 'POST' as const, url: '/api/v1/auth/token', headers: { ...u.headers, 'idempotency-key': 'renew-1' }, payload: creds }
  const first = await t.app.inject(renew)
  assert.equal(first.statusCode, 200)
  const browser = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { ...u.headers, 'idempotency-key': 'login-1' }, payload: creds })
  assert.equal(browser.statusCode, 200)
  const credentials = [first.json().accessToken, browser.json().csrfToken, ...browser.cookies.map((c) => c.value)] as string[]

  const [{ n }] = (await t.ctx.systemDb`
    SELECT count(*)::int AS n FROM idempotency_key
    WHERE key IN ('renew-1', 'login-1') OR concat_ws(' ', key, response) LIKE ANY (${credentials.map((x) => `%${x}%`)}::text[])`) as unknown as [{ n: number }]
  assert.equal(n, 0)
  // Not a replay of the first token: a new one.
  const retry = await t.app.inject(renew)
  assert.equal(retry.statusCode, 200)
  assert.equal(retry.headers['idempotent-replayed'], undefined)
  assert.notEqual(retry.json().accessToken, first.json().accessToken)
})

test('no route keeps an answer that sets a cookie: it hands out a credential', async () => {
  const { createHttp } = await import('../platform/http.ts')
  const { createLogger } = await import('../platform/log.ts')
  const { securityPlugin } = await import('./index.ts')
  // A signed-in route of some future module that opens a session of its own.
  const app = await createHttp({
    logger: createLogger('silent'),
    ctx: t.ctx,
    before: securityPlugin,
    routes: async (api) => {
      api.post('/handover', { config: { access: { roles: 'any-authenticated' } }, schema: { operationId: 'handOver' } }, async (_req, reply) =>
        reply.setCookie('handover', 'jcs_secret-session-token', { path: '/' }).send({ ok: true }))
    },
  })
  try {
    const admin = await as(t, 'admin')
    const res = await app.inject({ method: 'POST', url: '/api/v1/handover', headers: { ...admin.headers, 'idempotency-key': 'cookie-1' } })
    assert.equal(res.statusCode, 200)
    assert.equal(res.cookies[0]!.value, 'jcs_secret-session-token')
    const [row] = await t.ctx.systemDb`SELECT status, response FROM idempotency_key WHERE key = 'cookie-1'`
    assert.deepEqual({ ...row }, { status: 200, response: null })
  } finally {
    await app.close()
  }
})

test('a claim left pending by the scheme before migration 0015 is not taken over before it expires', async () => {
  const admin = await as(t, 'admin')
  const scope = `user:${admin.user.id}`
  const fingerprint = requestFingerprint('POST', '/api/v1/auth/logout', undefined)
  // A claim made apart from its work (as before migration 0015) whose request never answered: a
  // slow request and a dead one looked the same, so it is honoured until it expires.
  const began = new Date(Date.now() - 2 * 3_600_000)
  await t.ctx.systemDb`
    INSERT INTO idempotency_key (scope, key, request_hash, created_at, expires_at)
    VALUES (${scope}, 'slow-1', ${fingerprint}, ${began}, ${new Date(began.getTime() + 24 * 3_600_000)})`
  const retry = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...admin.headers, 'idempotency-key': 'slow-1' } })
  assert.equal(retry.statusCode, 409)
  assert.equal(retry.json().error.code, 'IDEMPOTENCY_IN_PROGRESS')
  // Once the record expires, the key is free again.
  await t.ctx.systemDb`UPDATE idempotency_key SET expires_at = ${new Date(Date.now() - 1000)} WHERE scope = ${scope} AND key = 'slow-1'`
  const later = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...admin.headers, 'idempotency-key': 'slow-1' } })
  assert.equal(later.statusCode, 204)
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
  // Still running, or done (its answer held a generated password, so it is not replayed).
  for (const r of results.filter((r) => r.statusCode !== 201)) assert.ok(['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_NOT_REPLAYABLE'].includes(r.json().error.code))
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
