import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { TEST_ADMIN_PASSWORD, testApp, type TestApp } from '../../test/app.ts'
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

test('five wrong passwords from one address lock the account for that address for 15 minutes, saying until when', async () => {
  const victim = await as(t, 'sponsor', { sponsorId: 5151 })
  const name = victim.user.username
  const ip = '10.2.0.1'
  for (let i = 1; i <= 4; i++) {
    const r = await token(name, 'wrong password here', ip)
    assert.equal(r.statusCode, 401)
    assert.equal(r.json().error.code, 'AUTH_INVALID_CREDENTIALS')
  }
  const fifth = await token(name, 'wrong password here', ip)
  assert.equal(fifth.statusCode, 423)
  assert.equal(fifth.json().error.code, 'AUTH_LOCKED')
  const until = new Date(clock.getTime() + 15 * 60_000).toISOString()
  assert.equal(fifth.json().error.details.lockedUntil, until)
  assert.equal(fifth.headers['retry-after'], '900')
  assert.match(fifth.json().error.message, new RegExp(until.replace(/\./g, '\\.')))

  // Even the right password waits for the lock to end, from that address…
  const right = await token(name, TEST_PASSWORD, ip)
  assert.equal(right.statusCode, 423)
  // …and only from that address: the owner elsewhere signs in.
  assert.equal((await token(name, TEST_PASSWORD, '10.2.0.9')).statusCode, 200)
  advance(15 * 60)
  assert.equal((await token(name, TEST_PASSWORD, ip)).statusCode, 200)
  // The lock was audited, with the address it held for; administrators see when it ended.
  const [ev] = await t.ctx.systemDb`SELECT action, actor_name, ip, changes->'after' AS after FROM audit_event WHERE action = 'user.lock' AND entity_id = ${String(victim.user.id)}`
  assert.deepEqual({ ...ev }, { action: 'user.lock', actor_name: 'login throttle', ip, after: { locked_until: until, address: ip } })
  const [row] = await t.ctx.systemDb`SELECT locked_until FROM app_user WHERE id = ${victim.user.id}`
  assert.equal((row!.locked_until as Date).toISOString(), until)
})

test('parallel wrong passwords from one address cannot outrun its lock: at most five are tested, and the right one waits too', async () => {
  const victim = await as(t, 'sponsor', { sponsorId: 5252 })
  const name = victim.user.username
  const ip = '10.4.0.1'
  const limit = 5
  const results = await Promise.all(Array.from({ length: limit + 3 }, (_, i) => token(name, `wrong guess number ${i}`, ip)))
  const codes = results.map((r) => r.statusCode)
  assert.ok(codes.filter((c) => c === 401).length <= limit - 1, codes.join(','))
  assert.ok(codes.every((c) => c === 401 || c === 423), codes.join(','))
  // Exactly the limit were counted (each counted attempt is the only kind that is tested), and it locked.
  const [{ n }] = (await t.ctx.systemDb`SELECT count(*)::int AS n FROM auth_failure WHERE username = ${name} AND ip = ${ip}`) as unknown as [{ n: number }]
  assert.equal(n, limit)
  const [{ locks }] = (await t.ctx.systemDb`SELECT count(*)::int AS locks FROM audit_event WHERE action = 'user.lock' AND entity_id = ${String(victim.user.id)}`) as unknown as [{ locks: number }]
  assert.equal(locks, 1)
  // The right password, alone or among wrong ones, is refused from that address while the lock lasts.
  const during = await Promise.all([token(name, TEST_PASSWORD, ip), token(name, 'one more guess', ip), token(name, TEST_PASSWORD, ip)])
  assert.deepEqual(during.map((r) => r.statusCode), [423, 423, 423])
  // A session already open is no way round it: changing the password needs the current one
  // tested, counted against the address the change comes from.
  const change = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: victim.headers,
    remoteAddress: ip,
    payload: { currentPassword: TEST_PASSWORD, newPassword: 'kopi tubruk sore hari' },
  })
  assert.equal(change.statusCode, 423)
  advance(15 * 60)
  assert.equal((await token(name, TEST_PASSWORD, ip)).statusCode, 200)
})

test('an unknown username and a real one answer alike under repeated failures: nothing tells which exists', async () => {
  const real = await as(t, 'agent', { agentId: 4343 })
  const trace = async (name: string, ip: string) => {
    const out: unknown[] = []
    for (let i = 0; i < 7; i++) {
      const r = await token(name, 'not the password', ip)
      const e = r.json().error
      out.push([r.statusCode, e.code, r.headers['retry-after'], e.details?.lockedUntil, e.message])
    }
    return out
  }
  const known = await trace(real.user.username, '10.11.0.1')
  const unknown = await trace('tidak-ada-orangnya', '10.11.0.2')
  assert.deepEqual(unknown, known)
  assert.deepEqual(known.map((x) => (x as unknown[])[0]), [401, 401, 401, 401, 423, 423, 423])
})

test('an attacker hammering admin from one address does not lock its owner out', async () => {
  for (let i = 0; i < 30; i++) await token('admin', `tebak-tebakan ${i}`, '10.9.0.1')
  assert.equal((await token('admin', TEST_ADMIN_PASSWORD, '10.9.0.1')).statusCode, 423)
  // The owner, from anywhere else, at once: one address alone never slows the account down.
  const owner = await token('admin', TEST_ADMIN_PASSWORD, '10.9.0.2')
  assert.equal(owner.statusCode, 200, owner.body)
  // The next quarter of an hour the attacker gets its few guesses again, and so on: never a lock for everyone.
  advance(15 * 60)
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5; i++) await token('admin', `tebak lagi ${round}.${i}`, '10.9.0.1')
    assert.equal((await token('admin', TEST_ADMIN_PASSWORD, `10.9.1.${round}`)).statusCode, 200)
    advance(15 * 60)
  }
})

test('a distributed attack is slowed down, growing, but not from an address the owner signed in from', async () => {
  const owner = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const name = owner.user.username
  assert.equal((await token(name, TEST_PASSWORD, '10.12.0.1')).statusCode, 200)
  // Two addresses at their five each: ten failures for the account, no delay yet.
  for (const ip of ['10.12.1.1', '10.12.1.2']) for (let i = 0; i < 5; i++) await token(name, `salah ${ip} ${i}`, ip)
  const slowed = await token(name, 'salah lagi', '10.12.1.3')
  assert.equal(slowed.statusCode, 429)
  assert.equal(slowed.json().error.code, 'AUTH_ACCOUNT_THROTTLED')
  assert.equal(slowed.headers['retry-after'], '15')
  // Unknown names are slowed alike.
  for (const ip of ['10.12.2.1', '10.12.2.2']) for (let i = 0; i < 5; i++) await token('bukan-siapa-siapa', `salah ${ip} ${i}`, ip)
  const ghost = await token('bukan-siapa-siapa', 'salah lagi', '10.12.2.3')
  assert.deepEqual([ghost.statusCode, ghost.json().error.code, ghost.headers['retry-after']], [429, 'AUTH_ACCOUNT_THROTTLED', '15'])
  // The owner's own address is not slowed.
  assert.equal((await token(name, TEST_PASSWORD, '10.12.0.1')).statusCode, 200)
  // Each failure after the delay doubles the next one.
  advance(15)
  assert.equal((await token(name, 'salah lagi', '10.12.1.3')).statusCode, 401)
  assert.equal((await token(name, 'salah lagi', '10.12.1.4')).headers['retry-after'], '30')
  advance(30)
  assert.equal((await token(name, 'salah lagi', '10.12.1.4')).statusCode, 401)
  assert.equal((await token(name, 'salah lagi', '10.12.1.5')).headers['retry-after'], '60')
})

test('parallel guesses from many addresses cannot outrun the account-wide delay', async () => {
  const victim = await as(t, 'sponsor', { sponsorId: 5353 })
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => token(victim.user.username, `tebakan ${i}`, `10.13.0.${i + 1}`)))
  const codes = results.map((r) => r.statusCode)
  // Ten tested (one address each, ten addresses), then each must wait.
  assert.equal(codes.filter((c) => c === 401).length, 10, codes.join(','))
  assert.equal(codes.filter((c) => c === 429).length, 20, codes.join(','))
})

test('IPv6 callers are counted per /64: new addresses in the same network are no fresh start', async () => {
  for (let i = 1; i <= 20; i++) assert.equal((await token(`hantu-${i}`, 'whatever password', `2001:db8:77:1::${i.toString(16)}`)).statusCode, 401)
  const next = await token('hantu-21', 'whatever password', '2001:db8:77:1:ffff:ffff:ffff:ffff')
  assert.equal(next.statusCode, 429)
  assert.equal(next.json().error.code, 'AUTH_THROTTLED')
  // The neighbouring /64 is someone else.
  assert.equal((await token('hantu-22', 'whatever password', '2001:db8:77:2::1')).statusCode, 401)
  // And the (account, address) lock holds across the /64 too.
  const u = await as(t, 'management')
  for (let i = 1; i <= 4; i++) await token(u.user.username, 'wrong password here', `2001:db8:78:1::${i}`)
  assert.equal((await token(u.user.username, 'wrong password here', '2001:db8:78:1::99')).statusCode, 423)
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

test('an administrator cannot reset their own password without the current one: told to use /auth/password', async () => {
  const admin = await as(t, 'admin')
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/users/${admin.user.id}/reset-password`, headers: admin.headers, payload: { password: 'a takeover passphrase' } })
  assert.equal(res.statusCode, 403)
  assert.equal(res.json().error.code, 'PASSWORD_RESET_SELF')
  assert.match(res.json().error.message, /\/auth\/password/)
  // Nothing changed: the old password works, the session still does.
  assert.equal((await token(admin.user.username, TEST_PASSWORD, '10.14.0.1')).statusCode, 200)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: admin.headers })).statusCode, 200)
  // Another administrator may reset it; the owner may change it with the current one.
  const other = await as(t, 'admin')
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/users/${admin.user.id}/reset-password`, headers: other.headers, payload: {} })).statusCode, 200)
})
