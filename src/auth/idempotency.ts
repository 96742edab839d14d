// Idempotency-Key: a client retrying a state-changing request (a timeout, a dropped connection)
// sends the same key again and gets the first answer back instead of doing the work twice. The
// same key with a different request is a client bug and is refused. Keys belong to the caller:
// two callers never see each other's answers.
import type { Actor } from '../platform/actor.ts'
import { canonicalJson } from '../audit/index.ts'
import { sha256Hex } from './signature.ts'

/** Whose keys these are, or null for callers whose retries are not remembered (anonymous). */
export function idempotencyScope(actor: Actor): string | null {
  if (actor.kind === 'user' && actor.userId !== null) return `user:${actor.userId}`
  // All of a partner's keys share one space, so a retry after a key rotation is still a retry.
  if (actor.kind === 'partner_key' && actor.partnerId !== null) return `partner:${actor.partnerId}`
  return null
}

/** Fingerprint of a request: method, URL and the body in canonical JSON (key order ignored). */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return sha256Hex(`${method.toUpperCase()} ${url}\n${body === undefined ? '' : canonicalJson(body)}`)
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

export function validIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key)
}

/** Whether an answer is final and worth replaying; a 5xx or a rate-limit refusal is not. */
export function replayable(status: number): boolean {
  return status < 500 && status !== 429
}
