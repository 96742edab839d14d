// The outbox's SQL. Events are inserted by whoever makes the change (request transactions too:
// jamsos_app may INSERT and nothing else, migration 0013); the delivery job reads them and appends
// its attempts on the owner's pool.
import type { PendingQuery, Row } from 'postgres'
import type { Db } from '../platform/db.ts'
import type { OutboxAttemptRow } from '../platform/db-types.ts'

export interface EventRow {
  shardKey: number
  id: string
  eventType: string
  aggregateType: string
  aggregateId: string
  payload: Record<string, unknown>
  createdAt: Date
}

// No RETURNING: the application role may add an event but not read one back. One statement for
// any number of events: they travel as one jsonb array, taken apart by the server.
export const insertEvents = (db: Db, events: Omit<EventRow, 'createdAt'>[]) => db`
  INSERT INTO outbox_event (shard_key, id, event_type, aggregate_type, aggregate_id, payload)
  SELECT e.shard_key, e.id, e.event_type, e.aggregate_type, e.aggregate_id, e.payload
    FROM jsonb_to_recordset(${db.json(events.map((e) => ({
      shard_key: e.shardKey, id: e.id, event_type: e.eventType, aggregate_type: e.aggregateType, aggregate_id: e.aggregateId, payload: e.payload,
    })) as never)}) AS e(shard_key bigint, id uuid, event_type text, aggregate_type text, aggregate_id text, payload jsonb)`

/**
 * A query of the publishing module's own, not yet run, yielding (event_id, shard_key,
 * aggregate_id, payload) with the event ids it is given: postgres.js runs a query only when
 * awaited, so it can be embedded here as a subquery.
 */
export type EventSource = (eventIds: string[]) => PendingQuery<Row[]>

/** Events whose payloads PostgreSQL builds from `source`; returns how many were written. */
export const insertEventsFrom = async (db: Db, eventType: string, aggregateType: string, ids: string[], source: EventSource): Promise<number> =>
  (await db`
    INSERT INTO outbox_event (shard_key, id, event_type, aggregate_type, aggregate_id, payload)
    SELECT s.shard_key, s.event_id, ${eventType}, ${aggregateType}, s.aggregate_id, s.payload
      FROM (${source(ids)}) AS s`).count

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

/** outbox_attempt's CHECK list, through the generated row type (src/platform/db-types.ts). */
export type AttemptOutcome = OutboxAttemptRow['outcome']

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
