import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey, signer } from '../../test/auth.ts'
import { signRequest } from './signature.ts'

let t: TestApp
let clock = new Date('2026-03-02T01:00:00Z')
const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000))

before(async () => {
  t = await testApp({ now: () => clock })
})
after(async () => t.close())

test('an administrator issues a key; the secret is shown once and stored only encrypted', async () => {
  const admin = await as(t, 'admin')
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/partners/31/keys', headers: admin.headers })
  assert.equal(res.statusCode, 201)
  const { keyId, secret, partnerId, active } = res.json()
  assert.match(keyId, /^pk_[0-9a-f]{16}$/)
  assert.match(secret, /^sk_/)
  assert.deepEqual([partnerId, active], [31, true])
  const [row] = await t.ctx.systemDb`SELECT secret_cipher FROM partner_key WHERE key_id = ${keyId}`
  assert.equal((row!.secret_cipher as Buffer).includes(Buffer.from(secret)), false)
  const listed = await t.app.inject({ method: 'GET', url: '/api/v1/partners/31/keys', headers: admin.headers })
  assert.equal(JSON.stringify(listed.json()).includes(secret), false)

  const key = signer(t, keyId, secret, 31)
  const me = await t.app.inject(key.sign({ method: 'GET', url: '/api/v1/auth/me' }))
  assert.equal(me.statusCode, 200)
  assert.deepEqual([me.json().kind, me.json().role, me.json().partnerId, me.json().keyId], ['partner_key', 'partner', 31, keyId])
})

test('a tampered body, path or signature is refused', async () => {
  const key = await partnerKey(t, 32)
  const good = key.sign({ method: 'POST', url: '/api/v1/auth/logout', body: { a: 1 } })
  const tamperedBody = { ...good, payload: JSON.stringify({ a: 2 }) }
  const r1 = await t.app.inject(tamperedBody)
  assert.equal(r1.statusCode, 401)
  assert.equal(r1.json().error.code, 'SIGNATURE_INVALID')
  const r2 = await t.app.inject({ ...key.sign({ method: 'GET', url: '/api/v1/auth/me?x=1' }), url: '/api/v1/auth/me?x=2' })
  assert.equal(r2.json().error.code, 'SIGNATURE_INVALID')
  const h = key.sign({ method: 'GET', url: '/api/v1/auth/me' })
  const r3 = await t.app.inject({ ...h, headers: { ...h.headers, 'x-jamsos-signature': signRequest('sk_wrong', 'GET', '/api/v1/auth/me', String(h.headers!['x-jamsos-timestamp'])) } })
  assert.equal(r3.json().error.code, 'SIGNATURE_INVALID')
  const r4 = await t.app.inject({ ...h, headers: { ...h.headers, 'x-jamsos-key': 'pk_0000000000000000' } })
  assert.equal(r4.json().error.code, 'SIGNATURE_INVALID')
  // The untouched request still passes.
  assert.equal((await t.app.inject(good)).statusCode, 204)
})

test('a timestamp more than 5 minutes away is refused, in either direction', async () => {
  const key = await partnerKey(t, 33)
  const old = new Date(clock.getTime() - 301_000).toISOString()
  const r1 = await t.app.inject(key.sign({ method: 'GET', url: '/api/v1/auth/me', timestamp: old }))
  assert.equal(r1.statusCode, 401)
  assert.equal(r1.json().error.code, 'SIGNATURE_EXPIRED')
  const future = String(Math.floor(clock.getTime() / 1000) + 301)
  assert.equal((await t.app.inject(key.sign({ method: 'GET', url: '/api/v1/auth/me', timestamp: future }))).json().error.code, 'SIGNATURE_EXPIRED')
  const epoch = String(Math.floor(clock.getTime() / 1000) - 299)
  assert.equal((await t.app.inject(key.sign({ method: 'GET', url: '/api/v1/auth/me', timestamp: epoch }))).statusCode, 200)
  const bad = await t.app.inject(key.sign({ method: 'GET', url: '/api/v1/auth/me', timestamp: 'yesterday' }))
  assert.equal(bad.json().error.code, 'SIGNATURE_INVALID')
})

test('a signature is accepted once: the replay is refused', async () => {
  const key = await partnerKey(t, 34)
  const req = key.sign({ method: 'GET', url: '/api/v1/auth/me' })
  assert.equal((await t.app.inject(req)).statusCode, 200)
  const replay = await t.app.inject(req)
  assert.equal(replay.statusCode, 401)
  assert.equal(replay.json().error.code, 'SIGNATURE_REPLAYED')
})

test('rotation keeps the old key working through the overlap window; revocation stops a key at once', async () => {
  let admin = await as(t, 'admin')
  const old = await partnerKey(t, 35)
  const rotated = await t.app.inject({ method: 'POST', url: `/api/v1/partner-keys/${old.keyId}/rotate`, headers: admin.headers, payload: { overlapHours: 2 } })
  assert.equal(rotated.statusCode, 201)
  const { newKey, oldKey } = rotated.json()
  assert.equal(oldKey.expiresAt, new Date(clock.getTime() + 2 * 3_600_000).toISOString())
  assert.equal(oldKey.replacedBy, newKey.keyId)
  const fresh = signer(t, newKey.keyId, newKey.secret, 35)
  assert.equal((await t.app.inject(old.sign({ method: 'GET', url: '/api/v1/auth/me' }))).statusCode, 200)
  assert.equal((await t.app.inject(fresh.sign({ method: 'GET', url: '/api/v1/auth/me' }))).statusCode, 200)
  advance(2 * 3600)
  assert.equal((await t.app.inject(old.sign({ method: 'GET', url: '/api/v1/auth/me' }))).json().error.code, 'SIGNATURE_INVALID')
  const later = await t.app.inject(fresh.sign({ method: 'GET', url: '/api/v1/auth/me' }))
  assert.equal(later.statusCode, 200)

  // Two hours on, the administrator's 15-minute token is long gone: a new one.
  admin = await as(t, 'admin')
  const revoked = await t.app.inject({ method: 'POST', url: `/api/v1/partner-keys/${newKey.keyId}/revoke`, headers: admin.headers })
  assert.equal(revoked.statusCode, 200)
  assert.equal(revoked.json().active, false)
  assert.equal((await t.app.inject(fresh.sign({ method: 'GET', url: '/api/v1/auth/me' }))).json().error.code, 'SIGNATURE_INVALID')
  const again = await t.app.inject({ method: 'POST', url: `/api/v1/partner-keys/${newKey.keyId}/rotate`, headers: admin.headers, payload: {} })
  assert.equal(again.json().error.code, 'PARTNER_KEY_INACTIVE')
  // Every step is on the trail.
  const actions = (await t.ctx.systemDb`SELECT action FROM audit_event WHERE entity_type = 'partner_key' AND entity_id IN (${old.keyId}, ${newKey.keyId}) ORDER BY id`).map((r) => r.action)
  assert.deepEqual(actions, ['partner_key.create', 'partner_key.rotate', 'partner_key.create', 'partner_key.revoke'])
})

test('a partner key may not do what its role may not: user management is for administrators', async () => {
  const key = await partnerKey(t, 36)
  const res = await t.app.inject(key.sign({ method: 'POST', url: '/api/v1/partners/36/keys' }))
  assert.equal(res.statusCode, 403)
  assert.equal(res.json().error.code, 'FORBIDDEN')
  assert.equal((await t.ctx.systemDb`SELECT count(*)::int AS n FROM partner_key WHERE partner_id = 36`)[0]!.n, 1)
})
