import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { withActor, type Actor } from '../platform/actor.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { actorFromUser } from '../auth/index.ts'
import { recordAudit } from './index.ts'
import { chainedAndVerified } from '../../test/audit.ts'

let t: TestApp
const s: Record<string, RoleSession> = {}

const actorOf = async (r: RoleSession): Promise<Actor> => {
  const [u] = await t.ctx.systemDb`SELECT * FROM app_user WHERE id = ${r.user.id}`
  return actorFromUser(u as never, '10.9.9.9')
}

before(async () => {
  t = await testApp()
  s.admin = await as(t, 'admin')
  s.management = await as(t, 'management')
  s.officerA = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  s.officerB = await as(t, 'branch_officer', { branchCodes: ['KC3573'] })
  s.agent = await as(t, 'agent', { agentId: 501 })
  s.otherAgent = await as(t, 'agent', { agentId: 502 })
  // Each records a change in its branch; the agent registers someone in KC3505.
  for (const [who, branch, kpj] of [
    ['officerA', 'KC3505', '10000000011'],
    ['officerB', 'KC3573', '10000000029'],
    ['agent', 'KC3505', '10000000037'],
  ] as const) {
    const a = await actorOf(s[who]!)
    await withActor(t.ctx.db, a, (tx) =>
      recordAudit(tx, a, { action: 'participant.update', entityType: 'participant', entityId: kpj, branchCode: branch, after: { phone: '0812' } }),
    )
  }
})
after(async () => t.close())

const list = async (who: string, qs = '') => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?action=participant.update${qs}`, headers: s[who]!.headers })
  assert.equal(res.statusCode, 200, res.body)
  return res.json() as { items: { entityId: string; actor: { name: string; ip: string }; changes: unknown }[]; nextCursor: string | null }
}

test('administrators and management read the whole trail', async () => {
  for (const who of ['admin', 'management']) {
    assert.deepEqual((await list(who)).items.map((e) => e.entityId), ['10000000037', '10000000029', '10000000011'])
  }
})

test('a branch officer reads the events of its branches, whoever acted', async () => {
  assert.deepEqual((await list('officerA')).items.map((e) => e.entityId), ['10000000037', '10000000011'])
  assert.deepEqual((await list('officerB')).items.map((e) => e.entityId), ['10000000029'])
})

test('everyone else reads only their own actions', async () => {
  const mine = await list('agent')
  assert.deepEqual(mine.items.map((e) => e.entityId), ['10000000037'])
  assert.equal(mine.items[0]!.actor.ip, '10.9.9.9')
  assert.deepEqual(mine.items[0]!.changes, { after: { phone: '0812' } })
  assert.deepEqual((await list('otherAgent')).items, [])
})

test('filters narrow the trail and pages follow the cursor', async () => {
  assert.deepEqual((await list('admin', '&entityType=participant&entityId=10000000029')).items.map((e) => e.entityId), ['10000000029'])
  assert.deepEqual((await list('admin', `&actorId=${s.officerA!.user.id}`)).items.map((e) => e.entityId), ['10000000011'])
  const page1 = await list('admin', '&limit=2')
  assert.equal(page1.items.length, 2)
  const page2 = await list('admin', `&limit=2&cursor=${page1.nextCursor}`)
  assert.deepEqual(page2.items.map((e) => e.entityId), ['10000000011'])
  assert.equal(page2.nextCursor, null)
  const future = new Date(Date.now() + 3_600_000).toISOString()
  assert.deepEqual((await list('admin', `&from=${future}`)).items, [])
  const bad = await t.app.inject({ method: 'GET', url: `/api/v1/audit?from=${future}&to=2020-01-01T00:00:00Z`, headers: s.admin!.headers })
  assert.equal(bad.json().error.code, 'AUDIT_RANGE_INVALID')
})

test('without credentials there is no trail to read', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit' })
  assert.equal(res.statusCode, 401)
  assert.equal(res.json().error.code, 'AUTH_REQUIRED')
})

test('an actorId past the largest safe integer is refused naming the field', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit?actorId=100000000000000000000', headers: s.admin!.headers })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().error.fields[0].path, 'actorId')
})

test("an event shows its chain link once the builder has reached it, and a caller reads only the links of events it may read", async () => {
  const hashes = async (who: string) =>
    ((await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=participant.update', headers: s[who]!.headers })).json() as { items: { entityId: string; hash: string | null }[] }).items
  assert.deepEqual((await hashes('admin')).map((e) => e.hash), [null, null, null])
  assert.equal((await chainedAndVerified(t.ctx.systemDb)).ok, true)
  const all = await hashes('admin')
  assert.ok(all.every((e) => /^[0-9a-f]{64}$/.test(e.hash ?? '')), JSON.stringify(all))
  const mine = await hashes('agent')
  assert.deepEqual(mine, [all.find((e) => e.entityId === '10000000037')])
  // Straight from the table, as the agent: the links of other events are not there.
  const agent = await actorOf(s.agent!)
  const seen = await withActor(t.ctx.db, agent, (tx) => tx<{ event_id: number }[]>`SELECT event_id FROM audit_link ORDER BY event_id`)
  const readable = await withActor(t.ctx.db, agent, (tx) => tx<{ id: number }[]>`SELECT id FROM audit_event ORDER BY id`)
  assert.deepEqual(seen.map((l) => l.event_id), readable.map((e) => e.id))
  const [{ n }] = (await t.ctx.systemDb`SELECT count(*)::int AS n FROM audit_link`) as unknown as [{ n: number }]
  assert.ok(seen.length < n, `the agent reads ${seen.length} of ${n} links`)
  assert.ok(seen.length >= 1)
})
