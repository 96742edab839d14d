// Idempotency-Key in the business transaction (issue 13 §2): the key, the work and the answer
// commit together; a transaction killed between the claim and the commit leaves nothing behind;
// concurrent duplicates do the work once; command ids outlive ordinary keys.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { eventually } from '../../test/eventually.ts'
import { registration } from '../../test/fixtures.ts'
import { declaredRoutes } from '../auth/index.ts'
import type { Tx } from './db.ts'
import { claimKey, idempotentRoutes, isCommandId, keyExpiry } from './idempotency.ts'

let t: TestApp
let officer: RoleSession
// The app's clock; tests that move it sign in again (bearer tokens last 15 minutes of it).
let now = new Date('2025-06-09T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => now })
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
})
after(() => t.close())

const register = (key: string, body: object, s = officer) =>
  t.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { ...s.headers, 'idempotency-key': key }, payload: body })
const count = async (sql: string, ...params: unknown[]) => Number((await t.db.sql.unsafe(sql, params as never[]))[0]!.n)
const participantsNamed = (name: string) => count('SELECT count(*) AS n FROM participant WHERE full_name = $1', name)
const keyRows = (key: string) => count('SELECT count(*) AS n FROM idempotency_key WHERE key = $1', key)
/** Backends of the app's pool waiting on a lock, with what they run. */
const waiting = () =>
  t.db.sql<{ pid: number; query: string }[]>`
    SELECT pid, query FROM pg_stat_activity
     WHERE datname = current_database() AND usename = 'jamsos_app' AND wait_event_type = 'Lock'`

/** Runs fn while a transaction of the owner holds participant against inserts (reads go on). */
async function holdingRegistrations<T>(fn: (release: () => void) => Promise<T>): Promise<T> {
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  let locked!: () => void
  const isLocked = new Promise<void>((r) => (locked = r))
  const holder = t.db.sql.begin(async (tx) => {
    await tx`LOCK TABLE participant IN EXCLUSIVE MODE`
    locked()
    await released
  })
  await isLocked
  try {
    return await fn(release)
  } finally {
    release()
    await holder
  }
}

test('every state-changing route that is not public runs in its Idempotency-Key transaction', () => {
  const covered = new Set(idempotentRoutes(t.app).map((r) => `${r.method} ${r.url}`))
  const writes = declaredRoutes(t.app).filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
  const expected = writes.filter((r) => !r.access.public).map((r) => `${r.method} ${r.url}`)
  assert.ok(expected.length >= 15, `only ${expected.length} state-changing routes found`)
  assert.deepEqual(expected.filter((r) => !covered.has(r)), [], 'state-changing routes outside the Idempotency-Key transaction')
  // The public ones (sign-in) never keep an answer: it would be a credential.
  assert.deepEqual(writes.filter((r) => r.access.public && covered.has(`${r.method} ${r.url}`)), [])
})

test('a transaction killed between the claim and the commit leaves no key, and the retry registers once', async () => {
  const body = registration({ fullName: 'Sri Lestari Terputus' })
  const first = await holdingRegistrations(async () => {
    const pending = register('crash-1', body)
    // The request has claimed its key and its NIK, and waits to insert the participant.
    const [blocked] = await eventually('the registration to wait on the lock', async () => {
      const w = (await waiting()).filter((r) => /INSERT INTO participant/i.test(r.query))
      return w.length ? w : undefined
    })
    // As if its database session crashed there.
    await t.db.sql`SELECT pg_terminate_backend(${blocked!.pid})`
    return pending
  })
  assert.equal(first.statusCode, 503, first.body)
  assert.equal(first.json().error.code, 'DATABASE_UNAVAILABLE')
  // Nothing of it: no key "in progress", no NIK claimed, no participant, no audit event.
  assert.equal(await keyRows('crash-1'), 0)
  assert.equal(await participantsNamed('Sri Lestari Terputus'), 0)
  assert.equal(await count(`SELECT count(*) AS n FROM nik_index WHERE participant_id NOT IN (SELECT id FROM participant)`), 0)

  const retry = await register('crash-1', body)
  assert.equal(retry.statusCode, 201, retry.body)
  assert.equal(retry.headers['idempotent-replayed'], undefined)
  const again = await register('crash-1', body)
  assert.deepEqual([again.statusCode, again.headers['idempotent-replayed']], [201, 'true'])
  assert.deepEqual(again.json(), retry.json())
  assert.equal(await participantsNamed('Sri Lestari Terputus'), 1)
  assert.equal(await count(`SELECT count(*) AS n FROM audit_event WHERE action = 'participant.register' AND entity_id = $1`, retry.json().kpj), 1)
  // The pool serves on after losing a connection under a request.
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/participants/${retry.json().kpj}`, headers: officer.headers })).statusCode, 200)
})

test('concurrent duplicates of a registration: one registers, the other waits for it and replays its answer', async () => {
  const body = registration({ fullName: 'Bambang Kembar Serentak' })
  const results = await holdingRegistrations(async (release) => {
    const a = register('twin-1', body)
    // The first waits to insert the participant (key claimed); the second waits on the key.
    await eventually('one request at the table lock', async () => (await waiting()).some((r) => /INSERT INTO participant/i.test(r.query)))
    const b = register('twin-1', body)
    await eventually('the duplicate to wait on the key', async () => (await waiting()).some((r) => /INSERT INTO idempotency_key/i.test(r.query)))
    release()
    return Promise.all([a, b])
  })
  const [a, b] = results as [LightMyRequestResponse, LightMyRequestResponse]
  assert.deepEqual([a.statusCode, b.statusCode], [201, 201], `${a.body} ${b.body}`)
  assert.deepEqual([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']], [undefined, 'true'])
  assert.deepEqual(b.json(), a.json())
  assert.equal(await participantsNamed('Bambang Kembar Serentak'), 1)
  const [row] = await t.db.sql`SELECT status FROM idempotency_key WHERE key = 'twin-1'`
  assert.equal(row!.status, 201)
})

test('concurrent duplicates of a bill: one bill, the same answer twice', async () => {
  const created = await register('bill-member-1', registration({ fullName: 'Dewi Tagihan Ganda' }))
  assert.equal(created.statusCode, 201, created.body)
  const kpj = created.json().kpj as string
  const bill = () => t.app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/bills`, headers: { ...officer.headers, 'idempotency-key': 'bill-twin-1' }, payload: { months: 3 } })
  const [a, b, c] = await Promise.all([bill(), bill(), bill()])
  const answers = [a!, b!, c!]
  assert.deepEqual(answers.map((r) => r.statusCode), [201, 201, 201], answers.map((r) => r.body).join(' '))
  assert.equal(answers.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 2)
  for (const r of answers) assert.deepEqual(r.json(), a!.json())
  assert.equal(await count('SELECT count(*) AS n FROM bill WHERE participant_id = (SELECT id FROM participant WHERE kpj = $1)', kpj), 1)
  assert.deepEqual(a!.json().periods.length, 3)
})

test('a refusal that commits what it recorded (a probe of a NIK outside the caller’s scope) keeps its record and its key together', async () => {
  const body = registration({ fullName: 'Agus Di Luar Jangkauan' })
  assert.equal((await register('scope-home-1', body)).statusCode, 201)
  const other = await as(t, 'branch_officer', { branchCodes: ['KC3572'] })
  const probe = await register('probe-1', body, other)
  assert.equal(probe.statusCode, 409, probe.body)
  assert.equal(probe.json().error.code, 'DUPLICATE_PARTICIPANT')
  const probes = () => count(`SELECT count(*) AS n FROM audit_event WHERE action = 'participant.duplicate_probe' AND actor_user_id = $1`, other.user.id)
  assert.equal(await probes(), 1)
  // The retry replays the refusal: the probe is neither counted nor audited twice.
  const retry = await register('probe-1', body, other)
  assert.deepEqual([retry.statusCode, retry.headers['idempotent-replayed']], [409, 'true'])
  assert.equal(await probes(), 1)
})

test('a command id (a UUID key) is still a no-op weeks later; an ordinary key is forgotten after its day', async () => {
  const commandId = '0190f3a2-7b7c-7cc1-9d2e-5a4b3c2d1e0f' // a UUID v7, as an agent's phone makes one
  const body = registration({ fullName: 'Wulan Sinkron Luring' })
  const first = await register(commandId, body)
  assert.equal(first.statusCode, 201, first.body)
  const rudi = registration({ fullName: 'Rudi Kunci Biasa' })
  const ordinary = await register('ordinary-1', rudi)
  assert.equal(ordinary.statusCode, 201, ordinary.body)
  const [kept] = await t.db.sql<{ expires_at: Date }[]>`SELECT expires_at FROM idempotency_key WHERE key = ${commandId}`
  assert.equal(kept!.expires_at.toISOString(), '2025-09-07T03:00:00.000Z') // 90 days after the claim

  const start = now
  try {
    // The phone was offline for 30 days; its sync sends the command again.
    now = new Date(start.getTime() + 30 * 86_400_000)
    // Another user sending the same command id: another key space, so a new request (refused:
    // the NIK is registered).
    const colleague = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
    const theirs = await t.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { ...colleague.headers, 'idempotency-key': commandId }, payload: body })
    assert.equal(theirs.json().error.code, 'DUPLICATE_PARTICIPANT')
    // The same caller (the officer's user, signed in again) gets the first answer.
    const session = await reSignIn(officer)
    const replay = await t.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { ...session, 'idempotency-key': commandId }, payload: body })
    assert.deepEqual([replay.statusCode, replay.headers['idempotent-replayed']], [201, 'true'])
    assert.deepEqual(replay.json(), first.json())
    assert.equal(await participantsNamed('Wulan Sinkron Luring'), 1)
    // The ordinary key expired after 24 hours: the same request is a new one (here refused, the NIK being registered).
    const late = await t.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { ...session, 'idempotency-key': 'ordinary-1' }, payload: rudi })
    assert.equal(late.headers['idempotent-replayed'], undefined)
    assert.equal(late.json().error.code, 'DUPLICATE_PARTICIPANT')
  } finally {
    now = start
  }
})

/** A new bearer token for the user of a session, at the app's current clock. */
async function reSignIn(s: RoleSession): Promise<{ authorization: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: s.user.username, password: s.password } })
  assert.equal(res.statusCode, 200, res.body)
  return { authorization: `Bearer ${res.json().accessToken}` }
}

test('a duplicate that waits longer than allowed for the first is told the key is in progress', async () => {
  const claim = (tx: Tx, waitMs: number) =>
    claimKey(tx, { scope: 'user:424242', key: 'slow-first', requestHash: 'h', now, expiresAt: new Date(now.getTime() + 3_600_000) }, waitMs)
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  let claimed!: (v: boolean) => void
  const firstClaimed = new Promise<boolean>((r) => (claimed = r))
  const first = t.db.sql.begin(async (tx) => {
    claimed(await claim(tx, 1000))
    await released
    throw new Error('the first request fails: its key goes with it')
  })
  assert.equal(await firstClaimed, true)
  await assert.rejects(t.db.sql.begin((tx) => claim(tx, 200)), { code: 'IDEMPOTENCY_IN_PROGRESS' })
  release()
  await assert.rejects(first, /the first request fails/)
  // Rolled back: the key is free for the retry.
  assert.equal(await t.db.sql.begin((tx) => claim(tx, 200)), true)
})

test('UUID keys are command ids and are kept for the command retention; other keys for the ordinary time', () => {
  assert.equal(isCommandId('0190f3a2-7b7c-7cc1-9d2e-5a4b3c2d1e0f'), true)
  assert.equal(isCommandId('5f0c7a7e-3b1d-4c8e-9f2a-1b2c3d4e5f60'), true)
  assert.equal(isCommandId('retry-2025-06-09-1'), false)
  assert.equal(isCommandId('0190f3a2-7b7c-0cc1-9d2e-5a4b3c2d1e0f'), false) // version 0 is no UUID
  const at = new Date('2025-06-09T03:00:00Z')
  assert.equal(keyExpiry('0190f3a2-7b7c-7cc1-9d2e-5a4b3c2d1e0f', at, { ttlHours: 24, commandIdRetentionDays: 90 }).toISOString(), '2025-09-07T03:00:00.000Z')
  assert.equal(keyExpiry('k-1', at, { ttlHours: 24, commandIdRetentionDays: 90 }).toISOString(), '2025-06-10T03:00:00.000Z')
})

test('a caller cannot read or take another caller’s stored answers', async () => {
  const other = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const mine = await register('private-1', registration({ fullName: 'Joko Jawaban Pribadi' }))
  assert.equal(mine.statusCode, 201)
  // Row-level security (migration 0015): the application role sees only the caller's key space.
  const seen = await t.ctx.db.begin(async (tx) => {
    await tx`SELECT set_config('jamsos.actor_kind', 'user', true), set_config('jamsos.user_id', ${String(other.user.id)}, true)`
    return tx`SELECT key FROM idempotency_key`
  })
  assert.deepEqual(seen.map((r) => r.key), [])
  const own = await t.ctx.db.begin(async (tx) => {
    await tx`SELECT set_config('jamsos.actor_kind', 'user', true), set_config('jamsos.user_id', ${String(officer.user.id)}, true)`
    return tx`SELECT key FROM idempotency_key WHERE key = 'private-1'`
  })
  assert.deepEqual(own.map((r) => r.key), ['private-1'])
})
