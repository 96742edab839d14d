// Revealing a NIK (UU 27/2022: personal data, every reveal audited) is a POST under the CSRF check,
// never a GET: a link or an image on another site makes a signed-in browser send a GET with its
// cookies, and used to reveal the NIK and write the audit event in its owner's name (issue 12 §7).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, seedParticipant, type RoleSession } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'

let t: TestApp
let revealer: RoleSession
let browser: { cookie: string; csrf: string }
let kpj: string
let nik: string

before(async () => {
  t = await testApp()
  revealer = await as(t, 'branch_officer', { branchCodes: ['KC3505'], permissions: ['nik:reveal'] })
  const body = registration()
  const created = await t.app.inject({ method: 'POST', url: '/api/v1/participants', payload: body, headers: revealer.headers })
  assert.equal(created.statusCode, 201, created.body)
  kpj = created.json().kpj
  nik = body.nik
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: revealer.user.username, password: revealer.password } })
  browser = { cookie: login.cookies.map((c) => `${c.name}=${c.value}`).join('; '), csrf: login.json().csrfToken }
})
after(async () => t.close())

const reveals = async () =>
  ((await t.ctx.systemDb`SELECT count(*)::int AS n FROM audit_event WHERE action = 'participant.nik_reveal'`)[0] as { n: number }).n

test('a link on another site cannot reveal a NIK: the GET reveals nothing and records nothing', async () => {
  const before = await reveals()
  const link = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${kpj}?reveal=nik`, headers: { cookie: browser.cookie } })
  assert.equal(link.statusCode, 400)
  assert.equal(link.json().error.fields[0].path, 'reveal')
  assert.ok(!link.body.includes(nik))
  // A form posted by another site carries the cookie but cannot know the CSRF token.
  const forged = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/reveal-nik`, headers: { cookie: browser.cookie } })
  assert.equal(forged.statusCode, 403)
  assert.equal(forged.json().error.code, 'CSRF_INVALID')
  assert.ok(!forged.body.includes(nik))
  assert.equal(await reveals(), before)
})

test('our own page reveals it with the CSRF token, an API client with its bearer token; each reveal is audited', async () => {
  const before = await reveals()
  const page = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/reveal-nik`, headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf } })
  assert.equal(page.statusCode, 200, page.body)
  assert.deepEqual([page.json().nik, page.json().nikRevealed], [nik, true])
  const api = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/reveal-nik`, headers: revealer.headers })
  assert.equal(api.json().nik, nik)
  assert.equal(await reveals(), before + 2)
  const [ev] = await t.ctx.systemDb`SELECT actor_user_id, entity_id FROM audit_event WHERE action = 'participant.nik_reveal' ORDER BY id DESC LIMIT 1`
  assert.deepEqual({ ...ev }, { actor_user_id: revealer.user.id, entity_id: kpj })
})

test('the NIK never rests in idempotency_key, and outside the caller’s scope nothing is revealed or recorded', async () => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/reveal-nik`, headers: { ...revealer.headers, 'idempotency-key': 'reveal-1' } })
  assert.equal(res.json().nik, nik)
  const [row] = await t.ctx.systemDb`SELECT status, response FROM idempotency_key WHERE key = 'reveal-1'`
  assert.deepEqual({ ...row }, { status: 200, response: null })

  const elsewhere = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3573', villageCode: '35.73.01.1001' })
  const before = await reveals()
  const out = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${elsewhere.kpj}/reveal-nik`, headers: revealer.headers })
  assert.equal(out.statusCode, 404)
  assert.equal(await reveals(), before)
})
