// Partner request signatures. A partner signs each request with its secret:
//
//   X-Jamsos-Key:       pk_…                      (key id)
//   X-Jamsos-Timestamp: 2026-03-01T08:00:00Z      (RFC 3339, or epoch seconds)
//   X-Jamsos-Signature: hex HMAC-SHA256(secret, METHOD \n path?query \n timestamp \n sha256hex(body))
//
// The timestamp must be within the window of the server's clock and each signature is accepted
// once, so a captured request can be neither replayed later nor replayed at once. Pure.
import crypto from 'node:crypto'

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex')
}

/** The exact text that is signed. `timestamp` is the header as sent, not a re-formatted date. */
export function signingString(method: string, pathWithQuery: string, timestamp: string, bodySha256Hex: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${bodySha256Hex}`
}

export function signRequest(secret: string, method: string, pathWithQuery: string, timestamp: string, body: string | Buffer = ''): string {
  return crypto.createHmac('sha256', secret).update(signingString(method, pathWithQuery, timestamp, sha256Hex(body))).digest('hex')
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(givenHex)) return false
  return crypto.timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex.toLowerCase(), 'hex'))
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

/** The instant a timestamp header names: epoch seconds or RFC 3339 with an offset. */
export function parseTimestamp(text: string): Date | undefined {
  if (/^\d{9,11}$/.test(text)) return new Date(Number(text) * 1000)
  if (!RFC3339.test(text)) return undefined
  const d = new Date(text)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** Why a request time is refused at `now`, or undefined when within the window either side. */
export function timestampProblem(at: Date, now: Date, windowSeconds: number): 'expired' | 'future' | undefined {
  const skew = (now.getTime() - at.getTime()) / 1000
  if (skew > windowSeconds) return 'expired'
  if (skew < -windowSeconds) return 'future'
  return undefined
}
