// GET /api/v1/admin/jobs: administrators see every queue counted by state and the dead letters;
// nobody else gets in.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as } from '../../test/auth.ts'
import { sendJob } from './jobs.ts'
import type { JobsOverview } from './views.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(async () => t.close())

test('an administrator sees the outbox queue with its waiting job and its dead letter', async () => {
  await sendJob(t.ctx.systemDb, 'outbox.deliver', { shardKey: 1, eventId: '00000000-0000-4000-8000-000000000001' })
  const deadId = await sendJob(t.ctx.systemDb, 'outbox.deliver.dead', { shardKey: 1, eventId: '00000000-0000-4000-8000-000000000002' })
  const admin = await as(t, 'admin')
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: admin.headers })
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json() as JobsOverview
  const q = body.queues.find((x) => x.name === 'outbox.deliver')
  assert.deepEqual(q && { ...q, completed: 0 }, {
    name: 'outbox.deliver',
    created: 1,
    retry: 0,
    active: 0,
    completed: 0,
    cancelled: 0,
    failed: 0,
    deadLetters: 1,
    deadLetterQueue: 'outbox.deliver.dead',
    retryLimit: 10,
    retryDelaySeconds: 5,
    retryBackoff: true,
  })
  // Dead-letter queues are shown through their queue, not as queues of their own.
  assert.ok(!body.queues.some((x) => x.name.endsWith('.dead')))
  assert.deepEqual(
    body.deadLetters.map((d) => [d.id, d.queue, d.payload]),
    [[deadId, 'outbox.deliver', { shardKey: 1, eventId: '00000000-0000-4000-8000-000000000002' }]],
  )
})

test('only administrators may look', async () => {
  for (const role of ['management', 'branch_officer', 'agent'] as const) {
    const s = await as(t, role, role === 'branch_officer' ? { branchCodes: ['KC3505'] } : role === 'agent' ? { agentId: 9101 } : {})
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/admin/jobs', headers: s.headers })
    assert.equal(res.statusCode, 403, role)
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/admin/jobs' })).statusCode, 401)
})
