import { test } from 'node:test'
import assert from 'node:assert/strict'
import { addressRetryAt, afterFailure, lockedUntil } from './throttle.ts'

const policy = { lockAfterFailures: 5, lockMinutes: 15 }
const t0 = new Date('2026-03-01T08:00:00Z')
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)

test('the fifth failure in a row locks the account for 15 minutes', () => {
  let s = { failedAttempts: 0, lockedUntil: null as Date | null }
  for (let i = 1; i <= 4; i++) {
    const n = afterFailure(s, t0, policy)
    assert.deepEqual(n, { failedAttempts: i, lockedUntil: null, justLocked: false })
    s = n
  }
  const fifth = afterFailure(s, t0, policy)
  assert.deepEqual(fifth, { failedAttempts: 5, lockedUntil: at(15), justLocked: true })
  assert.deepEqual(lockedUntil(fifth, at(14.99)), at(15))
  assert.equal(lockedUntil(fifth, at(15)), undefined)
})

test('after a lock runs out, counting starts afresh', () => {
  const locked = { failedAttempts: 5, lockedUntil: at(15) }
  assert.deepEqual(afterFailure(locked, at(16), policy), { failedAttempts: 1, lockedUntil: null, justLocked: false })
})

test('an address is throttled at 20 failures within 15 minutes, until the oldest ages out', () => {
  const w = { ipMaxFailures: 20, ipWindowMinutes: 15 }
  const failures = Array.from({ length: 20 }, (_, i) => at(i * 0.5)) // 08:00 … 08:09:30
  assert.equal(addressRetryAt(failures.slice(0, 19), at(10), w), undefined)
  assert.deepEqual(addressRetryAt(failures, at(10), w), at(15))
  // At 08:15 the 08:00 failure has left the window: 19 remain.
  assert.equal(addressRetryAt(failures, at(15), w), undefined)
})
