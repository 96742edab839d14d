// Sessions this process verified a moment ago (issue 12 §4: the token check was a query of its own
// on every request, before the request's own work). A token is looked up in the database at most
// once every SESSION_CACHE_MS per process; meanwhile its session and user are taken from here.
//
// What a cached session may still allow, and for how long (docs/security.md, "Sessions"):
// - expiry is checked on every request (an entry never outlives its session's expires_at);
// - logout, a password change or reset, and disabling an account end the session at once in the
//   process that did it (the security plugin empties the cache after every write to /auth and
//   /users), and within SESSION_CACHE_MS in the other processes of the deployment;
// - a refusal (unknown, revoked, expired, disabled) is never cached.
import crypto from 'node:crypto'
import type { SessionWithUser } from './queries.ts'

/** How long a verified session is trusted without asking the database again. */
export const SESSION_CACHE_MS = 2_000

/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 10_000

export class SessionCache {
  readonly #entries = new Map<string, { session: SessionWithUser; until: number }>()

  constructor(
    readonly ttlMs = SESSION_CACHE_MS,
    readonly max = MAX_ENTRIES,
  ) {}

  /** The key of a presented token: its SHA-256 (the token itself is not kept), per kind. */
  static key(token: string, kind: 'cookie' | 'bearer'): string {
    return `${kind}:${crypto.createHash('sha256').update(token).digest('base64url')}`
  }

  get(key: string, now: Date): SessionWithUser | undefined {
    const e = this.#entries.get(key)
    if (!e) return undefined
    if (now.getTime() >= e.until) {
      this.#entries.delete(key)
      return undefined
    }
    return e.session
  }

  set(key: string, session: SessionWithUser, now: Date): void {
    if (this.ttlMs <= 0) return
    this.#entries.delete(key)
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, { session, until: Math.min(now.getTime() + this.ttlMs, session.expires_at.getTime()) })
  }

  clear(): void {
    this.#entries.clear()
  }
}
