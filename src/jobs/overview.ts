// What an operator sees of the background work and the one thing they do to it: retry a job that
// failed for good. Shared by `jamsos jobs` and GET /api/v1/admin/jobs.
import type { Sql } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { JobErrors as E } from './errors.ts'
import { DEAD_LETTER_SUFFIX, onConnection, queueClient, sendJob } from './jobs.ts'
import { deadLetterRows, deleteJob, lockJob, queueNames, queueRows, type JobCounts } from './queries.ts'
import type { JobsOverview, QueueView } from './views.ts'

export type { DeadLetterView, JobsOverview, QueueView } from './views.ts'

const jobCounts = ({ created, retry, active, completed, cancelled, failed }: JobCounts): JobCounts => ({ created, retry, active, completed, cancelled, failed })

const isDeadLetterQueue = (name: string) => name.endsWith(DEAD_LETTER_SUFFIX)

/** Every job queue with its jobs counted by state, and the latest dead letters (up to `limit`). */
export async function jobsOverview(db: Sql, opts: { limit?: number } = {}): Promise<JobsOverview> {
  const rows = await queueRows(db)
  const byName = new Map(rows.map((r) => [r.name, r]))
  const queues = rows
    .filter((r) => !isDeadLetterQueue(r.name))
    .map((r): QueueView => {
      const dead = r.deadLetter ? byName.get(r.deadLetter) : undefined
      return {
        name: r.name,
        ...jobCounts(r),
        deadLetters: dead ? dead.created + dead.retry + dead.active : 0,
        deadLetterQueue: r.deadLetter,
        retryLimit: r.retryLimit ?? 0,
        retryDelaySeconds: r.retryDelay ?? 0,
        retryBackoff: r.retryBackoff ?? false,
      }
    })
  const dlqs = rows.filter((r) => isDeadLetterQueue(r.name)).map((r) => r.name)
  const deadLetters = dlqs.length === 0 ? [] : await deadLetterRows(db, dlqs, opts.limit ?? 50)
  return {
    queues,
    deadLetters: deadLetters.map((d) => ({
      id: d.id,
      queue: d.queue.slice(0, -DEAD_LETTER_SUFFIX.length),
      failedAt: d.createdOn.toISOString(),
      error: typeof d.output?.message === 'string' ? d.output.message : null,
      payload: d.data ?? {},
    })),
  }
}

export interface RetryResult {
  queue: string
  /** The job that will run: a new one for a dead letter, the same one for a failed job. */
  jobId: string
}

/**
 * Runs a job that failed for good once more. A dead letter goes back to its queue as a new job
 * (with the queue's retries) and leaves the dead letters, in one transaction; a failed job of a
 * queue without dead letters is set to be retried once more.
 */
export async function retryJob(db: Sql, id: string): Promise<RetryResult> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw AppError.field(E.JOB_NOT_FOUND, 'id', 'not a job id (a UUID)')
  return db.begin(async (tx) => {
    const [job] = await lockJob(tx, await queueNames(tx), id)
    if (!job) throw AppError.field(E.JOB_NOT_FOUND, 'id', `no job ${id}`)
    if (isDeadLetterQueue(job.name)) {
      if (job.state !== 'created') throw AppError.field(E.JOB_NOT_RETRYABLE, 'id', `this dead letter is ${job.state}`)
      const queue = job.name.slice(0, -DEAD_LETTER_SUFFIX.length)
      const jobId = await sendJob(tx, queue, job.data ?? {})
      await deleteJob(tx, job.name, job.id)
      return { queue, jobId }
    }
    if (job.state !== 'failed') throw AppError.field(E.JOB_NOT_RETRYABLE, 'id', `the job is ${job.state}, not failed`)
    if (job.deadLetter) throw AppError.field(E.JOB_NOT_RETRYABLE, 'id', `its copy in ${job.deadLetter} is the one to retry`)
    await queueClient(onConnection(tx)).retry(job.name, job.id)
    return { queue: job.name, jobId: job.id }
  })
}
