// The card token: what the QR code on a membership card holds, and all a verifier sends back.
// Pure: no database, clock or network.
//
// Layout (33 bytes, 44 characters of base64url, no padding):
//
//   0      version (1: this layout and the v1 key)
//   1–5    KPJ as an unsigned 40-bit integer (11 digits < 10^11 < 2^37)
//   6–11   card id, unsigned 48-bit (membership_card.id)
//   12–16  issue time, unsigned 40-bit seconds since 1970 (until the year 36812)
//   17–32  HMAC-SHA256 over bytes 0–16, truncated to its first 16 bytes
//
// No NIK and no name: a photographed QR code tells nothing the printed card does not (the KPJ is
// on it), and everything else is looked up when the token is verified.
//
// Why HMAC and not Ed25519: a card's worth is its state today (revoked or not, coverage status),
// which only the server knows, so every verification asks the server anyway; a signature a
// clinic could check offline would only say the card was once issued, at twice the length (a
// 64-byte signature: a denser QR code, harder for a cheap phone's camera to read). The key never
// leaves the server. Truncating the tag to 128 bits is what RFC 2104 §5 allows (not less than
// half the hash's output) and leaves forging one at 2^-128 a try, with verification rate-limited.
import crypto from 'node:crypto'

export const TOKEN_VERSION = 1
const BODY_BYTES = 17
const TAG_BYTES = 16
export const TOKEN_BYTES = BODY_BYTES + TAG_BYTES
/** base64url of TOKEN_BYTES without padding. */
export const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3)
export const TOKEN_PATTERN = `^[A-Za-z0-9_-]{${TOKEN_LENGTH}}$`

const MAX_48 = 2 ** 48 - 1
const MAX_40 = 2 ** 40 - 1

export interface CardClaims {
  cardId: number
  kpj: string
  /** Whole seconds: the token keeps the issue time to the second. */
  issuedAt: Date
}

/**
 * The key card tokens are signed with, derived from the server's secret key (JAMSOS_AUTH_KEY, or
 * the generated <dataDir>/auth-keys.json: src/auth/secrets.ts) with HKDF-SHA256 (RFC 5869), so
 * every host sharing that key verifies every card, and the partner-secret encryption key is never
 * used for anything else. A new version byte names a new derivation when the key must change.
 */
export function cardTokenKey(serverKey: Buffer): Buffer {
  if (serverKey.length !== 32) throw new Error(`the server key must be 32 bytes, got ${serverKey.length}`)
  return Buffer.from(crypto.hkdfSync('sha256', serverKey, Buffer.alloc(0), `jamsos/membership-card-token/v${TOKEN_VERSION}`, 32))
}

function tag(key: Buffer, body: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(body).digest().subarray(0, TAG_BYTES)
}

/** The token for a card. Deterministic: the same card always gives the same token. */
export function signCardToken(key: Buffer, c: CardClaims): string {
  if (!/^\d{11}$/.test(c.kpj)) throw new Error(`a KPJ has 11 digits, got "${c.kpj}"`)
  if (!Number.isSafeInteger(c.cardId) || c.cardId < 1 || c.cardId > MAX_48) throw new Error(`card id ${c.cardId} does not fit the token`)
  const seconds = Math.floor(c.issuedAt.getTime() / 1000)
  if (!(seconds >= 0 && seconds <= MAX_40)) throw new Error(`issue time ${c.issuedAt.toISOString()} does not fit the token`)
  const body = Buffer.alloc(BODY_BYTES)
  body.writeUInt8(TOKEN_VERSION, 0)
  body.writeUIntBE(Number(c.kpj), 1, 5)
  body.writeUIntBE(c.cardId, 6, 6)
  body.writeUIntBE(seconds, 12, 5)
  return Buffer.concat([body, tag(key, body)]).toString('base64url')
}

/** Why a token is refused; the caller answers every one alike (CARD_TOKEN_INVALID). */
export type TokenProblem = 'format' | 'version' | 'signature'

export type TokenVerdict = { ok: true; claims: CardClaims } | { ok: false; problem: TokenProblem }

/**
 * Checks a token's form and signature. The signature is compared in constant time, and checked
 * before anything in the body is trusted: a token with one byte changed anywhere is refused.
 */
export function readCardToken(key: Buffer, token: string): TokenVerdict {
  if (typeof token !== 'string' || !new RegExp(TOKEN_PATTERN).test(token)) return { ok: false, problem: 'format' }
  const raw = Buffer.from(token, 'base64url')
  // base64url of 33 bytes has no spare bits, so a token decodes to exactly one byte string; this
  // guards against a decoder that would accept other text.
  if (raw.length !== TOKEN_BYTES || raw.toString('base64url') !== token) return { ok: false, problem: 'format' }
  const body = raw.subarray(0, BODY_BYTES)
  if (body.readUInt8(0) !== TOKEN_VERSION) return { ok: false, problem: 'version' }
  if (!crypto.timingSafeEqual(tag(key, body), raw.subarray(BODY_BYTES))) return { ok: false, problem: 'signature' }
  const kpj = String(body.readUIntBE(1, 5)).padStart(11, '0')
  const cardId = body.readUIntBE(6, 6)
  const issuedAt = new Date(body.readUIntBE(12, 5) * 1000)
  if (!/^\d{11}$/.test(kpj) || cardId < 1) return { ok: false, problem: 'format' }
  return { ok: true, claims: { cardId, kpj, issuedAt } }
}
