// The job queue's SQL beyond pg-boss's own: what an operator looks at (`jamsos jobs`,
// GET /api/v1/admin/jobs) and the dead letter they retry. Runs on the owner's pool: the
// application role cannot read the queue (migration 0013).
import type { Db } from '../platform/db.ts'

/** A queue's jobs counted by pg-boss state. */
export interface JobCounts {
  created: number
  retry: number
  active: number
  completed: number
  cancelled: number
  failed: number
}

export interface QueueRow extends JobCounts {
  name: string
  deadLetter: string | null
  retryLimit: number | null
  retryDelay: number | null
  retryBackoff: boolean | null
}

/** Every queue with its jobs counted by state (pg-boss's own internal queues left out). */
export const queueRows = (db: Db) => db<QueueRow[]>`
  SELECT q.name,
         q.dead_letter AS "deadLetter",
         q.retry_limit AS "retryLimit",
         q.retry_delay AS "retryDelay",
         q.retry_backoff AS "retryBackoff",
         count(j.id) FILTER (WHERE j.state = 'created')::int   AS created,
         count(j.id) FILTER (WHERE j.state = 'retry')::int     AS retry,
         count(j.id) FILTER (WHERE j.state = 'active')::int    AS active,
         count(j.id) FILTER (WHERE j.state = 'completed')::int AS completed,
         count(j.id) FILTER (WHERE j.state = 'cancelled')::int AS cancelled,
         count(j.id) FILTER (WHERE j.state = 'failed')::int    AS failed
    FROM pgboss.queue q
    LEFT JOIN pgboss.job j ON j.name = q.name
   WHERE q.name NOT LIKE '\\_\\_pgboss\\_\\_%'
   GROUP BY q.name
   ORDER BY q.name`

export interface DeadLetterRow {
  id: string
  queue: string
  data: Record<string, unknown> | null
  output: Record<string, unknown> | null
  createdOn: Date
}

/** Dead letters waiting in the given dead-letter queues, newest first. */
export const deadLetterRows = (db: Db, queues: string[], limit: number) => db<DeadLetterRow[]>`
  SELECT id, name AS queue, data, output, created_on AS "createdOn"
    FROM pgboss.job
   WHERE name = ANY(${queues}::text[]) AND state = 'created'
   ORDER BY created_on DESC, id
   LIMIT ${limit}`

export interface JobRow {
  id: string
  name: string
  state: string
  data: Record<string, unknown> | null
  deadLetter: string | null
}

/**
 * A job by id, locked. `name = ANY(queues)` lets PostgreSQL use each queue partition's primary
 * key (name, id) instead of reading every partition.
 */
export const lockJob = (db: Db, queues: string[], id: string) => db<JobRow[]>`
  SELECT j.id, j.name, j.state::text AS state, j.data, q.dead_letter AS "deadLetter"
    FROM pgboss.job j
    JOIN pgboss.queue q ON q.name = j.name
   WHERE j.name = ANY(${queues}::text[]) AND j.id = ${id}
     FOR UPDATE OF j`

export const queueNames = async (db: Db): Promise<string[]> =>
  (await db<{ name: string }[]>`SELECT name FROM pgboss.queue ORDER BY name`).map((r) => r.name)

export const deleteJob = (db: Db, queue: string, id: string) => db`DELETE FROM pgboss.job WHERE name = ${queue} AND id = ${id}`
