import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey, signer, TEST_PASSWORD } from '../../test/auth.ts'

let t: TestApp
before(async () => {
  t = await testApp({
    env: { JAMSOS_CORS_ORIGINS: 'https://portal.example.id' },
    services: { authSettings: { rateLimitPerMinute: 3, anonymousRateLimitPerMinute: 5, addressRateLimitPerMinute: 12 } },
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

test('refused requests are rate limited too: bad tokens and signatures per address, forbidden calls per session', async () => {
  const codes = async (n: number, send: () => Promise<{ statusCode: number; json(): { error: { code: string } } }>) => {
    const out: string[] = []
    for (let i = 0; i < n; i++) {
      const r = await send()
      out.push(`${r.statusCode} ${r.json().error.code}`)
    }
    return out
  }
  // Guessing tokens: the address's anonymous allowance (5 here), then 429.
  const badToken = await codes(6, () => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer jbt_guessed-token-0000' }, remoteAddress: '10.20.0.1' }))
  assert.deepEqual(badToken, [...Array(5).fill('401 TOKEN_INVALID'), '429 RATE_LIMITED'])
  // Guessing a partner's secret: the same.
  const real = await partnerKey(t, 53)
  const forged = signer(t, real.keyId, 'sk_not-the-secret', 53)
  const badSignature = await codes(6, () => t.app.inject({ ...forged.sign({ method: 'GET', url: '/api/v1/auth/me' }), remoteAddress: '10.20.0.2' }))
  assert.deepEqual(badSignature, [...Array(5).fill('401 SIGNATURE_INVALID'), '429 RATE_LIMITED'])
  // A signed-in caller knocking on a door it may not open: its session's allowance (3 here).
  const m = await as(t, 'management')
  const forbidden = await codes(4, () => t.app.inject({ method: 'GET', url: '/api/v1/users', headers: m.headers, remoteAddress: '10.20.0.3' }))
  assert.deepEqual(forbidden, [...Array(3).fill('403 FORBIDDEN'), '429 RATE_LIMITED'])
})

test('an address is limited first, however many sessions it brings', async () => {
  const ip = '10.21.0.1'
  for (let s = 0; s < 4; s++) {
    const session = await as(t, 'management')
    for (let i = 0; i < 3; i++) assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session.headers, remoteAddress: ip })).statusCode, 200)
  }
  const fresh = await as(t, 'management')
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: fresh.headers, remoteAddress: ip })
  assert.equal(res.statusCode, 429)
  assert.ok(Number(res.headers['retry-after']) > 0)
  // Another address is not affected.
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: fresh.headers, remoteAddress: '10.21.0.2' })).statusCode, 200)
})

test('IPv6 callers share one allowance per /64', async () => {
  let n = 0
  const login = (ip: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `tamu-${++n}`, password: 'bukan sandinya' }, remoteAddress: ip })
  for (let i = 1; i <= 5; i++) assert.equal((await login(`2001:db8:5:5::${i}`)).statusCode, 401)
  const next = await login('2001:db8:5:5:ffff::1')
  assert.equal(next.statusCode, 429)
  assert.equal(next.json().error.code, 'RATE_LIMITED')
  assert.equal((await login('2001:db8:5:6::1')).statusCode, 401)
})

test('the session cookie is Secure whenever the browser came over HTTPS, also through a chain of trusted proxies', async () => {
  // Here no proxy is trusted: a client's own X-Forwarded-Proto is not believed.
  const direct = await as(t, 'management')
  const plain = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: direct.user.username, password: TEST_PASSWORD },
    headers: { 'x-forwarded-proto': 'https' },
    remoteAddress: '10.22.0.1',
  })
  assert.equal(plain.cookies.find((c) => c.name === 'jamsos_session')!.secure, undefined)

  // A TLS edge, then a plain-HTTP load balancer that appends to X-Forwarded-Proto: two trusted hops.
  const behind = await testApp({ env: { JAMSOS_TRUST_PROXY: '2' } })
  try {
    const u = await as(behind, 'management')
    const login = (proto: string) =>
      behind.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.user.username, password: TEST_PASSWORD },
        headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.2', 'x-forwarded-proto': proto },
        remoteAddress: '10.0.0.3',
      })
    const tls = await login('https, http')
    assert.equal(tls.statusCode, 200)
    for (const name of ['jamsos_session', 'jamsos_csrf']) assert.equal(tls.cookies.find((c) => c.name === name)!.secure, true, name)
    // The browser really came over plain HTTP: no Secure (it would never send the cookie back).
    const http = await login('http, http')
    assert.equal(http.cookies.find((c) => c.name === 'jamsos_session')!.secure, undefined)
  } finally {
    await behind.close()
  }
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
