// Background work on one PostgreSQL job queue, pg-boss 10 (issue 13, item 2). Work that can wait
// (building the audit chain, delivering outbox events, and next: webhooks, reminders, imports,
// nightly lapse processing, KPI upkeep) is a job: enqueued in the transaction of the change that
// causes it, so a rolled-back change leaves no job and a committed one never loses it; run by the
// server's runner with retries, backoff and, in the end, a dead letter.
//
// - A job type (`jobType`) names a queue, its payload type and its settings; modules declare theirs
//   next to the code that enqueues them. The queue rows are made by `ensureQueues` (with the
//   reference data at start, so CLI commands and tests can enqueue before any runner started).
// - `enqueue(tx, type, payload)` runs pg-boss's own INSERT on the caller's connection (pg-boss's
//   `db` option), inside the caller's postgres.js transaction: request transactions (jamsos_app)
//   included, which may insert jobs and nothing else of the queue (migration 0013).
// - `startJobRunner` (the server only; one-shot CLI commands never start one, their jobs wait for
//   the server) works the queues through a small pool of its own, as the owner, and stops
//   gracefully: in-flight jobs get a moment to finish; those that do not are failed and retried.
//
// Why pg-boss rather than graphile-worker: pg-boss's `db` option lets `send` join a postgres.js
// transaction with no second driver in the request path; it has per-queue retry limits, delays,
// exponential backoff and dead-letter queues, which graphile-worker 0.16 lacks (a fixed backoff
// formula; permanently failed jobs stay in place). 10.4 is the last line that runs on Node 20.
import PgBoss from 'pg-boss'
import type { Db, Sql } from '../platform/db.ts'
import type { Logger } from '../platform/log.ts'

/** The schema migration 0013 creates for pg-boss. */
export const JOB_SCHEMA = 'pgboss'
/** pg-boss's schema version that migration 0013 installs (pg-boss 10.4). */
export const JOB_SCHEMA_VERSION = 24
/** A queue's dead letters go to the queue of the same name with this suffix. */
export const DEAD_LETTER_SUFFIX = '.dead'
/** Cron schedules are read in Jakarta time (business dates are WIB). */
const CRON_TZ = 'Asia/Jakarta'

export interface QueueSettings {
  /** How many times a failed run is tried again (0: never). */
  retryLimit: number
  /** Seconds before the first retry; with backoff, doubled (with jitter) for each later one. */
  retryDelaySeconds: number
  retryBackoff: boolean
  /** The longest one run may take before it counts as failed (at most 23 hours). */
  expireInSeconds: number
  /** How long a job may wait to run before pg-boss archives it unrun: longer than any outage. */
  retentionDays: number
  /** Whether a job that failed its last try is copied to `<name>.dead` for inspection and retry. */
  deadLetter: boolean
  /** Jobs of this type run at once in one runner. */
  concurrency: number
  /** A cron expression (Asia/Jakarta) on which the runner enqueues the job with an empty payload. */
  cron?: string
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  retryLimit: 5,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
  retentionDays: 30,
  deadLetter: true,
  concurrency: 1,
}

/** A kind of job: its queue's name and settings, and (in the type only) its payload. */
export interface JobType<P extends object> {
  readonly name: string
  readonly settings: QueueSettings
  /** Never set: carries the payload type to enqueue() and the handler. */
  readonly payloadType?: P
}

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/

/** Declares a job type. Payloads are small references (ids): the handler reads the current state. */
export function jobType<P extends object>(name: string, settings: Partial<QueueSettings> = {}): JobType<P> {
  if (!NAME.test(name) || name.length > 80 || name.endsWith(DEAD_LETTER_SUFFIX)) throw new Error(`"${name}" is not a usable job name (lower-case words joined by dots)`)
  const s = { ...DEFAULT_QUEUE_SETTINGS, ...settings }
  for (const k of ['retryLimit', 'retryDelaySeconds', 'expireInSeconds', 'retentionDays', 'concurrency'] as const) {
    if (!Number.isSafeInteger(s[k]) || s[k] < 0) throw new Error(`job ${name}: ${k} must be a whole number ≥ 0`)
  }
  if (s.expireInSeconds < 1 || s.expireInSeconds >= 23 * 3600) throw new Error(`job ${name}: expireInSeconds must be from 1 s to under 23 h`)
  if (s.concurrency < 1 || s.retentionDays < 1) throw new Error(`job ${name}: concurrency and retentionDays must be at least 1`)
  return Object.freeze({ name, settings: Object.freeze(s) })
}

/** What a handler knows about the run it is in. */
export interface JobRun {
  id: string
  name: string
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number
  retryLimit: number
  /** No retry follows if this run fails (it goes to the dead letters, if the queue keeps them). */
  lastAttempt: boolean
}

export interface JobHandler {
  readonly type: JobType<object>
  run(payload: object, job: JobRun): Promise<void>
}

/** Pairs a job type with the function that does the work; the composition root lists them. */
export function handler<P extends object>(type: JobType<P>, run: (payload: P, job: JobRun) => Promise<void>): JobHandler {
  return { type: type as JobType<object>, run: run as (payload: object, job: JobRun) => Promise<void> }
}

/**
 * pg-boss's database interface over a postgres.js pool or transaction. postgres.js describes each
 * statement first and serializes every parameter by the type the server expects (jsonb, uuid[],
 * …), as pg does by guessing; only `undefined` (pg-boss's "not given") must become NULL.
 */
export function onConnection(db: Db): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const rows = await db.unsafe(text, values.map((v) => (v === undefined ? null : v)) as never[])
      return { rows: [...rows] }
    },
  }
}

/** A pg-boss that never starts: it runs its statements on the connection given (or passed to each call). */
export function queueClient(db: PgBoss.Db): PgBoss {
  return new PgBoss({ db, schema: JOB_SCHEMA, migrate: false, supervise: false, schedule: false })
}

let sender: PgBoss | undefined
const notConnected: PgBoss.Db = {
  executeSql: () => Promise.reject(new Error('the job sender runs only on the connection passed to it')),
}

export interface EnqueueOptions {
  /** Run no sooner than this many seconds from now (e.g. a reminder). */
  startAfterSeconds?: number
}

/**
 * Adds a job in the caller's transaction (or, given a pool, on its own). The job exists exactly
 * when the transaction commits. Returns the job's id.
 */
export async function enqueue<P extends object>(db: Db, type: JobType<P>, payload: P, opts: EnqueueOptions = {}): Promise<string> {
  return sendJob(db, type.name, payload, opts)
}

/** enqueue() by queue name, for putting a dead letter back (src/jobs/overview.ts). */
export async function sendJob(db: Db, name: string, payload: object, opts: EnqueueOptions = {}): Promise<string> {
  sender ??= queueClient(notConnected)
  const id = await sender.send(name, payload, {
    db: onConnection(db),
    ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
  })
  // pg-boss inserts only into a queue that exists; nothing inserted means there is none.
  if (!id) throw new Error(`job queue "${name}" does not exist: list its type where ensureQueues runs (src/app.ts)`)
  return id
}

function queueOptions(name: string, s: QueueSettings, deadLetter: string | undefined): PgBoss.Queue {
  return {
    name,
    retryLimit: s.retryLimit,
    retryDelay: s.retryDelaySeconds,
    retryBackoff: s.retryBackoff,
    expireInSeconds: s.expireInSeconds,
    retentionMinutes: s.retentionDays * 24 * 60,
    ...(deadLetter ? { deadLetter } : {}),
  }
}

/**
 * The dead-letter queue itself: nothing works it. A dead letter is the copy pg-boss makes of a job
 * that failed for good; it waits about twice its queue's retention (60 days for the defaults)
 * before pg-boss's maintenance archives it, then 7 days in the archive.
 */
const DEAD_LETTER_SETTINGS: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, retryLimit: 0 }

async function ensureQueuesWith(boss: PgBoss, types: readonly JobType<object>[]): Promise<void> {
  const names = new Set<string>()
  for (const t of types) {
    if (names.has(t.name)) throw new Error(`job type ${t.name} is listed twice`)
    names.add(t.name)
    const dead = t.settings.deadLetter ? t.name + DEAD_LETTER_SUFFIX : undefined
    if (dead) {
      await boss.createQueue(dead, queueOptions(dead, DEAD_LETTER_SETTINGS, undefined))
    }
    // createQueue leaves an existing queue as it is; updateQueue brings its settings up to date.
    await boss.createQueue(t.name, queueOptions(t.name, t.settings, dead))
    await boss.updateQueue(t.name, queueOptions(t.name, t.settings, dead))
  }
}

/** Creates (or updates the settings of) the queue of each job type, and its dead-letter queue. Idempotent. */
export async function ensureQueues(db: Sql, types: readonly JobType<object>[]): Promise<void> {
  await ensureQueuesWith(queueClient(onConnection(db)), types)
}

export interface JobRunner {
  /** Stops taking jobs, waits for running ones (up to the stop timeout), then closes its pool. */
  stop(): Promise<void>
}

export interface RunnerOptions {
  /** The owner's connection URL (the runner's own small pool). */
  url: string
  handlers: readonly JobHandler[]
  log: Logger
  /** How often an idle worker looks for work (pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds?: number
  /** How long stop() waits for running jobs before failing them (they are retried later). */
  stopTimeoutMs?: number
  /** Connections of the runner's pool. */
  poolSize?: number
}

/** Starts working every handler's queue. Used by `jamsos start` (src/server.ts) and tests. */
export async function startJobRunner(opts: RunnerOptions): Promise<JobRunner> {
  const handlers = new Map<string, JobHandler>()
  for (const h of opts.handlers) {
    if (handlers.has(h.type.name)) throw new Error(`job type ${h.type.name} has two handlers`)
    handlers.set(h.type.name, h)
  }
  const crons = opts.handlers.filter((h) => h.type.settings.cron)
  const boss = new PgBoss({
    connectionString: opts.url,
    schema: JOB_SCHEMA,
    // The schema is migration 0013's; pg-boss checks it is the version it expects and never changes it.
    migrate: false,
    supervise: true,
    // The cron clock polls once a second or so: only when some job runs on a schedule.
    schedule: crons.length > 0,
    max: opts.poolSize ?? 3,
    application_name: 'jamsos-jobs',
  })
  // pg-boss reports failures of its own loops (fetching, maintenance) as 'error' events; an
  // EventEmitter without a listener would throw them.
  // pg's errors carry the whole client object (connection settings, type tables): log what a
  // person reads, not that.
  boss.on('error', (err: Error & { code?: string }) =>
    opts.log.error({ err: { type: err.name, message: err.message, code: err.code, stack: err.stack } }, 'job runner error'),
  )
  try {
    await boss.start()
  } catch (e) {
    if (/requires migrations|not installed/.test((e as Error).message)) {
      throw new Error(`the job queue schema (${JOB_SCHEMA}) is not the version this pg-boss expects (${JOB_SCHEMA_VERSION}): run the migrations, or add one for the new pg-boss`, { cause: e })
    }
    throw e
  }
  let stopped = false
  try {
    await ensureQueuesWith(boss, [...handlers.values()].map((h) => h.type))
    for (const h of handlers.values()) {
      const { name, settings } = h.type
      const work = async ([job]: PgBoss.JobWithMetadata<object>[]) => {
        if (!job) return
        const run: JobRun = {
          id: job.id,
          name,
          attempt: job.retryCount + 1,
          retryLimit: job.retryLimit,
          lastAttempt: job.retryCount >= job.retryLimit,
        }
        try {
          await h.run(job.data, run)
        } catch (err) {
          opts.log.warn(
            { err, job: name, jobId: job.id, attempt: run.attempt },
            run.lastAttempt ? (settings.deadLetter ? 'job failed for good: dead-lettered' : 'job failed for good') : 'job failed: it will be retried',
          )
          throw err
        }
      }
      for (let i = 0; i < settings.concurrency; i++) {
        await boss.work<object>(
          name,
          { includeMetadata: true, batchSize: 1, ...(opts.pollingIntervalSeconds ? { pollingIntervalSeconds: opts.pollingIntervalSeconds } : {}) },
          work,
        )
      }
    }
    for (const h of crons) await boss.schedule(h.type.name, h.type.settings.cron!, {}, { tz: CRON_TZ })
    if (crons.length > 0) {
      // A schedule whose job type no longer runs on one is removed with it.
      for (const s of await boss.getSchedules()) {
        if (handlers.has(s.name) && !handlers.get(s.name)!.type.settings.cron) await boss.unschedule(s.name)
      }
    }
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {})
    throw e
  }
  opts.log.info({ queues: [...handlers.keys()] }, 'job runner started')
  return {
    async stop() {
      if (stopped) return
      stopped = true
      await boss.stop({ graceful: true, wait: true, timeout: opts.stopTimeoutMs ?? 10_000 })
      opts.log.info('job runner stopped')
    },
  }
}
