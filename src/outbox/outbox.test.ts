// The transactional outbox on the real database and queue: an event exists exactly when the
// change it reports commits, survives the runner's absence, and reaches each sink at least once
// under its one stable id.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { eventually } from '../../test/eventually.ts'
import { createLogger } from '../platform/log.ts'
import { SYSTEM_ACTOR, withActor } from '../platform/actor.ts'
import { ensureQueues, jobType, jobsOverview, retryJob, startJobRunner, type JobRunner } from '../jobs/index.ts'
import { outboxAttempts, outboxDelivery, publishEvent, publishEvents, type OutboxEvent, type OutboxSink } from './index.ts'

let t: TestApp
const log = createLogger('silent')
const runners: JobRunner[] = []

before(async () => {
  t = await testApp()
})
after(async () => {
  for (const r of runners) await r.stop()
  await t.close()
})

/** A sink that keeps what it receives and fails as told. */
function recorder(name: string, fail: (event: OutboxEvent, call: number) => boolean = () => false): OutboxSink & { received: OutboxEvent[] } {
  const received: OutboxEvent[] = []
  return {
    name,
    received,
    async deliver(event) {
      received.push(event)
      if (fail(event, received.length)) throw new Error(`${name} call ${received.length} failed`)
    },
  }
}

/**
 * Starts a runner delivering to these sinks. The delivery queue is then set to retry at once, two
 * times (the real one waits 5 s, 10 s, … ten times), so the tests wait for polling only.
 */
async function deliverTo(...sinks: OutboxSink[]): Promise<JobRunner> {
  const r = await startJobRunner({ url: t.db.url, handlers: [outboxDelivery(t.ctx.systemDb, sinks)], log, pollingIntervalSeconds: 0.5 })
  runners.push(r)
  await ensureQueues(t.ctx.systemDb, [jobType('outbox.deliver', { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false })])
  return r
}

const attempts = async (e: { id: string; shardKey: number }) =>
  (await outboxAttempts(t.ctx.systemDb, e.shardKey, e.id)).map((a) => `${a.sink}#${a.attempt} ${a.outcome}${a.error ? `: ${a.error}` : ''}`)
const eventRows = async (id: string) => (await t.ctx.systemDb`SELECT 1 FROM outbox_event WHERE id = ${id}`).length
const deliveryJobs = async (id: string) =>
  (await t.ctx.systemDb<{ state: string }[]>`SELECT state::text FROM pgboss.job WHERE name = 'outbox.deliver' AND data->>'eventId' = ${id}`).map((r) => r.state)

const paymentApplied = (paymentId: number, participantId = 41) => ({
  type: 'payment.applied',
  aggregate: { type: 'payment', id: paymentId },
  shardKey: participantId,
  payload: { paymentId, participantId, amount: 16_800 },
})

test('an event written in a transaction that rolls back leaves neither the event nor its delivery job', async () => {
  let published: { id: string } | undefined
  await assert.rejects(
    t.ctx.systemDb.begin(async (tx) => {
      published = await publishEvent(tx, paymentApplied(1))
      throw new Error('the payment fails after the event was written')
    }),
    /the payment fails/,
  )
  assert.ok(published)
  assert.equal(await eventRows(published.id), 0)
  assert.deepEqual(await deliveryJobs(published.id), [])
})

test('a committed event waits while no runner runs, and the next runner delivers it', async () => {
  const sink = recorder('partner')
  // A runner comes and goes before the change: nothing is delivered while none runs.
  await (await deliverTo(sink)).stop()
  const e = await t.ctx.systemDb.begin((tx) => publishEvent(tx, paymentApplied(2)))
  assert.equal(await eventRows(e.id), 1)
  assert.deepEqual(await deliveryJobs(e.id), ['created'])
  assert.deepEqual(await attempts(e), [])

  const r = await deliverTo(sink)
  await eventually('the event to be delivered', async () => (await attempts(e)).length > 0)
  await r.stop()
  assert.deepEqual(await attempts(e), ['partner#1 delivered'])
  assert.equal(sink.received.length, 1)
  assert.deepEqual(sink.received[0], {
    id: e.id,
    type: 'payment.applied',
    aggregate: { type: 'payment', id: '2' },
    shardKey: 41,
    payload: { paymentId: 2, participantId: 41, amount: 16_800 },
    createdAt: sink.received[0]!.createdAt,
  })
  assert.deepEqual(await deliveryJobs(e.id), ['completed'])
})

test('delivery is at least once: a lost acknowledgement redelivers the same event id, and a sink that has it is not sent it again', async () => {
  // The partner receives the first delivery, but its answer is lost (the call fails after receipt).
  const partner = recorder('partner', (_e, call) => call === 1)
  const archive = recorder('archive')
  const r = await deliverTo(archive, partner)
  const e = await publishEvent(t.ctx.systemDb, paymentApplied(3))
  await eventually('the redelivery', async () => (await attempts(e)).includes('partner#2 delivered'))
  await r.stop()
  assert.deepEqual(partner.received.map((x) => x.id), [e.id, e.id])
  assert.deepEqual(archive.received.map((x) => x.id), [e.id])
  // Every attempt is a row of its own; the failure is kept, not overwritten.
  assert.deepEqual(await attempts(e), ['archive#1 delivered', 'partner#1 failed: partner call 1 failed', 'partner#2 delivered'])
})

test('a sink that keeps failing gets the event dead-lettered; retrying the dead letter delivers it', async () => {
  let down = true
  const partner = recorder('partner', () => down)
  const r = await deliverTo(partner)
  const e = await publishEvent(t.ctx.systemDb, paymentApplied(4))
  const dead = await eventually('the dead letter', async () => (await jobsOverview(t.ctx.systemDb)).deadLetters.find((d) => d.payload.eventId === e.id))
  assert.equal(dead.queue, 'outbox.deliver')
  assert.deepEqual(await attempts(e), [
    'partner#1 failed: partner call 1 failed',
    'partner#2 failed: partner call 2 failed',
    'partner#3 dead: partner call 3 failed',
  ])
  down = false
  await retryJob(t.ctx.systemDb, dead.id)
  await eventually('delivery after the retry', async () => (await attempts(e)).includes('partner#4 delivered'))
  await r.stop()
  assert.deepEqual(new Set(partner.received.map((x) => x.id)), new Set([e.id]))
})

test('a request (jamsos_app) writes an event in its own transaction but can read neither the outbox nor the queue', async () => {
  const actor = { ...SYSTEM_ACTOR, kind: 'user' as const, userId: 1, name: 'admin', role: 'admin' as const }
  const e = await withActor(t.ctx.db, actor, (tx) => publishEvent(tx, paymentApplied(5)))
  assert.equal(await eventRows(e.id), 1)
  assert.deepEqual(await deliveryJobs(e.id), ['created'])
  for (const read of [
    () => t.ctx.db`SELECT payload FROM outbox_event`,
    () => t.ctx.db`SELECT * FROM outbox_attempt`,
    () => t.ctx.db`SELECT data FROM pgboss.job`,
    () => t.ctx.db`SELECT * FROM pgboss.archive`,
    () => t.ctx.db`UPDATE pgboss.job SET state = 'completed'`,
    () => t.ctx.db`DELETE FROM outbox_event`,
  ]) {
    await assert.rejects(read(), { code: '42501' })
  }
})

test('a malformed event is a programming error and writes nothing', async () => {
  await assert.rejects(publishEvent(t.ctx.systemDb, { ...paymentApplied(6), type: 'PaymentApplied' }), /not noun\.verb words/)
  await assert.rejects(publishEvent(t.ctx.systemDb, { ...paymentApplied(6), aggregate: { type: 'payment', id: '' } }), /1 to 100 characters/)
})

test('events published together go out in order under one job; a redelivery skips what each sink has', async () => {
  // The partner fails the second event once: the job is retried and sends it that event only.
  let eights = 0
  const partner = recorder('partner', (e) => e.payload.paymentId === 8 && ++eights === 1)
  const r = await deliverTo(partner)
  const published = await t.ctx.systemDb.begin((tx) => publishEvents(tx, [paymentApplied(7), paymentApplied(8), paymentApplied(9)]))
  const jobs = await t.ctx.systemDb<{ data: unknown }[]>`SELECT data FROM pgboss.job WHERE name = 'outbox.deliver' AND data ? 'events' AND data->'events'->0->>'eventId' = ${published[0]!.id}`
  assert.deepEqual(jobs.map((j) => j.data), [{ events: published.map((e) => ({ shardKey: 41, eventId: e.id })) }])
  await eventually('the redelivery', async () => (await attempts(published[1]!)).includes('partner#2 delivered'))
  await r.stop()
  // (An event of an earlier test may arrive first: only these three are looked at.)
  assert.deepEqual(partner.received.map((e) => e.payload.paymentId).filter((id) => [7, 8, 9].includes(id as number)), [7, 8, 9, 8])
  assert.deepEqual(await attempts(published[0]!), ['partner#1 delivered'])
  assert.equal((await attempts(published[1]!)).length, 2)
  assert.match((await attempts(published[1]!))[0]!, /^partner#1 failed: partner call \d+ failed$/)
  assert.deepEqual(await attempts(published[2]!), ['partner#1 delivered'])
})
