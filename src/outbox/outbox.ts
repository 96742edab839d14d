// The transactional outbox (issue 13, item 2). An event for the outside world (a partner's
// webhook, a notification) is written in the same transaction as the change it reports, together
// with the job that delivers it: a rolled-back change sends nothing, a committed one is delivered
// even if the process dies right after the commit.
//
// Delivery is at least once: a sink may see an event again (its acknowledgement was lost, the
// runner stopped mid-way), always with the same event id, by which it recognises a repeat. Each
// attempt is appended to outbox_attempt; a sink that has the event is not sent it again by later
// runs of the job. Failures are retried with exponential backoff; after the last, the job goes to
// the dead letters (`jamsos jobs`, `jamsos jobs retry <id>`).
import crypto from 'node:crypto'
import { inTransaction, type Db, type Sql } from '../platform/db.ts'
import type { Logger } from '../platform/log.ts'
import { scrubNiks } from '../platform/privacy.ts'
import { enqueue, handler, jobType, type JobHandler } from '../jobs/index.ts'
import { deliveredSinks, findEvent, insertAttempt, insertEvents, insertEventsFrom, type EventRow, type EventSource } from './queries.ts'

export type { EventSource }

export interface OutboxEventInput {
  /** What happened, as `noun.verb` words: e.g. `payment.applied`, `participant.registered`. */
  type: string
  /** What it happened to, by reference. */
  aggregate: { type: string; id: string | number }
  /**
   * The Citus distribution key (migration 0013): the participant's id for an event about a
   * participant, so the event sits on the shard of the change. Defaults to a numeric aggregate
   * id, else 0.
   */
  shardKey?: number
  /** What receivers need; references and facts, never a NIK in clear. */
  payload: Record<string, unknown>
}

/** An event as sinks receive it. */
export interface OutboxEvent {
  /** Stable: the same on every delivery of this event. */
  id: string
  type: string
  aggregate: { type: string; id: string }
  shardKey: number
  payload: Record<string, unknown>
  createdAt: string
}

/** Where events go. `deliver` resolves once the receiver has the event, and throws otherwise. */
export interface OutboxSink {
  /** Unique among the sinks; attempts are recorded under it. */
  name: string
  deliver(event: OutboxEvent): Promise<void>
}

/** An event by reference. */
export interface EventRef {
  shardKey: number
  eventId: string
}

/**
 * What a delivery job carries: one event, or the events one transaction published together (a
 * bulk registration's batch, a settlement file's payments), delivered in order by one job.
 */
export type DeliverPayload = EventRef | { events: EventRef[] }

/** Events per delivery job when many are published at once: the job's payload stays under ~40 kB. */
export const EVENTS_PER_JOB = 500

/**
 * The delivery job, one per event. Ten retries with backoff from 5 s (5–10 s, 10–20 s, … up to
 * about 1½ hours between the last ones) ride out a receiver's outage of a few hours.
 */
export const DELIVER_OUTBOX_EVENT = jobType<DeliverPayload>('outbox.deliver', {
  retryLimit: 10,
  retryDelaySeconds: 5,
  retryBackoff: true,
  expireInSeconds: 5 * 60,
  concurrency: 2,
})

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/
const AGGREGATE_TYPE = /^[a-z][a-z0-9_]*$/

/** An event checked and given its id; a malformed event is a programming error: it throws. */
function eventRow(e: OutboxEventInput): Omit<EventRow, 'createdAt'> {
  if (!EVENT_TYPE.test(e.type) || e.type.length > 100) throw new Error(`outbox event type "${e.type}" is not noun.verb words`)
  if (!AGGREGATE_TYPE.test(e.aggregate.type) || e.aggregate.type.length > 60) throw new Error(`outbox aggregate type "${e.aggregate.type}" is not a lower-case word`)
  const aggregateId = String(e.aggregate.id)
  if (aggregateId.length < 1 || aggregateId.length > 100) throw new Error('outbox aggregate id must be 1 to 100 characters')
  const shardKey = e.shardKey ?? (typeof e.aggregate.id === 'number' && Number.isSafeInteger(e.aggregate.id) ? e.aggregate.id : 0)
  if (!Number.isSafeInteger(shardKey)) throw new Error('outbox shard key must be a whole number')
  return { shardKey, id: crypto.randomUUID(), eventType: e.type, aggregateType: e.aggregate.type, aggregateId, payload: e.payload }
}

/**
 * Writes an event and its delivery job in the caller's transaction (or in one of its own, given a
 * pool). Returns the event's id. A malformed event is a programming error: it throws.
 */
export async function publishEvent(db: Db, e: OutboxEventInput): Promise<{ id: string; shardKey: number }> {
  const [published] = await publishEvents(db, [e])
  return published!
}

/**
 * Writes many events set-based, in the caller's transaction: one INSERT for all of them and one
 * delivery job per EVENTS_PER_JOB (a bulk registration of 2,000 members costs three statements,
 * not 4,000). Sinks still receive each event on its own, in the order given.
 */
export async function publishEvents(db: Db, events: readonly OutboxEventInput[]): Promise<{ id: string; shardKey: number }[]> {
  const rows = events.map(eventRow)
  if (!rows.length) return []
  await inTransaction(db, async (tx) => {
    await insertEvents(tx, rows)
    for (let i = 0; i < rows.length; i += EVENTS_PER_JOB) {
      const refs = rows.slice(i, i + EVENTS_PER_JOB).map((r) => ({ shardKey: r.shardKey, eventId: r.id }))
      await enqueue(tx, DELIVER_OUTBOX_EVENT, refs.length === 1 ? refs[0]! : { events: refs })
    }
  })
  return rows.map((r) => ({ id: r.id, shardKey: r.shardKey }))
}

/**
 * Publishes one event per row of a query that the caller's module writes over its own tables, the
 * payloads built by PostgreSQL: for bulk paths, where reading the rows back into Node only to send
 * them again as JSON cost more than the change itself (bench register at 100,000 rows: 0.66 of raw
 * COPY without the events, 0.50 with them read back, issue 13 §2). `source`, given the event
 * ids in the order of `shardKeys` (the events' shard keys), yields (event_id, shard_key,
 * aggregate_id, payload), so that the delivery jobs can name their events without reading them
 * back (the application role may add an event but not read one).
 */
export async function publishEventsFrom(
  db: Db,
  spec: { type: string; aggregateType: string; shardKeys: readonly number[]; source: EventSource },
): Promise<void> {
  if (!EVENT_TYPE.test(spec.type) || spec.type.length > 100) throw new Error(`outbox event type "${spec.type}" is not noun.verb words`)
  if (!AGGREGATE_TYPE.test(spec.aggregateType) || spec.aggregateType.length > 60) throw new Error(`outbox aggregate type "${spec.aggregateType}" is not a lower-case word`)
  if (!spec.shardKeys.length) return
  const ids = spec.shardKeys.map(() => crypto.randomUUID())
  await inTransaction(db, async (tx) => {
    const inserted = await insertEventsFrom(tx, spec.type, spec.aggregateType, ids, spec.source)
    if (inserted !== ids.length) throw new Error(`outbox: ${ids.length} events announced, the source gave ${inserted}`)
    for (let i = 0; i < ids.length; i += EVENTS_PER_JOB) {
      const refs = ids.slice(i, i + EVENTS_PER_JOB).map((eventId, j) => ({ shardKey: spec.shardKeys[i + j]!, eventId }))
      await enqueue(tx, DELIVER_OUTBOX_EVENT, refs.length === 1 ? refs[0]! : { events: refs })
    }
  })
}

const eventView = (r: EventRow): OutboxEvent => ({
  id: r.id,
  type: r.eventType,
  aggregate: { type: r.aggregateType, id: r.aggregateId },
  shardKey: r.shardKey,
  payload: r.payload,
  createdAt: r.createdAt.toISOString(),
})

/** What is stored of a failure: the message, NIK-scrubbed, within the column's 2,000 characters. */
const failureText = (err: unknown): string => scrubNiks(err instanceof Error ? err.message : String(err)).slice(0, 2000)

/**
 * The handler of DELIVER_OUTBOX_EVENT: offers the event to every sink that does not have it yet,
 * appending one attempt row per sink, and fails (to be retried) if any sink failed.
 */
export function outboxDelivery(db: Sql, sinks: readonly OutboxSink[]): JobHandler {
  const names = new Set<string>()
  for (const s of sinks) {
    if (names.has(s.name)) throw new Error(`two outbox sinks are named ${s.name}`)
    names.add(s.name)
  }
  return handler(DELIVER_OUTBOX_EVENT, async (payload, job) => {
    const refs = 'events' in payload && Array.isArray(payload.events) ? payload.events : [payload as EventRef]
    const failures: string[] = []
    // In order; an event a sink failed is retried with the job, the ones it has are skipped then.
    for (const { shardKey, eventId } of refs) {
      // The payload is a reference: the event is read as stored.
      const row = Number.isSafeInteger(shardKey) && typeof eventId === 'string' ? await findEvent(db, shardKey, eventId) : undefined
      if (!row) throw new Error(`outbox event ${String(eventId)} (shard ${String(shardKey)}) does not exist`)
      const event = eventView(row)
      const done = new Set(await deliveredSinks(db, shardKey, eventId))
      for (const sink of sinks) {
        if (done.has(sink.name)) continue
        try {
          await sink.deliver(event)
        } catch (err) {
          const error = failureText(err)
          await insertAttempt(db, { shardKey, eventId, sink: sink.name, outcome: job.lastAttempt ? 'dead' : 'failed', error, jobId: job.id })
          failures.push(`${eventId} to ${sink.name}: ${error}`)
          continue
        }
        await insertAttempt(db, { shardKey, eventId, sink: sink.name, outcome: 'delivered', error: null, jobId: job.id })
      }
    }
    if (failures.length) {
      throw new Error(`outbox event${refs.length > 1 ? 's' : ''} not delivered: ${failures.slice(0, 5).join('; ')}${failures.length > 5 ? `; and ${failures.length - 5} more` : ''}`)
    }
  })
}

/**
 * The in-process sink the server registers until partner webhooks arrive: it writes each event's
 * id, type and aggregate (not its payload) to the log.
 */
export function logSink(log: Logger): OutboxSink {
  return {
    name: 'log',
    async deliver(event) {
      log.info({ eventId: event.id, eventType: event.type, aggregate: event.aggregate }, 'outbox event')
    },
  }
}
