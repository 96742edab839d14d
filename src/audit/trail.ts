// Recording to and checking the audit trail.
import type { Actor } from '../platform/actor.ts'
import { inTransaction, type Db, type Sql } from '../platform/db.ts'
import { auditHash, diffChanges, GENESIS_HASH, type AuditRow } from './chain.ts'
import * as q from './queries.ts'

export interface AuditInput {
  /** What happened, as `noun.verb`: participant.register, user.disable, participant.nik_reveal … */
  action: string
  entityType: string
  entityId?: string | number | null
  /** Branch of the record, so its branch officers can read the event; taken from the record when omitted. */
  branchCode?: string | null
  /** The record before the change (omit for a creation). Only changed fields are kept. */
  before?: object | null
  /** The record after the change (omit for a removal). */
  after?: object | null
}

function branchOf(input: AuditInput): string | null {
  if (input.branchCode !== undefined) return input.branchCode
  for (const r of [input.after, input.before] as (Record<string, unknown> | null | undefined)[]) {
    const b = r?.branch_code ?? r?.branchCode
    if (typeof b === 'string') return b
  }
  return null
}

/**
 * Appends one event to the trail, inside the caller's transaction (so the event exists exactly
 * when the change does). The chain head stays locked until that transaction ends: record the
 * event last, after the change itself, to keep the wait short for everyone else.
 */
export async function recordAudit(db: Db, actor: Actor, input: AuditInput): Promise<{ id: number; hash: string }> {
  return inTransaction(db, async (tx) => {
    const head = await q.beginAppend(tx)
    const row: AuditRow = {
      id: head.next_id,
      at: head.at,
      actorKind: actor.kind,
      actorUserId: actor.userId,
      actorPartnerId: actor.partnerId,
      actorName: actor.name,
      actorRole: actor.role,
      ip: actor.ip,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId === undefined || input.entityId === null ? null : String(input.entityId),
      branchCode: branchOf(input),
      changes: diffChanges(input.before as Record<string, unknown> | null | undefined, input.after as Record<string, unknown> | null | undefined),
      prevHash: head.prev_hash,
    }
    const hash = auditHash(row)
    await q.insertEvent(tx, toDb(row, hash))
    return { id: row.id, hash }
  })
}

function toDb(r: AuditRow, hash: string): q.AuditEventRow {
  return {
    id: r.id,
    at: r.at,
    actor_kind: r.actorKind,
    actor_user_id: r.actorUserId,
    actor_partner_id: r.actorPartnerId,
    actor_name: r.actorName,
    actor_role: r.actorRole,
    ip: r.ip,
    action: r.action,
    entity_type: r.entityType,
    entity_id: r.entityId,
    branch_code: r.branchCode,
    changes: r.changes,
    prev_hash: r.prevHash,
    hash,
  }
}

function fromDb(e: q.AuditEventRow): AuditRow {
  return {
    id: e.id,
    at: e.at,
    actorKind: e.actor_kind,
    actorUserId: e.actor_user_id,
    actorPartnerId: e.actor_partner_id,
    actorName: e.actor_name,
    actorRole: e.actor_role,
    ip: e.ip,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    branchCode: e.branch_code,
    changes: e.changes,
    prevHash: e.prev_hash,
  }
}

export type ChainVerdict =
  | { ok: true; count: number; headHash: string }
  | { ok: false; firstBrokenId: number; reason: string; count: number }

/**
 * Recomputes every event's hash and link, in id order, and compares the end with the head. Run it
 * on the owner's pool (the system pool): the application role sees only its scope.
 */
export async function verifyAuditChain(db: Db): Promise<ChainVerdict> {
  // One snapshot for the walk and the head, so appends made meanwhile do not look like damage.
  if ('savepoint' in db) return verifyIn(db)
  return (db as Sql).begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', (tx) => verifyIn(tx)) as Promise<ChainVerdict>
}

async function verifyIn(db: Db): Promise<ChainVerdict> {
  let expectedId = 1
  let prevHash = GENESIS_HASH
  let broken: { firstBrokenId: number; reason: string } | undefined
  let count = 0
  await q.walkEvents(db, (rows) => {
    for (const e of rows) {
      if (e.id !== expectedId) {
        broken = { firstBrokenId: expectedId, reason: e.id > expectedId ? `event ${expectedId} is missing (the next is ${e.id})` : `event ${e.id} is out of order` }
        return false
      }
      if (e.prev_hash !== prevHash) {
        broken = { firstBrokenId: e.id, reason: `its prev_hash does not match the hash of event ${e.id - 1}` }
        return false
      }
      if (auditHash(fromDb(e)) !== e.hash) {
        broken = { firstBrokenId: e.id, reason: 'its content does not match its hash (the row was changed)' }
        return false
      }
      prevHash = e.hash
      expectedId++
      count++
    }
    return true
  })
  if (broken) return { ok: false, count, ...broken }
  const head = await q.chainHead(db)
  if (head.last_id !== expectedId - 1) {
    return head.last_id > expectedId - 1
      ? { ok: false, count, firstBrokenId: expectedId, reason: `events ${expectedId} to ${head.last_id} are missing from the end of the trail` }
      : { ok: false, count, firstBrokenId: head.last_id + 1, reason: `the chain head says ${head.last_id} events, the table holds ${expectedId - 1}` }
  }
  if (head.last_hash !== prevHash) return { ok: false, count, firstBrokenId: head.last_id, reason: 'the chain head hash does not match the last event' }
  return { ok: true, count, headHash: prevHash }
}

export interface AuditEventView {
  id: number
  at: string
  actor: { kind: string; userId: number | null; partnerId: number | null; name: string; role: string | null; ip: string | null }
  action: string
  entityType: string
  entityId: string | null
  branchCode: string | null
  changes: q.AuditEventRow['changes']
  hash: string
}

export function eventView(e: q.AuditEventRow): AuditEventView {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: { kind: e.actor_kind, userId: e.actor_user_id, partnerId: e.actor_partner_id, name: e.actor_name, role: e.actor_role, ip: e.ip },
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    branchCode: e.branch_code,
    changes: e.changes,
    hash: e.hash,
  }
}
