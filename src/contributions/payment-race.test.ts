// Payment notices that race (issue 13 §6: the concurrent duplicate-payment rollback path of
// postPayments had no test). A bank retries a notice it got no answer for, or two channels' notices
// meet: whatever the interleaving, exactly one payment applies, the other notice gets its own error,
// and nothing of it is left half-written: no payment row, no paid month, no claimed reference, no
// audit event.
//
// A race only sometimes interleaves the way that matters, so each test holds both requests at one
// lock (a transaction of the test's own, on the owner's pool), waits until PostgreSQL reports both
// blocked by it, and then lets them go: both are then past what they read before either commits.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, seedParticipant, type RoleSession, type SeededParticipant } from '../../test/auth.ts'

let t: TestApp
let admin: RoleSession

before(async () => {
  t = await testApp()
  admin = await as(t, 'admin')
})
after(async () => t.close())

interface Bill {
  paymentCode: string
  amount: number
}

async function billFor(p: SeededParticipant): Promise<Bill> {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${p.kpj}/bills`, headers: admin.headers, payload: { months: 1 } })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

const post = (bill: Bill, reference: string): Promise<LightMyRequestResponse> =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/payments',
    headers: admin.headers,
    payload: { paymentCode: bill.paymentCode, amount: bill.amount, reference, channel: 'branch', paidAt: t.ctx.now().toISOString() },
  })

/**
 * Takes a lock in a transaction of its own and keeps it until release(); blocked(n) resolves once
 * n sessions of this database wait for a lock (on it, or on one another: the second in a row lock's
 * queue waits for the first).
 */
async function gate(lock: string, ...params: (string | number)[]) {
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  let pid!: number
  let ready!: () => void
  const held = new Promise<void>((r) => (ready = r))
  const done = t.ctx.systemDb.begin(async (tx) => {
    await tx.unsafe(lock, params)
    pid = (await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid
    ready()
    await released
  })
  await Promise.race([held, done])
  return {
    /** Resolves once n sessions wait; fails if the requests all finish first (nothing waited). */
    async blocked(n: number, requests: readonly Promise<unknown>[]) {
      let finished = false
      void Promise.allSettled(requests).then(() => (finished = true))
      for (;;) {
        if (finished) throw new Error(`the requests finished without waiting for "${lock}"`)
        const [{ waiting }] = (await t.ctx.systemDb<{ waiting: number }[]>`
          SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> ${pid}::int AND cardinality(pg_blocking_pids(pid)) > 0`) as unknown as [{ waiting: number }]
        if (waiting >= n) return
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    async release() {
      release()
      await done
    },
  }
}

/** What a notice with this reference left behind, and what the member holds. */
async function traces(p: SeededParticipant, reference: string) {
  const db = t.ctx.systemDb
  const [row] = await db<{ payments: number; months: number; claimed: number; events: number }[]>`
    SELECT (SELECT count(*)::int FROM payment WHERE participant_id = ${p.id}) AS payments,
           (SELECT count(*)::int FROM coverage_month WHERE participant_id = ${p.id}) AS months,
           (SELECT count(*)::int FROM payment_reference WHERE participant_id = ${p.id} AND reference = ${reference}) AS claimed,
           (SELECT count(*)::int FROM audit_event WHERE action = 'payment.post' AND changes -> 'after' ->> 'kpj' = ${p.kpj}) AS events`
  return row!
}

const errorOf = (r: LightMyRequestResponse) => (r.json() as { error: { code: string; fields?: { path: string }[] } }).error

test('one reference on two members’ bills, posted at once: one posts, the other is rolled back whole with 409 PAYMENT_REFERENCE_CONFLICT', { timeout: 60_000 }, async () => {
  const [x, y] = [await seedParticipant(t.ctx.systemDb), await seedParticipant(t.ctx.systemDb)]
  const [billX, billY] = [await billFor(x), await billFor(y)]
  // Different members, so the member locks do not order them: both find the reference free, both
  // insert their payment, and both then wait to claim the reference (held here).
  const g = await gate('LOCK TABLE payment_reference IN SHARE MODE')
  const racing = [post(billX, 'RACE-1'), post(billY, 'RACE-1')] as const
  try {
    await g.blocked(2, racing)
  } finally {
    await g.release()
  }
  const [rx, ry] = await Promise.all(racing)

  assert.deepEqual([rx.statusCode, ry.statusCode].sort(), [201, 409], `${rx.body}\n${ry.body}`)
  const [won, lost, winner, loser] = rx.statusCode === 201 ? [rx, ry, x, y] : [ry, rx, y, x]
  assert.equal(errorOf(lost).code, 'PAYMENT_REFERENCE_CONFLICT')
  assert.deepEqual(errorOf(lost).fields?.map((f) => f.path), ['reference'], `the error names the field: ${lost.body}`)
  assert.equal((won.json() as { kpj: string }).kpj, winner.kpj)
  assert.deepEqual(await traces(winner, 'RACE-1'), { payments: 1, months: 1, claimed: 1, events: 1 })
  assert.deepEqual(await traces(loser, 'RACE-1'), { payments: 0, months: 0, claimed: 0, events: 0 }, 'nothing of the losing notice is left')
  const bills = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${loser.kpj}/bills`, headers: admin.headers })
  assert.deepEqual((bills.json() as { status: string }[]).map((b) => b.status), ['open'], 'the loser’s bill is still open')

  // Sent again, the notice meets the reference the winner holds: the same answer, still nothing written.
  const again = await post(loser === x ? billX : billY, 'RACE-1')
  assert.equal(again.statusCode, 409)
  assert.equal(errorOf(again).code, 'PAYMENT_REFERENCE_CONFLICT')
  assert.deepEqual(await traces(loser, 'RACE-1'), { payments: 0, months: 0, claimed: 0, events: 0 })
})

test('the same notice twice at once (a bank’s retry): one payment, and both answers are that payment', { timeout: 60_000 }, async () => {
  const p = await seedParticipant(t.ctx.systemDb)
  const bill = await billFor(p)
  // Both wait for the member's row, which posting locks first.
  const g = await gate('SELECT 1 FROM participant WHERE id = $1 FOR UPDATE', p.id)
  const racing = [post(bill, 'RETRY-1'), post(bill, 'RETRY-1')] as const
  try {
    await g.blocked(2, racing)
  } finally {
    await g.release()
  }
  const [a, b] = await Promise.all(racing)

  assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 201], `${a.body}\n${b.body}`)
  assert.deepEqual(a.json(), b.json(), 'the replay answers the payment that posted')
  assert.deepEqual(await traces(p, 'RETRY-1'), { payments: 1, months: 1, claimed: 1, events: 1 })
})

test('two references for one bill at once: one pays it, the other is 409 BILL_ALREADY_PAID and leaves nothing', { timeout: 60_000 }, async () => {
  const p = await seedParticipant(t.ctx.systemDb)
  const bill = await billFor(p)
  const g = await gate('SELECT 1 FROM participant WHERE id = $1 FOR UPDATE', p.id)
  const racing = [post(bill, 'TWO-A'), post(bill, 'TWO-B')] as const
  try {
    await g.blocked(2, racing)
  } finally {
    await g.release()
  }
  const [a, b] = await Promise.all(racing)

  assert.deepEqual([a.statusCode, b.statusCode].sort(), [201, 409], `${a.body}\n${b.body}`)
  const [won, lost] = a.statusCode === 201 ? [a, b] : [b, a]
  assert.equal(errorOf(lost).code, 'BILL_ALREADY_PAID')
  const wonRef = (won.json() as { reference: string }).reference
  const lostRef = wonRef === 'TWO-A' ? 'TWO-B' : 'TWO-A'
  assert.deepEqual(await traces(p, wonRef), { payments: 1, months: 1, claimed: 1, events: 1 })
  assert.equal((await traces(p, lostRef)).claimed, 0, 'the losing reference is not claimed')
})
