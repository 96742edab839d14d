// The outbox's SQL. Events are inserted by whoever makes the change (request transactions too:
// jamsos_app may INSERT and nothing else, migration 0013); the delivery job reads them and appends
// its attempts on the owner's pool.
import type { Db } from '../platform/db.ts'

export interface EventRow {
  shardKey: number
  id: string
  eventType: string
  aggregateType: string
  aggregateId: string
  payload: Record<string, unknown>
  createdAt: Date
}

// No RETURNING: the application role may add an event but not read one back.
export const insertEvent = (db: Db, e: Omit<EventRow, 'createdAt'>) => db`
  INSERT INTO outbox_event (shard_key, id, event_type, aggregate_type, aggregate_id, payload)
  VALUES (${e.shardKey}, ${e.id}, ${e.eventType}, ${e.aggregateType}, ${e.aggregateId}, ${db.json(e.payload as never)})`

export const findEvent = async (db: Db, shardKey: number, id: string): Promise<EventRow | undefined> =>
  (
    await db<EventRow[]>`
      SELECT shard_key AS "shardKey", id, event_type AS "eventType", aggregate_type AS "aggregateType",
             aggregate_id AS "aggregateId", payload, created_at AS "createdAt"
        FROM outbox_event
       WHERE shard_key = ${shardKey} AND id = ${id}`
  )[0]

/** The sinks that already have this event. */
export const deliveredSinks = async (db: Db, shardKey: number, eventId: string): Promise<string[]> =>
  (
    await db<{ sink: string }[]>`
      SELECT DISTINCT sink FROM outbox_attempt
       WHERE shard_key = ${shardKey} AND event_id = ${eventId} AND outcome = 'delivered'`
  ).map((r) => r.sink)

export type AttemptOutcome = 'delivered' | 'failed' | 'dead'

export interface AttemptInput {
  shardKey: number
  eventId: string
  sink: string
  outcome: AttemptOutcome
  error: string | null
  jobId: string | null
}

/** Appends the next attempt of an event at a sink (attempt = the sink's count so far + 1). */
export const insertAttempt = (db: Db, a: AttemptInput) => db`
  INSERT INTO outbox_attempt (shard_key, event_id, sink, attempt, outcome, error, job_id)
  SELECT ${a.shardKey}, ${a.eventId}, ${a.sink}, coalesce(max(attempt), 0) + 1, ${a.outcome}, ${a.error}, ${a.jobId}
    FROM outbox_attempt
   WHERE shard_key = ${a.shardKey} AND event_id = ${a.eventId} AND sink = ${a.sink}`

export interface AttemptRow {
  sink: string
  attempt: number
  outcome: AttemptOutcome
  error: string | null
  jobId: string | null
  attemptedAt: Date
}

export const attemptRows = (db: Db, shardKey: number, eventId: string) => db<AttemptRow[]>`
  SELECT sink, attempt, outcome, error, job_id AS "jobId", attempted_at AS "attemptedAt"
    FROM outbox_attempt
   WHERE shard_key = ${shardKey} AND event_id = ${eventId}
   ORDER BY sink, attempt`
