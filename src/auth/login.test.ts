import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, TEST_PASSWORD } from '../../test/auth.ts'

let t: TestApp
let clock = new Date('2026-03-02T01:00:00Z')
const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000))

before(async () => {
  t = await testApp({ now: () => clock })
})
after(async () => t.close())

const login = (username: string, password: string, ip = '10.1.1.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip })
const token = (username: string, password: string, ip = '10.1.1.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password }, remoteAddress: ip })

function cookiesOf(res: { cookies: { name: string; value: string }[] }): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
}

test('a browser login sets an httpOnly SameSite session cookie and a readable CSRF token', async () => {
  const officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const res = await login(officer.user.username, TEST_PASSWORD)
  assert.equal(res.statusCode, 200)
  const session = res.cookies.find((c) => c.name === 'jamsos_session')!
  const csrf = res.cookies.find((c) => c.name === 'jamsos_csrf')!
  assert.equal(session.httpOnly, true)
  assert.equal(session.sameSite, 'Lax')
  assert.equal(csrf.httpOnly, undefined)
  assert.equal(res.json().csrfToken, csrf.value)
  assert.equal(res.json().user.role, 'branch_officer')

  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: cookiesOf(res) } })
  assert.equal(me.statusCode, 200)
  assert.deepEqual(me.json().branchCodes, ['KC3505'])

  // A state-changing request on the cookie alone is what a hostile page could make: refused.
  const noCsrf = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: { cookie: cookiesOf(res) },
    payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' },
  })
  assert.equal(noCsrf.statusCode, 403)
  assert.equal(noCsrf.json().error.code, 'CSRF_INVALID')
  const wrongCsrf = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/logout',
    headers: { cookie: cookiesOf(res), 'x-csrf-token': 'guess' },
  })
  assert.equal(wrongCsrf.json().error.code, 'CSRF_INVALID')

  const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: cookiesOf(res), 'x-csrf-token': csrf.value } })
  assert.equal(out.statusCode, 204)
  const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: cookiesOf(res) } })
  assert.equal(after.statusCode, 401)
  assert.equal(after.json().error.code, 'TOKEN_REVOKED')
})

test('bearer tokens are short-lived and revocable', async () => {
  const agent = await as(t, 'agent', { agentId: 4242 })
  const res = await token(agent.user.username, TEST_PASSWORD)
  assert.equal(res.statusCode, 200)
  const { accessToken, tokenType, expiresIn } = res.json()
  assert.equal(tokenType, 'Bearer')
  assert.equal(expiresIn, 900)
  const headers = { authorization: `Bearer ${accessToken}` }
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).json().agentId, 4242)

  advance(901)
  const expired = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })
  assert.equal(expired.statusCode, 401)
  assert.equal(expired.json().error.code, 'TOKEN_EXPIRED')

  const fresh = { authorization: `Bearer ${(await token(agent.user.username, TEST_PASSWORD)).json().accessToken}` }
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: fresh })).statusCode, 204)
  const revoked = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: fresh })
  assert.equal(revoked.json().error.code, 'TOKEN_REVOKED')

  const junk = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer jbt_not-a-real-token' } })
  assert.equal(junk.statusCode, 401)
  assert.equal(junk.json().error.code, 'TOKEN_INVALID')
  const basic = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })
  assert.equal(basic.json().error.code, 'TOKEN_INVALID')
})

test('five wrong passwords lock the account for 15 minutes, saying until when', async () => {
  const victim = await as(t, 'sponsor', { sponsorId: 5151 })
  const name = victim.user.username
  for (let i = 1; i <= 4; i++) {
    const r = await token(name, 'wrong password here', `10.2.0.${i}`)
    assert.equal(r.statusCode, 401)
    assert.equal(r.json().error.code, 'AUTH_INVALID_CREDENTIALS')
  }
  const fifth = await token(name, 'wrong password here', '10.2.0.5')
  assert.equal(fifth.statusCode, 423)
  assert.equal(fifth.json().error.code, 'AUTH_LOCKED')
  const until = new Date(clock.getTime() + 15 * 60_000).toISOString()
  assert.equal(fifth.json().error.details.lockedUntil, until)
  assert.equal(fifth.headers['retry-after'], '900')
  assert.match(fifth.json().error.message, new RegExp(until.replace(/\./g, '\\.')))

  // Even the right password waits for the lock to end.
  const right = await token(name, TEST_PASSWORD, '10.2.0.6')
  assert.equal(right.statusCode, 423)
  advance(15 * 60)
  assert.equal((await token(name, TEST_PASSWORD, '10.2.0.7')).statusCode, 200)
  // The lock was audited.
  const [ev] = await t.ctx.systemDb`SELECT action, actor_name FROM audit_event WHERE action = 'user.lock' AND entity_id = ${String(victim.user.id)}`
  assert.deepEqual({ ...ev }, { action: 'user.lock', actor_name: 'login throttle' })
})

test('parallel wrong passwords cannot outrun the lock: at most five are tested, and the right one waits too', async () => {
  const victim = await as(t, 'sponsor', { sponsorId: 5252 })
  const name = victim.user.username
  const limit = 5
  // Each from its own address, so only the account lock stands in the way.
  const results = await Promise.all(Array.from({ length: limit + 3 }, (_, i) => token(name, `wrong guess number ${i}`, `10.4.0.${i + 1}`)))
  const codes = results.map((r) => r.statusCode)
  assert.ok(codes.filter((c) => c === 401).length <= limit - 1, codes.join(','))
  assert.ok(codes.every((c) => c === 401 || c === 423), codes.join(','))
  // Exactly the limit were counted (each counted attempt is the only kind that is tested), and it locked.
  const [row] = await t.ctx.systemDb`SELECT failed_attempts, locked_until FROM app_user WHERE id = ${victim.user.id}`
  assert.equal(row!.failed_attempts, limit)
  assert.equal((row!.locked_until as Date).toISOString(), new Date(clock.getTime() + 15 * 60_000).toISOString())
  const [{ n }] = (await t.ctx.systemDb`SELECT count(*)::int AS n FROM audit_event WHERE action = 'user.lock' AND entity_id = ${String(victim.user.id)}`) as unknown as [{ n: number }]
  assert.equal(n, 1)
  // The right password, alone or among wrong ones, is refused while the lock lasts.
  const during = await Promise.all([token(name, TEST_PASSWORD, '10.4.1.1'), token(name, 'one more guess', '10.4.1.2'), token(name, TEST_PASSWORD, '10.4.1.3')])
  assert.deepEqual(during.map((r) => r.statusCode), [423, 423, 423])
  // A session already open is no way round it: changing the password needs the current one tested.
  const change = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: victim.headers,
    payload: { currentPassword: TEST_PASSWORD, newPassword: 'kopi tubruk sore hari' },
  })
  assert.equal(change.statusCode, 423)
  advance(15 * 60)
  assert.equal((await token(name, TEST_PASSWORD, '10.4.1.4')).statusCode, 200)
})

test('parallel failures from one address cannot outrun its throttle', async () => {
  const ip = '10.5.5.5'
  const results = await Promise.all(Array.from({ length: 25 }, (_, i) => token(`ghost-${i}`, 'whatever password', ip)))
  const codes = results.map((r) => r.statusCode)
  assert.equal(codes.filter((c) => c === 401).length, 20, codes.join(','))
  assert.equal(codes.filter((c) => c === 429).length, 5, codes.join(','))
})

test('the right password withdraws its own count: a success is not an address failure', async () => {
  const u = await as(t, 'management')
  const ip = '10.6.6.6'
  for (let i = 0; i < 25; i++) assert.equal((await token(u.user.username, TEST_PASSWORD, ip)).statusCode, 200)
  const [{ n }] = (await t.ctx.systemDb`SELECT count(*)::int AS n FROM auth_failure WHERE ip = ${ip}`) as unknown as [{ n: number }]
  assert.equal(n, 0)
  const [row] = await t.ctx.systemDb`SELECT failed_attempts FROM app_user WHERE id = ${u.user.id}`
  assert.equal(row!.failed_attempts, 0)
})

test('an address with 20 failures in 15 minutes is throttled, whichever accounts it tried', async () => {
  const ip = '10.3.3.3'
  for (let i = 0; i < 20; i++) {
    const r = await token(`nobody-${i}`, 'whatever password', ip)
    assert.equal(r.json().error.code, 'AUTH_INVALID_CREDENTIALS')
  }
  const real = await as(t, 'management')
  const throttled = await token(real.user.username, TEST_PASSWORD, ip)
  assert.equal(throttled.statusCode, 429)
  assert.equal(throttled.json().error.code, 'AUTH_THROTTLED')
  assert.ok(Number(throttled.headers['retry-after']) > 0)
  // Another address is not affected.
  assert.equal((await token(real.user.username, TEST_PASSWORD, '10.3.3.4')).statusCode, 200)
  advance(15 * 60)
  assert.equal((await token(real.user.username, TEST_PASSWORD, ip)).statusCode, 200)
})

test('a disabled account cannot log in and its tokens stop at once', async () => {
  const admin = await as(t, 'admin')
  const partner = await as(t, 'partner', { partnerId: 6161 })
  const disable = await t.app.inject({ method: 'POST', url: `/api/v1/users/${partner.user.id}/disable`, headers: admin.headers })
  assert.equal(disable.statusCode, 200)
  assert.ok(disable.json().disabledAt)
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: partner.headers })
  assert.equal(me.statusCode, 401)
  assert.equal(me.json().error.code, 'TOKEN_REVOKED')
  const again = await token(partner.user.username, TEST_PASSWORD)
  assert.equal(again.statusCode, 403)
  assert.equal(again.json().error.code, 'ACCOUNT_DISABLED')
  // …but a wrong password still says only "wrong": the state of an account is not for guessers.
  assert.equal((await token(partner.user.username, 'not the password')).json().error.code, 'AUTH_INVALID_CREDENTIALS')
})

test('changing your password ends your other sessions; a weak one is refused naming the field', async () => {
  const p = await as(t, 'participant', { participantId: 1_000_000_019 })
  const other = (await token(p.user.username, TEST_PASSWORD)).json().accessToken as string
  const weak = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: p.headers,
    payload: { currentPassword: TEST_PASSWORD, newPassword: 'password1' },
  })
  assert.equal(weak.statusCode, 400)
  assert.equal(weak.json().error.code, 'PASSWORD_TOO_WEAK')
  // The field as the body names it.
  assert.equal(weak.json().error.fields[0].path, 'newPassword')
  const wrong = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: p.headers,
    payload: { currentPassword: 'not my password', newPassword: 'kopi tubruk pagi hari' },
  })
  assert.equal(wrong.json().error.code, 'PASSWORD_WRONG')
  const ok = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: p.headers,
    payload: { currentPassword: TEST_PASSWORD, newPassword: 'kopi tubruk pagi hari' },
  })
  assert.equal(ok.statusCode, 204)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: p.headers })).statusCode, 200)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${other}` } })).statusCode, 401)
  assert.equal((await token(p.user.username, 'kopi tubruk pagi hari')).statusCode, 200)
})

test('an administrator creates accounts with a one-time generated password and resets them', async () => {
  const admin = await as(t, 'admin')
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: admin.headers,
    payload: { username: 'siti.kc3505', displayName: 'Siti Rahmawati', role: 'branch_officer', branchCodes: ['KC3505'], permissions: ['nik:reveal'] },
  })
  assert.equal(created.statusCode, 201)
  const { user, generatedPassword } = created.json()
  assert.equal(user.username, 'siti.kc3505')
  assert.deepEqual(user.permissions, ['nik:reveal'])
  assert.equal((await token('siti.kc3505', generatedPassword)).statusCode, 200)

  const dup = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { username: 'siti.kc3505', displayName: 'X', role: 'management' } })
  assert.equal(dup.statusCode, 409)
  assert.equal(dup.json().error.code, 'USERNAME_TAKEN')
  const unlinked = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { username: 'agen.x', displayName: 'X', role: 'agent' } })
  assert.equal(unlinked.statusCode, 400)
  assert.deepEqual(unlinked.json().error.fields.map((f: { path: string; code: string }) => [f.path, f.code]), [['agentId', 'ROLE_LINK_MISSING']])

  const reset = await t.app.inject({ method: 'POST', url: `/api/v1/users/${user.id}/reset-password`, headers: admin.headers, payload: {} })
  assert.equal(reset.statusCode, 200)
  assert.equal((await token('siti.kc3505', generatedPassword)).statusCode, 401)
  assert.equal((await token('siti.kc3505', reset.json().generatedPassword)).statusCode, 200)
  const listed = await t.app.inject({ method: 'GET', url: '/api/v1/users?role=branch_officer&branchCode=KC3505&q=siti', headers: admin.headers })
  assert.deepEqual(listed.json().items.map((u: { username: string }) => u.username), ['siti.kc3505'])
  assert.equal(JSON.stringify(listed.json()).includes('scrypt'), false, 'no password hash ever leaves')
  // By display name, case- and accent-insensitive, anywhere in the name; % is a letter, not a wildcard.
  const byName = async (q: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/users?q=${encodeURIComponent(q)}`, headers: admin.headers })).json().items.map((u: { username: string }) => u.username)
  assert.deepEqual(await byName('RAHMÁWATI'), ['siti.kc3505'])
  assert.deepEqual(await byName('%'), [])
})

test('an id past the largest safe integer is refused naming the field, not a 500', async () => {
  const admin = await as(t, 'admin')
  const huge = '100000000000000000000'
  const user = await t.app.inject({ method: 'GET', url: `/api/v1/users/${huge}`, headers: admin.headers })
  assert.equal(user.statusCode, 400)
  assert.equal(user.json().error.fields[0].path, 'id')
  const keys = await t.app.inject({ method: 'GET', url: `/api/v1/partners/${huge}/keys`, headers: admin.headers })
  assert.equal(keys.statusCode, 400)
  assert.equal(keys.json().error.fields[0].path, 'partnerId')
  const agent = await t.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: admin.headers,
    payload: { username: 'agen.huge', displayName: 'X', role: 'agent', agentId: Number(huge) },
  })
  assert.equal(agent.statusCode, 400)
  assert.equal(agent.json().error.fields[0].path, 'agentId')
  // The largest safe id itself is fine: simply not there.
  const edge = await t.app.inject({ method: 'GET', url: `/api/v1/users/${Number.MAX_SAFE_INTEGER}`, headers: admin.headers })
  assert.equal(edge.statusCode, 404)
})
