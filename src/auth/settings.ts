// The identity module's knobs. Read from the environment once; tests and embedders may override
// any of them through ctx.services.authSettings. Every one is documented in docs/security.md.
import { ConfigError, type Config } from '../platform/config.ts'

export interface AuthSettings {
  /** scrypt cost N (power of two); JAMSOS_SCRYPT_COST through Config. */
  scryptCost: number
  /** Lifetime of a bearer token from POST /auth/token (JAMSOS_TOKEN_TTL_SECONDS, 900). */
  bearerTtlSeconds: number
  /** Lifetime of a browser session (JAMSOS_SESSION_TTL_SECONDS, 8 h). */
  sessionTtlSeconds: number
  /**
   * Failed logins for one account from one address (IPv6: one /64) within lockMinutes that lock the
   * account for that address only (JAMSOS_LOCK_AFTER_FAILURES, 5). Unknown usernames count alike.
   */
  lockAfterFailures: number
  /** The (account, address) window and how long its lock lasts (JAMSOS_LOCK_MINUTES, 15). */
  lockMinutes: number
  /**
   * Failed logins for one account from all addresses within accountWindowHours, each address
   * counting at most lockAfterFailures, after which attempts from addresses the account has not
   * signed in from are spaced out, 15 s doubling up to lockMinutes (JAMSOS_ACCOUNT_SLOW_AFTER, 10).
   */
  accountSlowAfter: number
  /** The account-wide window (JAMSOS_ACCOUNT_WINDOW_HOURS, 24). */
  accountWindowHours: number
  /** How long an address stays known to an account after a sign-in from it (JAMSOS_KNOWN_ADDRESS_DAYS, 30). */
  knownAddressDays: number
  /** Failed logins from one address within the window that throttle it (JAMSOS_IP_MAX_FAILURES, 20). */
  ipMaxFailures: number
  /** The per-address sliding window (JAMSOS_IP_WINDOW_MINUTES, 15). */
  ipWindowMinutes: number
  /** Partner signatures older (or newer) than this are refused (JAMSOS_SIGNATURE_WINDOW_SECONDS, 300). */
  signatureWindowSeconds: number
  /** How long a rotated partner key keeps working by default (JAMSOS_KEY_OVERLAP_HOURS, 24). */
  keyOverlapHours: number
  /** How long an Idempotency-Key is remembered (JAMSOS_IDEMPOTENCY_TTL_HOURS, 24). */
  idempotencyTtlHours: number
  /**
   * How long a command id (an Idempotency-Key that is a UUID, made by an offline client per
   * command) is remembered (JAMSOS_COMMAND_ID_RETENTION_DAYS, 90): longer than a phone stays
   * offline, so a command synced again weeks later is still a no-op.
   */
  commandIdRetentionDays: number
  /** Requests per minute per session or partner key (JAMSOS_RATE_LIMIT, 1200). */
  rateLimitPerMinute: number
  /** Requests per minute per address without accepted credentials, refused ones included (JAMSOS_RATE_LIMIT_ANONYMOUS, 300). */
  anonymousRateLimitPerMinute: number
  /** Requests per minute per address, counted before anything else (JAMSOS_RATE_LIMIT_ADDRESS, 5 × JAMSOS_RATE_LIMIT). */
  addressRateLimitPerMinute: number
  /** base64 32-byte key encrypting partner secrets (JAMSOS_AUTH_KEY); else <dataDir>/auth-keys.json. */
  secretKey: string | undefined
}

/**
 * The identity module's run-time services in ctx.services (src/app.ts builds them): the key that
 * encrypts partner secrets, loaded once at start (secrets.ts ensureAuthKey), and settings that
 * tests and embedders override instead of the environment.
 */
export interface AuthServices {
  authKey?: Buffer
  authSettings?: Partial<AuthSettings>
}

declare module '../platform/http.ts' {
  interface AppServices extends AuthServices {}
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer, got "${v}"`)
  return n
}

export function loadAuthSettings(config: Config, env: NodeJS.ProcessEnv = process.env, overrides: Partial<AuthSettings> = {}): AuthSettings {
  const rateLimitPerMinute = overrides.rateLimitPerMinute ?? int(env, 'JAMSOS_RATE_LIMIT', 1200)
  return {
    scryptCost: config.scryptCost,
    bearerTtlSeconds: int(env, 'JAMSOS_TOKEN_TTL_SECONDS', 900),
    sessionTtlSeconds: int(env, 'JAMSOS_SESSION_TTL_SECONDS', 8 * 3600),
    lockAfterFailures: int(env, 'JAMSOS_LOCK_AFTER_FAILURES', 5),
    lockMinutes: int(env, 'JAMSOS_LOCK_MINUTES', 15),
    ipMaxFailures: int(env, 'JAMSOS_IP_MAX_FAILURES', 20),
    ipWindowMinutes: int(env, 'JAMSOS_IP_WINDOW_MINUTES', 15),
    accountSlowAfter: int(env, 'JAMSOS_ACCOUNT_SLOW_AFTER', 10),
    accountWindowHours: int(env, 'JAMSOS_ACCOUNT_WINDOW_HOURS', 24),
    knownAddressDays: int(env, 'JAMSOS_KNOWN_ADDRESS_DAYS', 30),
    signatureWindowSeconds: int(env, 'JAMSOS_SIGNATURE_WINDOW_SECONDS', 300),
    keyOverlapHours: int(env, 'JAMSOS_KEY_OVERLAP_HOURS', 24),
    idempotencyTtlHours: int(env, 'JAMSOS_IDEMPOTENCY_TTL_HOURS', 24),
    commandIdRetentionDays: int(env, 'JAMSOS_COMMAND_ID_RETENTION_DAYS', 90),
    rateLimitPerMinute,
    anonymousRateLimitPerMinute: int(env, 'JAMSOS_RATE_LIMIT_ANONYMOUS', 300),
    // An office behind one NAT address holds many sessions: the address ceiling follows theirs.
    addressRateLimitPerMinute: int(env, 'JAMSOS_RATE_LIMIT_ADDRESS', 5 * rateLimitPerMinute),
    secretKey: env.JAMSOS_AUTH_KEY || undefined,
    ...overrides,
  }
}
