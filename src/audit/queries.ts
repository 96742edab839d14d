// All SQL of the audit trail.
import type { Db } from '../platform/db.ts'
import type { AuditChanges } from './chain.ts'

export interface AuditEventRow {
  id: number
  at: Date
  actor_kind: string
  actor_user_id: number | null
  actor_partner_id: number | null
  actor_name: string
  actor_role: string | null
  ip: string | null
  action: string
  entity_type: string
  entity_id: string | null
  branch_code: string | null
  changes: AuditChanges | null
  prev_hash: string
  hash: string
}

/** Locks the chain's head until the transaction ends; the next id, the hash to link to, the time. */
export const beginAppend = async (db: Db): Promise<{ next_id: number; prev_hash: string; at: Date }> =>
  (await db<{ next_id: number; prev_hash: string; at: Date }[]>`SELECT next_id, prev_hash, at FROM jamsos_audit_begin()`)[0]!

export const insertEvent = (db: Db, e: AuditEventRow) =>
  db`
    INSERT INTO audit_event (id, at, actor_kind, actor_user_id, actor_partner_id, actor_name, actor_role, ip, action,
                             entity_type, entity_id, branch_code, changes, prev_hash, hash)
    VALUES (${e.id}, ${e.at}, ${e.actor_kind}, ${e.actor_user_id}, ${e.actor_partner_id}, ${e.actor_name}, ${e.actor_role}, ${e.ip},
            ${e.action}, ${e.entity_type}, ${e.entity_id}, ${e.branch_code},
            ${e.changes === null ? null : db.json(e.changes as never)}, ${e.prev_hash}, ${e.hash})`

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

/** Newest first. Row-level security decides which events the caller sees. */
export const listEvents = (db: Db, f: AuditFilter): Promise<AuditEventRow[]> =>
  db<AuditEventRow[]>`
    SELECT * FROM audit_event
    WHERE true
      ${f.entityType ? db`AND entity_type = ${f.entityType}` : db``}
      ${f.entityId ? db`AND entity_id = ${f.entityId}` : db``}
      ${f.actorId ? db`AND actor_user_id = ${f.actorId}` : db``}
      ${f.action ? db`AND action = ${f.action}` : db``}
      ${f.from ? db`AND at >= ${f.from}` : db``}
      ${f.to ? db`AND at < ${f.to}` : db``}
      ${f.beforeId ? db`AND id < ${f.beforeId}` : db``}
    ORDER BY id DESC
    LIMIT ${f.limit}`

export const chainHead = async (db: Db): Promise<{ last_id: number; last_hash: string }> =>
  (await db<{ last_id: number; last_hash: string }[]>`SELECT last_id, last_hash FROM audit_head WHERE singleton`)[0]!

/** Walks the whole trail in id order, a batch at a time; `visit` returns false to stop. */
export async function walkEvents(db: Db, visit: (rows: AuditEventRow[]) => boolean | Promise<boolean>, batch = 2000): Promise<void> {
  let after = 0
  for (;;) {
    const rows = await db<AuditEventRow[]>`SELECT * FROM audit_event WHERE id > ${after} ORDER BY id LIMIT ${batch}`
    if (rows.length === 0) return
    if (!(await visit([...rows]))) return
    after = rows[rows.length - 1]!.id
  }
}
