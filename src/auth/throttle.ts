// Login throttling rules (docs/security.md §2, "Throttling"). Pure.
//
// Three counts, all of failed logins (an attempt is counted before its password is checked; the
// right password withdraws it):
//
//   per address        any usernames, sliding window          → 429 AUTH_THROTTLED
//   per (account, address)  sliding window                     → 423 AUTH_LOCKED, for that address only
//   per account        all addresses, each counting at most    → 429 AUTH_ACCOUNT_THROTTLED, growing
//                      lockAfterFailures; addresses the account   delays, except from addresses the
//                      signed in from recently are exempt          account signed in from recently
//
// Accounts are counted by the username as typed (normalized), never by whether it exists, so an
// unknown username and a real one answer alike (issue 12 item 6). A lock per (account, address)
// instead of per account means an attacker hammering `admin` from one address locks out only
// that address (issue 12 §7, "lock-out as denial of service"); the account-wide delay still slows
// an attack spread over many addresses.
import { normalizeIP } from '@fastify/rate-limit'

/**
 * The network a client address counts as: an IPv4 address itself (an IPv4-mapped IPv6 address as
 * IPv4), an IPv6 address as its /64. A /64 is one subscriber's network (RFC 4291 interface ids,
 * RFC 6177 end-site allocations): one host can take any of its 2^64 addresses, so counting per
 * address would give an attacker endless fresh counts.
 */
export function clientNet(ip: string): string {
  const n = normalizeIP(ip, 64)
  return n.includes(':') ? `${n}/64` : n
}

export interface WindowPolicy {
  /** Failures within the window that close it. */
  max: number
  windowMinutes: number
}

/**
 * When a sliding window opens again, given the times of its failures (oldest first), or undefined
 * when it is open at `now`.
 */
export function windowRetryAt(failures: Date[], now: Date, policy: WindowPolicy): Date | undefined {
  const windowMs = policy.windowMinutes * 60_000
  const recent = failures.filter((f) => now.getTime() - f.getTime() < windowMs)
  if (recent.length < policy.max) return undefined
  // The window opens again once enough of the oldest failures have aged out of it.
  const freeing = recent[recent.length - policy.max]!
  return new Date(freeing.getTime() + windowMs)
}

export interface AccountPolicy {
  /** Failures (capped per address) after which attempts are spaced out. */
  accountSlowAfter: number
  /** The most one address counts for (lockAfterFailures): one address alone never slows the account. */
  lockAfterFailures: number
  /** The longest delay, in minutes (lockMinutes). */
  lockMinutes: number
}

/** The first delay once an account is slowed; each further failure doubles it. */
export const FIRST_DELAY_SECONDS = 15

/**
 * When the account may be tried again from an address it does not know, given its failures in the
 * account window counted per address, and the latest of them; undefined when it may be tried now.
 */
export function accountRetryAt(perAddress: number[], latest: Date | null, now: Date, policy: AccountPolicy): Date | undefined {
  const n = perAddress.reduce((sum, c) => sum + Math.min(c, policy.lockAfterFailures), 0)
  if (n < policy.accountSlowAfter || !latest) return undefined
  const delayMs = Math.min(FIRST_DELAY_SECONDS * 1000 * 2 ** (n - policy.accountSlowAfter), policy.lockMinutes * 60_000)
  const at = new Date(latest.getTime() + delayMs)
  return at.getTime() > now.getTime() ? at : undefined
}
