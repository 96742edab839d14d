// Partner API keys: a key id and a secret (shown once, kept encrypted), requests signed with
// HMAC-SHA256 (see signature.ts), rotation with an overlap window, revocation.
import crypto from 'node:crypto'
import type { Actor } from '../platform/actor.ts'
import { inTransaction, type Db } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { recordAudit } from '../audit/index.ts'
import type { AuthContext } from './accounts.ts'
import { AuthErrors as E } from './errors.ts'
import { open, randomToken, seal } from './secrets.ts'
import { parseTimestamp, signaturesMatch, signingString, timestampProblem } from './signature.ts'
import * as q from './queries.ts'
import type { PartnerKeyView } from './views.ts'

export interface KeyContext extends AuthContext {
  /** The AES-256-GCM key that seals partner secrets. */
  secretKey: Buffer
}

/** A key as the API shows it (never its secret): the PartnerKey schema of views.ts. */
export type { PartnerKeyView } from './views.ts'

export function partnerKeyView(k: q.PartnerKeyRow, now: Date): PartnerKeyView {
  return {
    keyId: k.key_id,
    partnerId: k.partner_id,
    createdAt: k.created_at.toISOString(),
    expiresAt: k.expires_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
    replacedBy: k.replaced_by,
    active: keyActive(k, now),
  }
}

function keyActive(k: q.PartnerKeyRow, now: Date): boolean {
  return !k.revoked_at && (!k.expires_at || k.expires_at.getTime() > now.getTime())
}

const auditedKey = (k: q.PartnerKeyRow) => ({ key_id: k.key_id, partner_id: k.partner_id, expires_at: k.expires_at, revoked_at: k.revoked_at, replaced_by: k.replaced_by })

async function insertKey(c: KeyContext, tx: Db, actor: Actor, partnerId: number): Promise<{ row: q.PartnerKeyRow; secret: string }> {
  const keyId = `pk_${crypto.randomBytes(8).toString('hex')}`
  const secret = randomToken('sk_')
  const row = await q.insertPartnerKey(tx, { keyId, partnerId, secretCipher: seal(c.secretKey, secret, keyId), createdAt: c.now, createdBy: actor.userId })
  return { row, secret }
}

/** A new key for a partner. The secret is in the answer and nowhere else in clear. */
export async function createPartnerKey(c: KeyContext, actor: Actor, partnerId: number): Promise<PartnerKeyView & { secret: string }> {
  return inTransaction(c.db, async (tx) => {
    const { row, secret } = await insertKey(c, tx, actor, partnerId)
    await recordAudit(tx, actor, { action: 'partner_key.create', entityType: 'partner_key', entityId: row.key_id, after: auditedKey(row) })
    return { ...partnerKeyView(row, c.now), secret }
  })
}

async function requireKey(db: Db, keyId: string): Promise<q.PartnerKeyRow> {
  const k = await q.findPartnerKey(db, keyId, { forUpdate: true })
  if (!k) throw new AppError(E.PARTNER_KEY_NOT_FOUND)
  return k
}

/**
 * Replaces a key: a new key is issued at once and the old one keeps working for the overlap
 * window, so the partner can deploy the new secret without a moment of refused requests.
 */
export async function rotatePartnerKey(
  c: KeyContext,
  actor: Actor,
  keyId: string,
  overlapHours: number,
): Promise<{ newKey: PartnerKeyView & { secret: string }; oldKey: PartnerKeyView }> {
  return inTransaction(c.db, async (tx) => {
    const old = await requireKey(tx, keyId)
    if (!keyActive(old, c.now)) throw new AppError(E.PARTNER_KEY_INACTIVE)
    const { row, secret } = await insertKey(c, tx, actor, old.partner_id)
    const expired = await q.expirePartnerKey(tx, old.key_id, new Date(c.now.getTime() + overlapHours * 3_600_000), row.key_id)
    await recordAudit(tx, actor, { action: 'partner_key.rotate', entityType: 'partner_key', entityId: old.key_id, before: auditedKey(old), after: auditedKey(expired) })
    await recordAudit(tx, actor, { action: 'partner_key.create', entityType: 'partner_key', entityId: row.key_id, after: auditedKey(row) })
    return { newKey: { ...partnerKeyView(row, c.now), secret }, oldKey: partnerKeyView(expired, c.now) }
  })
}

/** Revokes a key at once (a leaked secret). */
export async function revokePartnerKey(c: AuthContext, actor: Actor, keyId: string): Promise<PartnerKeyView> {
  return inTransaction(c.db, async (tx) => {
    const old = await requireKey(tx, keyId)
    const row = await q.revokePartnerKey(tx, keyId, c.now)
    if (!old.revoked_at)
      await recordAudit(tx, actor, { action: 'partner_key.revoke', entityType: 'partner_key', entityId: keyId, before: auditedKey(old), after: auditedKey(row) })
    return partnerKeyView(row, c.now)
  })
}

export async function listPartnerKeys(c: AuthContext, partnerId: number): Promise<PartnerKeyView[]> {
  return (await q.listPartnerKeys(c.db, partnerId)).map((k) => partnerKeyView(k, c.now))
}

export interface SignedRequest {
  keyId: string
  timestamp: string
  signature: string
  method: string
  /** Path with query string, exactly as sent. */
  url: string
  bodySha256: string
}

/** The actor a partner key acts as. */
export function actorFromKey(k: q.PartnerKeyRow, ip: string | null): Actor {
  return {
    kind: 'partner_key',
    userId: null,
    name: `partner ${k.partner_id} key ${k.key_id}`,
    role: 'partner',
    branchCodes: [],
    agentId: null,
    partnerId: k.partner_id,
    sponsorId: null,
    participantId: null,
    permissions: [],
    ip,
  }
}

/**
 * Checks a signed partner request: the time window, the key, the HMAC, and that the signature was
 * never used before (remembered in PostgreSQL, so every process refuses a replay).
 */
export async function verifySignedRequest(c: KeyContext, r: SignedRequest, ip: string | null): Promise<{ actor: Actor; key: q.PartnerKeyRow }> {
  const at = parseTimestamp(r.timestamp)
  if (!at) throw AppError.field(E.SIGNATURE_INVALID, 'X-Jamsos-Timestamp', 'RFC 3339 with an offset, or epoch seconds')
  const late = timestampProblem(at, c.now, c.settings.signatureWindowSeconds)
  if (late) {
    const w = c.settings.signatureWindowSeconds
    throw new AppError(E.SIGNATURE_EXPIRED, {
      reason: late === 'expired' ? `the timestamp is more than ${w} seconds old` : `the timestamp is more than ${w} seconds in the future`,
      details: { windowSeconds: w },
    })
  }
  const key = /^pk_[0-9a-f]{16}$/.test(r.keyId) ? await q.findPartnerKey(c.db, r.keyId) : undefined
  // An unknown, revoked or expired key looks the same from outside as a wrong signature.
  if (!key || !keyActive(key, c.now)) throw new AppError(E.SIGNATURE_INVALID, { reason: 'unknown or inactive key' })
  const secret = open(c.secretKey, key.secret_cipher, key.key_id)
  const expected = crypto.createHmac('sha256', secret).update(signingString(r.method, r.url, r.timestamp, r.bodySha256)).digest('hex')
  if (!signaturesMatch(expected, r.signature)) throw new AppError(E.SIGNATURE_INVALID, { reason: 'the signature does not match the request' })
  const keepUntil = new Date(Math.max(at.getTime(), c.now.getTime()) + c.settings.signatureWindowSeconds * 1000)
  if (!(await q.claimSignature(c.db, r.signature.toLowerCase(), keepUntil))) throw new AppError(E.SIGNATURE_REPLAYED)
  // Housekeeping for about one request in 256, chosen by the signature itself.
  if (r.signature.startsWith('00')) await q.deleteExpiredSignatures(c.db, c.now)
  return { actor: actorFromKey(key, ip), key }
}
