// The job runner on the real queue: retries, dead letters, and jobs that exist exactly when the
// transaction that enqueued them commits.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { eventually } from '../../test/eventually.ts'
import { createLogger } from '../platform/log.ts'
import { JOB_SCHEMA_VERSION } from './jobs.ts'
import { enqueue, ensureQueues, handler, jobType, jobsOverview, retryJob, startJobRunner, type JobRun, type JobRunner } from './index.ts'
import { JOB_TYPES, jobHandlers } from '../app.ts'
import { loadConfig } from '../platform/config.ts'

let db: TestDatabase
const runners: JobRunner[] = []
const log = createLogger('silent')

// Retries at once (no delay, no backoff), so the tests wait for polling only.
const fast = { retryDelaySeconds: 0, retryBackoff: false } as const
const flaky = jobType<{ failTimes: number }>('test.flaky', { ...fast, retryLimit: 3 })
const broken = jobType<{ n: number }>('test.broken', { ...fast, retryLimit: 1 })
const plain = jobType<{ n: number }>('test.plain', fast)

before(async () => {
  db = await testDatabase()
  await ensureQueues(db.sql, [flaky, broken, plain])
})
after(async () => {
  for (const r of runners) await r.stop()
  await db.close()
})

async function run(...handlers: Parameters<typeof startJobRunner>[0]['handlers']): Promise<JobRunner> {
  const r = await startJobRunner({ url: db.url, handlers, log, pollingIntervalSeconds: 0.5 })
  runners.push(r)
  return r
}

const jobState = async (id: string) =>
  (await db.sql<{ state: string; retry_count: number }[]>`SELECT state::text, retry_count FROM pgboss.job WHERE id = ${id}`)[0]

test('the installed pg-boss expects the queue schema version migration 0013 installs', async () => {
  // An upgraded pg-boss needs a migration with its PgBoss.getMigrationPlans('pgboss', 24).
  const { schema } = createRequire(import.meta.url)('pg-boss/version.json') as { schema: number }
  assert.equal(schema, JOB_SCHEMA_VERSION)
  const [v] = await db.sql<{ version: number }[]>`SELECT version FROM pgboss.version`
  assert.equal(v!.version, JOB_SCHEMA_VERSION)
})

test('a job that fails twice is retried and succeeds on its third run', async () => {
  const runs: JobRun[] = []
  const r = await run(
    handler(flaky, async (payload, job) => {
      runs.push(job)
      if (job.attempt <= payload.failTimes) throw new Error(`failure ${job.attempt}`)
    }),
  )
  const id = await enqueue(db.sql, flaky, { failTimes: 2 })
  await eventually('the flaky job to complete', async () => (await jobState(id))?.state === 'completed')
  await r.stop()
  assert.deepEqual(
    runs.map((j) => [j.attempt, j.lastAttempt]),
    [
      [1, false],
      [2, false],
      [3, false],
    ],
  )
  assert.ok(runs.every((j) => j.id === id && j.retryLimit === 3))
})

test('a job that fails every run goes to the dead letters, and retrying the dead letter runs it again', async () => {
  let fixed = false
  const seen: { n: number; attempt: number; last: boolean }[] = []
  const r = await run(
    handler(broken, async ({ n }, job) => {
      seen.push({ n, attempt: job.attempt, last: job.lastAttempt })
      if (!fixed) throw new Error('the receiver is down')
    }),
  )
  const id = await enqueue(db.sql, broken, { n: 7 })
  const dead = await eventually('a dead letter', async () => (await jobsOverview(db.sql)).deadLetters.find((d) => d.queue === 'test.broken'))
  assert.deepEqual(seen, [
    { n: 7, attempt: 1, last: false },
    { n: 7, attempt: 2, last: true },
  ])
  assert.equal((await jobState(id))?.state, 'failed')
  assert.deepEqual(dead.payload, { n: 7 })
  assert.equal(dead.error, 'the receiver is down')
  const q = (await jobsOverview(db.sql)).queues.find((x) => x.name === 'test.broken')!
  assert.deepEqual([q.failed, q.deadLetters, q.deadLetterQueue, q.retryLimit], [1, 1, 'test.broken.dead', 1])

  // The failed job itself is not the one to retry while its dead letter waits.
  await assert.rejects(retryJob(db.sql, id), { code: 'JOB_NOT_RETRYABLE' })
  fixed = true
  const again = await retryJob(db.sql, dead.id)
  assert.equal(again.queue, 'test.broken')
  await eventually('the retried job to complete', async () => (await jobState(again.jobId))?.state === 'completed')
  await r.stop()
  assert.deepEqual(seen.at(-1), { n: 7, attempt: 1, last: false })
  assert.equal((await jobsOverview(db.sql)).queues.find((x) => x.name === 'test.broken')!.deadLetters, 0)
  await assert.rejects(retryJob(db.sql, dead.id), { code: 'JOB_NOT_FOUND' })
})

test('stopping the runner lets a running job finish (graceful stop, as on SIGINT)', async () => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let started = false
  const r = await run(
    handler(plain, async () => {
      started = true
      await gate
    }),
  )
  const id = await enqueue(db.sql, plain, { n: 3 })
  await eventually('the job to start', async () => started)
  const stopping = r.stop()
  assert.equal((await jobState(id))?.state, 'active')
  release()
  await stopping
  assert.equal((await jobState(id))?.state, 'completed')
})

test('a job enqueued in a transaction that rolls back does not exist; one that commits does', async () => {
  const count = async () => (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.plain'`)[0]!.n
  const before = await count()
  let rolledBack: string | undefined
  await assert.rejects(
    db.sql.begin(async (tx) => {
      rolledBack = await enqueue(tx, plain, { n: 1 })
      throw new Error('the change fails after enqueuing')
    }),
    /the change fails/,
  )
  assert.ok(rolledBack)
  assert.equal(await jobState(rolledBack), undefined)
  assert.equal(await count(), before)
  const kept = await db.sql.begin((tx) => enqueue(tx, plain, { n: 2 }))
  assert.equal((await jobState(kept))?.state, 'created')
  assert.equal(await count(), before + 1)
})

test('a job can be put off (a reminder): it waits until its start time', async () => {
  const id = await enqueue(db.sql, plain, { n: 4 }, { startAfterSeconds: 3600 })
  const [row] = await db.sql<{ wait: number }[]>`SELECT extract(epoch FROM start_after - created_on)::int AS wait FROM pgboss.job WHERE id = ${id}`
  assert.ok(row!.wait >= 3599 && row!.wait <= 3601, String(row!.wait))
})

test('enqueuing a job type whose queue was never made fails loudly instead of dropping the job', async () => {
  await assert.rejects(enqueue(db.sql, jobType<{ n: number }>('test.unknown'), { n: 1 }), /job queue "test\.unknown" does not exist/)
})

test('every job type the server handles has its queue made with the reference data', () => {
  const names = jobHandlers({ systemDb: db.sql, db: db.sql, config: loadConfig({}), now: () => new Date(), services: {} }, log).map((h) => h.type.name)
  assert.deepEqual(names.filter((n) => !JOB_TYPES.some((t) => t.name === n)), [])
})

test('a job type with a cron is scheduled in Jakarta time, and unscheduled when it no longer has one', async () => {
  const nightly = jobType<object>('test.nightly', { cron: '0 1 * * *' })
  await (await run(handler(nightly, async () => {}))).stop()
  const schedules = async () => [...(await db.sql`SELECT name, cron, timezone FROM pgboss.schedule WHERE name = 'test.nightly'`)]
  assert.deepEqual(await schedules(), [{ name: 'test.nightly', cron: '0 1 * * *', timezone: 'Asia/Jakarta' }])
  const daytime = jobType<object>('test.nightly', { cron: undefined })
  const other = jobType<object>('test.weekly', { cron: '0 2 * * 1' })
  await (await run(handler(daytime, async () => {}), handler(other, async () => {}))).stop()
  assert.deepEqual(await schedules(), [])
})

test('the runner refuses two handlers for one job type', async () => {
  await assert.rejects(
    startJobRunner({ url: db.url, log, handlers: [handler(plain, async () => {}), handler(plain, async () => {})] }),
    /test\.plain has two handlers/,
  )
})

test('job names are dotted lower-case words, and dead-letter queue names are reserved', () => {
  assert.throws(() => jobType('Outbox Deliver'), /not a usable job name/)
  assert.throws(() => jobType('outbox.deliver.dead'), /not a usable job name/)
  assert.throws(() => jobType('x.y', { expireInSeconds: 0 }), /expireInSeconds/)
})
