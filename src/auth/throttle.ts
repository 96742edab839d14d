// Login throttling rules: an account locks after repeated failures in a row, and an address is
// throttled after too many failures in a sliding window, whichever account they aimed at. Pure.

export interface LockState {
  failedAttempts: number
  lockedUntil: Date | null
}

export interface LockPolicy {
  lockAfterFailures: number
  lockMinutes: number
}

/** The moment a locked account opens again, or undefined when it is not locked at `now`. */
export function lockedUntil(state: LockState, now: Date): Date | undefined {
  return state.lockedUntil && state.lockedUntil.getTime() > now.getTime() ? state.lockedUntil : undefined
}

/**
 * The account's state after one more login attempt is counted. Attempts are counted before their
 * password is checked (the right one withdraws its count), so this is the state should it fail. A
 * lock that has run out starts the count afresh, so one mistake after a lock does not lock again
 * at once.
 */
export function afterFailure(state: LockState, now: Date, policy: LockPolicy): LockState & { justLocked: boolean } {
  const expired = state.lockedUntil !== null && state.lockedUntil.getTime() <= now.getTime()
  const failedAttempts = (expired ? 0 : state.failedAttempts) + 1
  if (failedAttempts >= policy.lockAfterFailures) {
    return { failedAttempts, lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000), justLocked: true }
  }
  return { failedAttempts, lockedUntil: expired ? null : state.lockedUntil, justLocked: false }
}

export interface WindowPolicy {
  ipMaxFailures: number
  ipWindowMinutes: number
}

/**
 * When an address may try again, given the times of its failures in the window (oldest first),
 * or undefined when it may try now.
 */
export function addressRetryAt(failures: Date[], now: Date, policy: WindowPolicy): Date | undefined {
  const windowMs = policy.ipWindowMinutes * 60_000
  const recent = failures.filter((f) => now.getTime() - f.getTime() < windowMs)
  if (recent.length < policy.ipMaxFailures) return undefined
  // The window opens again once enough of the oldest failures have aged out of it.
  const freeing = recent[recent.length - policy.ipMaxFailures]!
  return new Date(freeing.getTime() + windowMs)
}
