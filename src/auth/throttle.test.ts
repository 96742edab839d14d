import { test } from 'node:test'
import assert from 'node:assert/strict'
import { accountRetryAt, clientNet, windowRetryAt } from './throttle.ts'

const t0 = new Date('2026-03-01T08:00:00Z')
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
const seconds = (s: number) => new Date(t0.getTime() + s * 1000)

test('an (account, address) pair locks at its fifth failure within 15 minutes, until the first ages out', () => {
  const pair = { max: 5, windowMinutes: 15 }
  const failures = [at(0), at(1), at(2), at(3)]
  assert.equal(windowRetryAt(failures, at(4), pair), undefined)
  assert.deepEqual(windowRetryAt([...failures, at(4)], at(4), pair), at(15))
  // At 08:15 the 08:00 failure has left the window: four remain, one more try.
  assert.equal(windowRetryAt([...failures, at(4)], at(15), pair), undefined)
})

test('an address is throttled at 20 failures within 15 minutes, until the oldest ages out', () => {
  const w = { max: 20, windowMinutes: 15 }
  const failures = Array.from({ length: 20 }, (_, i) => at(i * 0.5)) // 08:00 … 08:09:30
  assert.equal(windowRetryAt(failures.slice(0, 19), at(10), w), undefined)
  assert.deepEqual(windowRetryAt(failures, at(10), w), at(15))
  assert.equal(windowRetryAt(failures, at(15), w), undefined)
})

const account = { accountSlowAfter: 10, lockAfterFailures: 5, lockMinutes: 15 }

test('one address alone never slows an account down: it counts for at most five', () => {
  assert.equal(accountRetryAt([400], at(0), at(0), account), undefined)
  assert.equal(accountRetryAt([5, 4], at(0), at(0), account), undefined)
})

test('failures from many addresses space attempts out: 15 s, doubling, up to 15 minutes', () => {
  // Ten counted failures (two addresses at their cap): the next attempt waits 15 s after the latest.
  assert.deepEqual(accountRetryAt([5, 5], t0, t0, account), seconds(15))
  assert.equal(accountRetryAt([5, 5], t0, seconds(15), account), undefined)
  assert.deepEqual(accountRetryAt([5, 5, 1], t0, t0, account), seconds(30))
  assert.deepEqual(accountRetryAt([5, 5, 3], t0, t0, account), seconds(120))
  assert.deepEqual(accountRetryAt(Array(40).fill(5), t0, t0, account), at(15))
})

test('IPv6 callers count per /64, IPv4-mapped addresses as IPv4', () => {
  assert.equal(clientNet('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64')
  assert.equal(clientNet('2001:db8:1:2::1'), clientNet('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'))
  assert.notEqual(clientNet('2001:db8:1:2::1'), clientNet('2001:db8:1:3::1'))
  assert.equal(clientNet('::ffff:10.1.2.3'), '10.1.2.3')
  assert.equal(clientNet('10.1.2.3'), '10.1.2.3')
})
