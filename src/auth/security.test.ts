import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey } from '../../test/auth.ts'

let t: TestApp
before(async () => {
  t = await testApp({
    env: { JAMSOS_CORS_ORIGINS: 'https://portal.example.id' },
    services: { authSettings: { rateLimitPerMinute: 3, anonymousRateLimitPerMinute: 5 } },
  })
})
after(async () => t.close())

test('security headers on every answer, with a CSP the API docs work under', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' })
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
  assert.match(String(res.headers['content-security-policy']), /default-src 'self'/)
  assert.match(String(res.headers['strict-transport-security']), /max-age=/)
  const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' })
  assert.equal(docs.statusCode, 200)
  const csp = String(docs.headers['content-security-policy'])
  assert.match(csp, /script-src 'self'/)
  assert.match(csp, /style-src 'self' https: 'unsafe-inline'/)
  assert.match(csp, /img-src 'self' data:/)
})

test('CORS answers only the configured origins', async () => {
  const preflight = (origin: string) =>
    t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/token',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
    })
  const ok = await preflight('https://portal.example.id')
  assert.equal(ok.headers['access-control-allow-origin'], 'https://portal.example.id')
  assert.equal(ok.headers['access-control-allow-credentials'], 'true')
  assert.match(String(ok.headers['access-control-allow-headers']), /Idempotency-Key/)
  const evil = await preflight('https://evil.example.com')
  assert.equal(evil.headers['access-control-allow-origin'], undefined)
})

test('rate limits count per session and per partner key, not per address', async () => {
  const a = await as(t, 'management')
  const b = await as(t, 'management')
  const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers, remoteAddress: '10.7.7.7' })
  for (let i = 0; i < 3; i++) assert.equal((await me(a.headers)).statusCode, 200)
  const limited = await me(a.headers)
  assert.equal(limited.statusCode, 429)
  assert.equal(limited.json().error.code, 'RATE_LIMITED')
  assert.ok(Number(limited.headers['retry-after']) > 0)
  // Same address, another session: its own allowance.
  assert.equal((await me(b.headers)).statusCode, 200)

  const key = await partnerKey(t, 51)
  for (let i = 0; i < 3; i++) assert.equal((await t.app.inject({ ...key.sign({ method: 'GET', url: `/api/v1/auth/me?i=${i}` }), remoteAddress: '10.7.7.7' })).statusCode, 200)
  assert.equal((await t.app.inject(key.sign({ method: 'GET', url: '/api/v1/auth/me?i=3' }))).statusCode, 429)
})

test('health checks are not rate limited', async () => {
  for (let i = 0; i < 8; i++) assert.equal((await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.8.8.8' })).statusCode, 200)
})

test('a body over the limit is refused before anything reads it', async () => {
  const key = await partnerKey(t, 52)
  const huge = { filler: 'x'.repeat(1_100_000) }
  const res = await t.app.inject(key.sign({ method: 'POST', url: '/api/v1/auth/logout', body: huge }))
  assert.equal(res.statusCode, 413)
  assert.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE')
})
