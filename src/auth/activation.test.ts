// Member self-service activation: POST /api/v1/auth/activate (src/auth/activation.ts).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'

let t: TestApp
let clock = new Date('2026-03-02T01:00:00Z')
const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000))

before(async () => {
  t = await testApp({ now: () => clock })
})
after(async () => t.close())

const PASSWORD = 'kebun kopi di lereng kelud'

/** A member registered through the API: born 17 May 1990, mother Sri Rahayu (test/fixtures.ts). */
async function register(over: Parameters<typeof registration>[0] = {}) {
  const body = registration(over)
  // A fresh session each time: the tests move the clock past a bearer token's life.
  const admin = await as(t, 'admin')
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/participants', headers: admin.headers, payload: body })
  assert.equal(res.statusCode, 201, res.body)
  return { kpj: res.json().kpj as string, nik: body.nik, birthDate: body.birthDate, motherMaidenName: body.motherMaidenName }
}

type Proof = Awaited<ReturnType<typeof register>>

const activate = (proof: Proof, over: Partial<Proof & { password: string }> = {}, ip = '10.7.0.1', lang = 'en') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/activate',
    headers: { 'accept-language': lang },
    payload: { ...proof, password: PASSWORD, ...over },
    remoteAddress: ip,
  })

const cookiesOf = (res: { cookies: { name: string; value: string }[] }) => res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')

const accountsOf = async (kpj: string) =>
  t.db.sql<{ username: string; role: string; participant_id: number }[]>`SELECT username, role, participant_id FROM app_user WHERE username = ${kpj}`

test('a member activates with KPJ, NIK, birth date and mother’s maiden name, is signed in, and sees only themself', async () => {
  const me = await register()
  const other = await register({ fullName: 'Tetangga Sebelah' })
  // Typed as a phone keyboard would: other case, extra spaces.
  const res = await activate(me, { motherMaidenName: '  SRI   rahayu ' })
  assert.equal(res.statusCode, 201, res.body)
  const body = res.json()
  assert.equal(body.user.username, me.kpj)
  assert.equal(body.user.role, 'participant')
  assert.equal(body.user.displayName, 'Sutrisno Wibowo')
  const session = res.cookies.find((c) => c.name === 'jamsos_session')!
  assert.equal(session.httpOnly, true)
  assert.equal(res.cookies.find((c) => c.name === 'jamsos_csrf')!.value, body.csrfToken)

  const cookie = cookiesOf(res)
  const who = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).json()
  assert.equal(who.role, 'participant')
  assert.equal(who.participantId, Number(me.kpj.slice(0, 10)))
  const own = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${me.kpj}`, headers: { cookie } })
  assert.equal(own.statusCode, 200)
  assert.equal(own.json().kpj, me.kpj)
  const theirs = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${other.kpj}`, headers: { cookie } })
  assert.equal(theirs.statusCode, 404)
  const search = (await t.app.inject({ method: 'GET', url: '/api/v1/participants', headers: { cookie } })).json()
  assert.deepEqual(search.items.map((i: { kpj: string }) => i.kpj), [me.kpj])

  // Later, the KPJ and the new password sign in like any account.
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: me.kpj, password: PASSWORD }, remoteAddress: '10.7.0.1' })
  assert.equal(login.statusCode, 200)

  // Audited, with the member's branch; the trail keeps no NIK and no mother's name.
  const [event] = await t.db.sql<{ actor_name: string; actor_kind: string; branch_code: string; changes: unknown; ip: string }[]>`
    SELECT actor_name, actor_kind, branch_code, changes, ip FROM audit_event WHERE action = 'user.activate' AND entity_id = ${String(body.user.id)}`
  assert.equal(event!.actor_name, 'member activation')
  assert.equal(event!.actor_kind, 'anonymous')
  assert.equal(event!.branch_code, 'KC3505')
  assert.equal(event!.ip, '10.7.0.1')
  const trail = JSON.stringify(event!.changes)
  assert.ok(trail.includes(me.kpj))
  assert.ok(!trail.includes(me.nik) && !/rahayu/i.test(trail))
})

test('any wrong detail answers the same generic error, and nothing is created', async () => {
  const m = await register()
  const wrongs = [
    activate(m, { motherMaidenName: 'Siti Aminah' }, '10.7.1.1'),
    activate(m, { nik: m.nik.slice(0, 15) + String((Number(m.nik[15]) + 1) % 10) }, '10.7.1.2'),
    activate(m, { birthDate: '1990-05-18' }, '10.7.1.3'),
    // A KPJ nobody holds, and one whose check digit fails.
    activate(m, { kpj: '99999999990' }, '10.7.1.4'),
    activate(m, { kpj: m.kpj.slice(0, 10) + String((Number(m.kpj[10]) + 1) % 10) }, '10.7.1.5'),
  ]
  const answers = await Promise.all(wrongs)
  for (const r of answers) {
    assert.equal(r.statusCode, 400)
    const e = r.json().error
    assert.equal(e.code, 'ACTIVATION_FAILED')
    // Never which detail: no field list, one message.
    assert.deepEqual(e.fields, [])
    assert.equal(e.message, answers[0]!.json().error.message)
  }
  assert.equal((await accountsOf(m.kpj)).length, 0)
  // In Indonesian too.
  const id = await activate(m, { motherMaidenName: 'Siti Aminah' }, '10.7.1.6', 'id')
  assert.match(id.json().error.message, /tidak cocok dengan data kepesertaan/)
  // A weak password is refused on its field before any proof is tried.
  const weak = await activate(m, { password: 'short' }, '10.7.1.7')
  assert.equal(weak.json().error.code, 'PASSWORD_TOO_WEAK')
  assert.equal(weak.json().error.fields[0].path, 'password')
})

test('activation is throttled per KPJ and address like a login, and never locks the member’s login', async () => {
  const m = await register()
  const ip = '10.7.2.1'
  // JAMSOS_LOCK_AFTER_FAILURES (5) wrong proofs for this KPJ from this address...
  for (let i = 0; i < 5; i++) {
    const r = await activate(m, { motherMaidenName: `Tebakan ${i}` }, ip)
    assert.equal(r.json().error.code, i < 4 ? 'ACTIVATION_FAILED' : 'ACTIVATION_THROTTLED', `attempt ${i + 1}`)
  }
  // ...and even the right proof from there waits out the lock (15 minutes by default).
  const refused = await activate(m, {}, ip)
  assert.equal(refused.statusCode, 429)
  assert.equal(refused.json().error.code, 'ACTIVATION_THROTTLED')
  assert.equal(refused.headers['retry-after'], '900')
  assert.equal((await accountsOf(m.kpj)).length, 0)

  // Another address is not locked out by it.
  const elsewhere = await activate(m, {}, '10.7.2.99')
  assert.equal(elsewhere.statusCode, 201, elsewhere.body)

  // Once the window has passed, the first address may try again (and learns only "already active").
  advance(15 * 60)
  const later = await activate(m, {}, ip)
  assert.equal(later.statusCode, 409)
  assert.equal(later.json().error.code, 'ACCOUNT_ALREADY_ACTIVE')
  // The activation failures were counted under their own name: the login of the KPJ is not locked.
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: m.kpj, password: PASSWORD }, remoteAddress: ip })
  assert.equal(login.statusCode, 200)
})

test('an active account is said to be active only to someone who proved the identity', async () => {
  const m = await register()
  assert.equal((await activate(m, {}, '10.7.3.1')).statusCode, 201)
  const again = await activate(m, { password: 'another long passphrase' }, '10.7.3.2')
  assert.equal(again.statusCode, 409)
  assert.equal(again.json().error.code, 'ACCOUNT_ALREADY_ACTIVE')
  const guess = await activate(m, { motherMaidenName: 'Bukan Ibunya' }, '10.7.3.3')
  assert.equal(guess.json().error.code, 'ACTIVATION_FAILED')
  // The first password still holds.
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: m.kpj, password: PASSWORD }, remoteAddress: '10.7.3.1' })
  assert.equal(login.statusCode, 200)
  assert.equal((await accountsOf(m.kpj)).length, 1)
})
