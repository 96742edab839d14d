// All SQL of the audit trail.
import { inTransaction, type Db, type Tx } from '../platform/db.ts'
import type { AuditChainHeadRow, AuditEventRow as AuditEventTable, AuditLegacyLinkRow, AuditLinkRow } from '../platform/db-types.ts'
import type { AuditChanges } from './chain.ts'

/**
 * An event as stored: the generated audit_event row (src/platform/db-types.ts), its jsonb `changes`
 * narrowed to what recordAudit writes there (chain.ts diffChanges: before and after of the fields
 * that changed).
 */
export type AuditEventRow = Omit<AuditEventTable, 'changes'> & { changes: AuditChanges | null }

/** What a module records; id and time are stamped by the database (migration 0014). */
export type NewAuditEvent = Omit<AuditEventRow, 'id' | 'at'>

/** Every column of audit_event, in the order the canonical text lists them. */
export const AUDIT_EVENT_COLUMNS = [
  'id', 'at', 'actor_kind', 'actor_user_id', 'actor_partner_id', 'actor_name', 'actor_role', 'ip',
  'action', 'entity_type', 'entity_id', 'branch_code', 'changes',
] as const

/**
 * An event's canonical text, rendered by PostgreSQL from the stored row, as UTF-8 bytes: a jsonb
 * array of every column, the time in UTC to the microsecond, `changes` as jsonb's own text (keys
 * ordered, duplicate keys dropped, numbers as stored, whatever JavaScript would make of them).
 * The chain hashes exactly this, so what is hashed is what is stored. It is written here rather
 * than as a database function so that someone who can change the database cannot change what
 * verify computes. A column added to audit_event must be added here (a test compares the lists).
 */
const canonicalEvent = (db: Db) => db`
  convert_to(jsonb_build_array(
    e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.actor_kind, e.actor_user_id,
    e.actor_partner_id, e.actor_name, e.actor_role, e.ip, e.action, e.entity_type, e.entity_id, e.branch_code,
    e.changes)::text, 'UTF8')`

/**
 * Appends an event; no lock, no chain work (the builder links it later). The id comes back through
 * currval() rather than RETURNING: RETURNING needs the new row to pass the read policy, and an
 * anonymous caller (a refused login that locks an account) may write events it cannot read.
 */
export const insertEvent = (db: Db, e: NewAuditEvent): Promise<number> =>
  inTransaction(db, async (tx) => {
    // Sent together (postgres.js pipelines them on the transaction's connection): one round trip.
    const [, [row]] = await Promise.all([
      tx`
        INSERT INTO audit_event (actor_kind, actor_user_id, actor_partner_id, actor_name, actor_role, ip, action,
                                 entity_type, entity_id, branch_code, changes)
        VALUES (${e.actor_kind}, ${e.actor_user_id}, ${e.actor_partner_id}, ${e.actor_name}, ${e.actor_role}, ${e.ip},
                ${e.action}, ${e.entity_type}, ${e.entity_id}, ${e.branch_code},
                ${e.changes === null ? null : tx.json(e.changes as never)})`,
      tx<{ id: number }[]>`SELECT currval('audit_event_id_seq') AS id`,
    ])
    return row!.id
  })

export interface AuditFilter {
  entityType?: string | undefined
  entityId?: string | undefined
  actorId?: number | undefined
  action?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
  beforeId?: number | undefined
  limit: number
}

/** Newest first, with each event's link hash (null until chained). Row-level security decides which events the caller sees. */
export const listEvents = (db: Db, f: AuditFilter): Promise<(AuditEventRow & { hash: string | null })[]> =>
  db<(AuditEventRow & { hash: string | null })[]>`
    SELECT e.*, l.hash
    FROM audit_event e
    LEFT JOIN audit_link l ON l.event_id = e.id
    WHERE true
      ${f.entityType ? db`AND e.entity_type = ${f.entityType}` : db``}
      ${f.entityId ? db`AND e.entity_id = ${f.entityId}` : db``}
      ${f.actorId ? db`AND e.actor_user_id = ${f.actorId}` : db``}
      ${f.action ? db`AND e.action = ${f.action}` : db``}
      ${f.from ? db`AND e.at >= ${f.from}` : db``}
      ${f.to ? db`AND e.at < ${f.to}` : db``}
      ${f.beforeId ? db`AND e.id < ${f.beforeId}` : db``}
    ORDER BY e.id DESC
    LIMIT ${f.limit}`

// ---- The chain (owner only) ----

/** The chain's head: audit_chain_head (generated) without its singleton key; watermark_xmax is xid8 as text. */
export type ChainHeadRow = Omit<AuditChainHeadRow, 'singleton'>

export const chainHead = async (db: Db): Promise<ChainHeadRow> =>
  (await db<ChainHeadRow[]>`
    SELECT last_id, last_hash, settled_id, watermark_id, watermark_xmax::text AS watermark_xmax, built_at
    FROM audit_chain_head WHERE singleton`)[0]!

/** The head, locked until the transaction ends: one builder at a time, whichever server runs it. */
export const lockChainHead = async (tx: Tx): Promise<ChainHeadRow> =>
  (await tx<ChainHeadRow[]>`
    SELECT last_id, last_hash, settled_id, watermark_id, watermark_xmax::text AS watermark_xmax, built_at
    FROM audit_chain_head WHERE singleton FOR UPDATE`)[0]!

export interface SnapshotRow {
  /** The oldest transaction still running (xid8 as text). */
  xmin: string
  /** The first xid not yet assigned when the snapshot was taken (xid8 as text). */
  xmax: string
  /** The highest event id visible in that same snapshot. */
  max_id: number | null
}

/** One snapshot: its bounds and the highest event id it sees (one statement, so one snapshot). */
export const snapshotNow = async (tx: Tx): Promise<SnapshotRow> =>
  (await tx<SnapshotRow[]>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
           pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
           (SELECT max(id) FROM audit_event) AS max_id`)[0]!

export interface CanonicalRow {
  id: number
  canonical: Buffer
}

/** The next events after the chain's end, in id order, with their canonical text. */
export const eventsAfter = (db: Db, afterId: number, limit: number): Promise<CanonicalRow[]> =>
  db<CanonicalRow[]>`SELECT e.id, ${canonicalEvent(db)} AS canonical FROM audit_event e WHERE e.id > ${afterId} ORDER BY e.id LIMIT ${limit}`

/** A link as written and read back: audit_link's row (generated). */
export type NewLink = AuditLinkRow

export const insertLinks = async (tx: Tx, links: NewLink[]): Promise<void> => {
  if (links.length === 0) return
  await tx`
    INSERT INTO audit_link (event_id, kind, prev_hash, hash)
    SELECT * FROM unnest(${links.map((l) => l.event_id)}::bigint[], ${links.map((l) => l.kind)}::text[],
                         ${links.map((l) => l.prev_hash)}::text[], ${links.map((l) => l.hash)}::text[])`
}

export const updateChainHead = (
  tx: Tx,
  h: Omit<ChainHeadRow, 'built_at'>,
) =>
  tx`
    UPDATE audit_chain_head
       SET last_id = ${h.last_id}, last_hash = ${h.last_hash}, settled_id = ${h.settled_id},
           watermark_id = ${h.watermark_id}, watermark_xmax = ${h.watermark_xmax}::xid8, built_at = clock_timestamp()
     WHERE singleton`

export const countEventsAfter = async (db: Db, afterId: number): Promise<number> =>
  (await db<{ n: number }[]>`SELECT count(*)::int8 AS n FROM audit_event WHERE id > ${afterId}`)[0]!.n

// ---- Verification (owner only): the trail by ranges of ids ----

export interface VerifyEventRow extends AuditEventRow {
  canonical: Buffer
  legacy_prev_hash: string | null
  legacy_hash: string | null
}

/** Events with lo ≤ id < hi, with their canonical text and (written before migration 0014) their old SHA-256 link. */
export const eventsInRange = (db: Db, lo: number, hi: number): Promise<VerifyEventRow[]> =>
  db<VerifyEventRow[]>`
    SELECT e.*, ${canonicalEvent(db)} AS canonical, g.prev_hash AS legacy_prev_hash, g.hash AS legacy_hash
    FROM audit_event e LEFT JOIN audit_legacy_link g ON g.event_id = e.id
    WHERE e.id >= ${lo} AND e.id < ${hi} ORDER BY e.id`

export const linksInRange = (db: Db, lo: number, hi: number): Promise<AuditLinkRow[]> =>
  db<AuditLinkRow[]>`SELECT event_id, kind, prev_hash, hash FROM audit_link WHERE event_id >= ${lo} AND event_id < ${hi} ORDER BY event_id`

export const legacyLinksInRange = (db: Db, lo: number, hi: number): Promise<AuditLegacyLinkRow[]> =>
  db<AuditLegacyLinkRow[]>`
    SELECT event_id, prev_hash, hash FROM audit_legacy_link WHERE event_id >= ${lo} AND event_id < ${hi} ORDER BY event_id`

/** The highest id anything of the trail uses: events, links, old links. */
export const trailEnd = async (db: Db): Promise<{ max_id: number; events: number }> =>
  (await db<{ max_id: number; events: number }[]>`
    SELECT greatest((SELECT max(id) FROM audit_event), (SELECT max(event_id) FROM audit_link),
                    (SELECT max(event_id) FROM audit_legacy_link), 0) AS max_id,
           (SELECT count(*) FROM audit_event) AS events`)[0]!

/** The first id after `afterId` that anything of the trail uses, or null. */
export const trailNextId = async (db: Db, afterId: number): Promise<number | null> =>
  (await db<{ id: number | null }[]>`
    SELECT least((SELECT min(id) FROM audit_event WHERE id > ${afterId}), (SELECT min(event_id) FROM audit_link WHERE event_id > ${afterId}),
                 (SELECT min(event_id) FROM audit_legacy_link WHERE event_id > ${afterId})) AS id`)[0]!.id


/** Ids below 1 in the trail's tables (none belong there). */
export const idsBelowOne = async (db: Db): Promise<number[]> =>
  (await db<{ id: number }[]>`
    SELECT id FROM audit_event WHERE id < 1 UNION SELECT event_id FROM audit_link WHERE event_id < 1
    UNION SELECT event_id FROM audit_legacy_link WHERE event_id < 1 ORDER BY 1 LIMIT 10000`).map((r) => r.id)
