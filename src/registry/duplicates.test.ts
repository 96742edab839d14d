// Registering a NIK that is already registered (issue 12, item 7: "A 409 names the KPJ of a member
// outside the caller's scope"). A caller who may see the holder gets its KPJ to link to; any other
// caller learns only that the NIK is taken, the attempt is audited (committed, though the
// registration fails) and counted, and too many such attempts throttle the caller.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey, type PartnerKeyHandle, type RoleSession } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'
import { issueSession, loadAuthSettings } from '../auth/index.ts'

let t: TestApp
let blitar: RoleSession
let malang: RoleSession
let agent: RoleSession
let admin: RoleSession
let partner: PartnerKeyHandle
let now = new Date('2025-06-10T03:00:00Z')
// A Malang village (KC3507), where the Malang officer and agent register.
const MALANG_VILLAGE = '35.07.01.2001'

before(async () => {
  t = await testApp({ now: () => now, env: { JAMSOS_DUPLICATE_PROBE_LIMIT: '3', JAMSOS_DUPLICATE_PROBE_WINDOW_MINUTES: '60' } })
  blitar = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  malang = await as(t, 'branch_officer', { branchCodes: ['KC3507'] })
  agent = await as(t, 'agent', { agentId: 9101 })
  admin = await as(t, 'admin')
  partner = await partnerKey(t, 8101)
})
after(() => t.close())

const register = (body: unknown, s: RoleSession) => t.app.inject({ method: 'POST', url: '/api/v1/participants', payload: body as object, headers: s.headers })
const counts = async () =>
  (await t.db.sql`SELECT (SELECT count(*) FROM participant)::int AS participants, (SELECT count(*) FROM registration_probe)::int AS probes,
                         (SELECT count(*) FROM audit_event WHERE action = 'participant.duplicate_probe')::int AS audited`)[0]!

test('outside its scope a caller learns "already registered", never the KPJ; the probe is audited and counted', async () => {
  const person = registration()
  const first = await register(person, blitar)
  assert.equal(first.statusCode, 201, first.body)
  const kpj = first.json().kpj as string
  const before = await counts()

  // A Malang officer, a Perisai agent and a partner platform each register the Blitar person.
  const elsewhere = { ...person, villageCode: MALANG_VILLAGE, fullName: 'Orang Lain' }
  const answers = [
    await register(elsewhere, malang),
    await register(elsewhere, agent),
    await t.app.inject(partner.sign({ method: 'POST', url: '/api/v1/participants', body: { ...person, channel: 'partner' } })),
  ]
  for (const res of answers) {
    assert.equal(res.statusCode, 409, res.body)
    assert.equal(res.json().error.code, 'DUPLICATE_PARTICIPANT')
    assert.equal(res.json().error.fields[0].path, 'nik')
    assert.equal(res.json().error.details, undefined)
    assert.ok(!res.body.includes(kpj), `the KPJ ${kpj} is not in ${res.body}`)
    assert.ok(!res.body.includes('KC3505'), 'nor the holder\'s branch')
  }
  const after = await counts()
  assert.deepEqual(after, { participants: before.participants, probes: before.probes + 3, audited: before.audited + 3 })

  // Each event names its caller and the masked NIK, not the holder: its caller may read it back.
  const mine = await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=participant.duplicate_probe', headers: malang.headers })
  assert.equal(mine.statusCode, 200, mine.body)
  const [event] = mine.json().items
  assert.equal(mine.json().items.length, 1, 'the Malang officer reads its own probe only')
  assert.deepEqual([event.action, event.entityId, event.branchCode, event.actor.userId], ['participant.duplicate_probe', null, null, malang.user.id])
  assert.equal(event.changes.after.nik, `${person.nik.slice(0, 4)}**********${person.nik.slice(14)}`)
  assert.ok(!mine.body.includes(kpj))
})

test('inside its scope a caller still gets the KPJ to link to, and nothing is counted against it', async () => {
  const person = registration()
  const kpj = (await register(person, blitar)).json().kpj
  const before = await counts()
  for (const s of [blitar, admin]) {
    const res = await register({ ...person, fullName: 'Orang Lain' }, s)
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().error.details.kpj, kpj)
    assert.match(res.json().error.fields[0].message, new RegExp(kpj))
  }
  assert.deepEqual(await counts(), before)
})

test('after 3 probes within the hour (JAMSOS_DUPLICATE_PROBE_LIMIT) a caller\'s registrations wait, whatever the NIK; others are not held up', async () => {
  now = new Date('2025-06-11T03:00:00Z')
  const home = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const prober = await as(t, 'branch_officer', { branchCodes: ['KC3507'] })
  const people = [registration(), registration(), registration()]
  for (const p of people) assert.equal((await register(p, home)).statusCode, 201)
  now = new Date('2025-06-11T03:10:00Z')
  for (const p of people) assert.equal((await register({ ...p, villageCode: MALANG_VILLAGE }, prober)).statusCode, 409)
  const before = await counts()

  // The fourth attempt, even of a NIK nobody holds, is refused before the NIK is looked at.
  const fresh = { ...registration(), villageCode: MALANG_VILLAGE }
  const held = await register(fresh, prober)
  assert.equal(held.statusCode, 429, held.body)
  assert.equal(held.json().error.code, 'REGISTRATION_THROTTLED')
  assert.equal(held.json().error.details.retryAt, '2025-06-11T04:10:00.000Z')
  assert.deepEqual(await counts(), before, 'nothing written, nothing audited twice')
  // Another officer of the same branch is not held up by this one's probes.
  assert.equal((await register(fresh, await as(t, 'branch_officer', { branchCodes: ['KC3507'] }))).statusCode, 201)

  // An hour after the probes, the prober registers again (signed in afresh: tokens last 15 minutes).
  now = new Date('2025-06-11T04:10:01Z')
  const session = await issueSession({ db: t.ctx.systemDb, settings: loadAuthSettings(t.ctx.config, {}), now }, prober.user, 'bearer', null)
  const retried = await t.app.inject({ method: 'POST', url: '/api/v1/participants', payload: { ...registration(), villageCode: MALANG_VILLAGE }, headers: { authorization: `Bearer ${session.token}` } })
  assert.equal(retried.statusCode, 201, retried.body)
})
