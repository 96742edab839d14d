// The audit trail's rules: what an event records of a change, and the unkeyed hash that linked
// events before migration 0014 (still checked for those events; the keyed links are links.ts).
// Pure: values in, values out.
import crypto from 'node:crypto'
import { maskNik, scrubNiks } from '../platform/privacy.ts'
import { canonicalJson } from '../platform/canonical-json.ts'

/** The hash the first link chains to (both schemes). */
export const GENESIS_HASH = '0'.repeat(64)

/** An audit event as 0007's chain hashed it. */
export interface AuditRow {
  id: number
  at: Date
  actorKind: string
  actorUserId: number | null
  actorPartnerId: number | null
  actorName: string
  actorRole: string | null
  ip: string | null
  action: string
  entityType: string
  entityId: string | null
  branchCode: string | null
  changes: AuditChanges | null
  prevHash: string
}

export interface AuditChanges {
  before?: Record<string, unknown>
  after?: Record<string, unknown>
}

export { canonicalJson } from '../platform/canonical-json.ts'

/**
 * 0007's link: SHA-256 (hex) over the canonical JSON of the row as JavaScript read it back, its
 * chain link included. Unkeyed, and over JavaScript's reading of the row (a number past 2^53 reads
 * rounded), hence the keyed links over PostgreSQL's own rendering since 0014; kept to verify the
 * events written before (src/audit/verify.ts).
 */
export function auditHash(row: AuditRow): string {
  const canonical = canonicalJson([
    row.id,
    row.at.toISOString(),
    row.actorKind,
    row.actorUserId,
    row.actorPartnerId,
    row.actorName,
    row.actorRole,
    row.ip,
    row.action,
    row.entityType,
    row.entityId,
    row.branchCode,
    row.changes,
    row.prevHash,
  ])
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex')
}

// Secrets never enter the trail, not even hashed: a password hash is still worth stealing.
const SECRET_KEY = /(password|secret|token|cipher|nik_hash|nikHash|csrf)/i

/**
 * A value as the trail keeps it: NIKs masked (UU 27/2022 PDP), secrets and binary data left out,
 * dates as ISO text, and nothing JSON or jsonb would change on the way back.
 */
export function auditValue(value: unknown, depth = 0): unknown {
  if (value === undefined) return undefined
  if (value === null) return null
  if (depth > 8) return '[deep]'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return undefined
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string') return scrubNiks(value).replace(/\u0000/g, '')
  if (typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map((v) => auditValue(v, depth + 1) ?? null)
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k)) continue
      const av = /^nik$/i.test(k) && typeof v === 'string' ? maskNik(v) : auditValue(v, depth + 1)
      if (av !== undefined) out[k] = av
    }
    return out
  }
  return undefined
}

/**
 * The changed fields of a record: before and after of each field whose value differs. A creation
 * (no before) keeps every field of after; a removal every field of before.
 */
export function diffChanges(before: object | null | undefined, after: object | null | undefined): AuditChanges | null {
  const b = before ? (auditValue(before) as Record<string, unknown>) : undefined
  const a = after ? (auditValue(after) as Record<string, unknown>) : undefined
  if (!b && !a) return null
  if (!b) return { after: a! }
  if (!a) return { before: b }
  const out: Required<AuditChanges> = { before: {}, after: {} }
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (canonicalJson(b[k] ?? null) === canonicalJson(a[k] ?? null)) continue
    if (k in b) out.before[k] = b[k]
    if (k in a) out.after[k] = a[k]
  }
  return out
}
