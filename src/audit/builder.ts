// Builds the audit chain after the fact, in id order (issue 13 §1). Writers only INSERT events;
// this links them, a batch per transaction, on the owner's pool: the `audit.chain` job in the
// server (on a schedule, and again soon after each run that found work) and `jamsos audit build`.
//
// Ids commit out of order: the transaction that drew id 10 may commit after the one that drew 11,
// and a rolled-back one leaves 10 absent for ever. So the builder links the contiguous run of
// visible ids and stops at the first absent id, unless that id is settled: known never to
// appear. The rule (migration 0014): the inserting transaction takes its xid before it draws an
// id, so every transaction holding an id ≤ M, M the highest id visible in snapshot S, has an xid
// below pg_snapshot_xmax(S). When a later snapshot's xmin reaches that xmax, all of them have
// ended; an id ≤ M still absent was rolled back, and is linked as a gap. The pair (M, xmax(S)) is
// the head's watermark, kept between runs: the builder never waits on an open transaction, it
// stops at the gap and settles it on a later run (usually the next: write transactions are short).
import type { Sql } from '../platform/db.ts'
import { enqueue, handler, jobType, type JobHandler } from '../jobs/index.ts'
import { linkHash } from './links.ts'
import * as q from './queries.ts'

export interface BuildOptions {
  /** Events linked per transaction. */
  batchSize?: number
  /** Stop after this many batches (the job comes back for the rest). */
  maxBatches?: number
}

export interface BuildResult {
  /** Event links made by this run. */
  chained: number
  /** Gap links (ids of rolled-back transactions) made by this run. */
  gaps: number
  /** The chain now covers ids 1 … lastId. */
  lastId: number
  /** Events after lastId (not chained yet). */
  unchained: number
  /** The absent id the chain stops at, not yet known to be rolled back (a transaction may still insert it). */
  waitingOn: number | null
}

interface BatchResult {
  chained: number
  gaps: number
  lastId: number
  waitingOn: number | null
  /** Events read: a full batch means there may be more. */
  read: number
}

async function buildBatch(db: Sql, key: Buffer, batchSize: number): Promise<BatchResult> {
  return (await db.begin(async (tx) => {
    const head = await q.lockChainHead(tx)
    const snap = await q.snapshotNow(tx)
    let settled = head.settled_id
    let watermark = head.watermark_id !== null && head.watermark_xmax !== null ? { id: head.watermark_id, xmax: head.watermark_xmax } : null
    // Every transaction that could hold an id ≤ watermark.id has ended: absent ids up to it never come.
    if (watermark && BigInt(snap.xmin) >= BigInt(watermark.xmax)) {
      settled = Math.max(settled, watermark.id)
      watermark = null
    }
    const rows = await q.eventsAfter(tx, head.last_id, batchSize)
    const links: q.NewLink[] = []
    let next = head.last_id + 1
    let prev = head.last_hash
    let waitingOn: number | null = null
    let gaps = 0
    outer: for (const r of rows) {
      while (next < r.id) {
        if (next > settled) {
          waitingOn = next
          break outer
        }
        const hash = linkHash(key, 'gap', next, prev, null)
        links.push({ event_id: next, kind: 'gap', prev_hash: prev, hash })
        prev = hash
        gaps++
        next++
      }
      const hash = linkHash(key, 'event', r.id, prev, r.canonical)
      links.push({ event_id: r.id, kind: 'event', prev_hash: prev, hash })
      prev = hash
      next++
    }
    // A new watermark once the last one is settled (kept while it is not, or a steady stream of
    // writes would push it forward for ever).
    if (!watermark && snap.max_id !== null && snap.max_id > settled) watermark = { id: snap.max_id, xmax: snap.xmax }
    await q.insertLinks(tx, links)
    await q.updateChainHead(tx, {
      last_id: next - 1,
      last_hash: prev,
      settled_id: settled,
      watermark_id: watermark?.id ?? null,
      watermark_xmax: watermark?.xmax ?? null,
    })
    return { chained: links.length - gaps, gaps, lastId: next - 1, waitingOn, read: rows.length }
  })) as BatchResult
}

/**
 * Links every event it can: the visible events after the chain's end, in id order, through the
 * ids known to be rolled back. Safe to run at any time and from several servers (one at a time
 * holds the head). Run it on the owner's pool: it reads every event and writes the links.
 */
export async function buildAuditChain(db: Sql, key: Buffer, opts: BuildOptions = {}): Promise<BuildResult> {
  const batchSize = opts.batchSize ?? 2000
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY
  let chained = 0
  let gaps = 0
  let last: BatchResult | undefined
  for (let i = 0; i < maxBatches; i++) {
    last = await buildBatch(db, key, batchSize)
    chained += last.chained
    gaps += last.gaps
    if (last.waitingOn !== null || last.read < batchSize) break
  }
  const lastId = last?.lastId ?? (await q.chainHead(db)).last_id
  return { chained, gaps, lastId, unchained: await q.countEventsAfter(db, lastId), waitingOn: last?.waitingOn ?? null }
}

/**
 * The server's chain builder: runs every minute (Asia/Jakarta cron, any server; pg-boss sends one
 * job per minute for the whole cluster) and, while it finds work, again a second after each run,
 * so under steady writes the chain trails them by a second or two, and after a quiet spell by at
 * most a minute. Events are readable at once either way; only their link waits.
 */
export const BUILD_AUDIT_CHAIN = jobType<Record<string, never>>('audit.chain', {
  cron: '* * * * *',
  retryLimit: 3,
  retryDelaySeconds: 5,
  expireInSeconds: 10 * 60,
  concurrency: 1,
})

/** Seconds before the follow-up run: soon after progress, less eagerly while a gap waits on an open transaction. */
const FOLLOW_UP_SECONDS = { progress: 1, waiting: 5 }

export function auditChainJob(db: Sql, key: Buffer, opts: BuildOptions = {}): JobHandler {
  return handler(BUILD_AUDIT_CHAIN, async () => {
    const r = await buildAuditChain(db, key, { maxBatches: 50, ...opts })
    // More may be waiting (a batch limit, a gap not yet settled, events that arrived meanwhile).
    const progress = r.chained + r.gaps > 0
    if (progress || r.unchained > 0) {
      await enqueue(db, BUILD_AUDIT_CHAIN, {}, { startAfterSeconds: progress ? FOLLOW_UP_SECONDS.progress : FOLLOW_UP_SECONDS.waiting })
    }
  })
}
