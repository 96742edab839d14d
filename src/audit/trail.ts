// Recording to the audit trail, and an event as the API shows it (views.ts AuditEvent).
import type { Actor } from '../platform/actor.ts'
import type { Db } from '../platform/db.ts'
import { diffChanges } from './chain.ts'
import * as q from './queries.ts'
import type { AuditEventView } from './views.ts'

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
  for (const r of [input.after, input.before]) {
    if (!r) continue
    const b = ('branch_code' in r ? r.branch_code : undefined) ?? ('branchCode' in r ? r.branchCode : undefined)
    if (typeof b === 'string') return b
  }
  return null
}

/**
 * Appends one event to the trail, inside the caller's transaction (so the event exists exactly
 * when the change does). One INSERT and nothing else: no lock is taken, so audited writes run in
 * parallel (issue 13 §1). The database stamps the id and the time; the event is readable at once
 * and joins the keyed hash chain when the builder reaches it (src/audit/builder.ts).
 */
export async function recordAudit(db: Db, actor: Actor, input: AuditInput): Promise<{ id: number }> {
  const id = await q.insertEvent(db, {
    actor_kind: actor.kind,
    actor_user_id: actor.userId,
    actor_partner_id: actor.partnerId,
    actor_name: actor.name,
    actor_role: actor.role,
    ip: actor.ip,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId === undefined || input.entityId === null ? null : String(input.entityId),
    branch_code: branchOf(input),
    changes: diffChanges(input.before, input.after),
  })
  return { id }
}

export function eventView(e: q.AuditEventRow & { hash: string | null }): AuditEventView {
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
