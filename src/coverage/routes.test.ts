// GET /participants/{kpj}/coverage?explain=true over HTTP: bills and payments made through the API
// at the app's clock, and the month-by-month explanation of the status they leave.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, seedParticipant, type RoleSession } from '../../test/auth.ts'

let t: TestApp
let now = new Date('2025-01-06T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => now })
})
after(() => t.close())

const code = (r: LightMyRequestResponse) => `${r.statusCode} ${r.json().error?.code ?? ''}`.trim()

/** A Blitar officer signed in at the app's clock (tokens last 15 minutes of it). */
const officer = () => as(t, 'branch_officer', { branchCodes: ['KC3505'] })

async function billAndPay(s: RoleSession, kpj: string, months: number, reference: string) {
  const bill = await t.app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/bills`, headers: s.headers, payload: { months } })
  assert.equal(bill.statusCode, 201, bill.body)
  const { paymentCode, amount } = bill.json() as { paymentCode: string; amount: number }
  const paid = await t.app.inject({ method: 'POST', url: '/api/v1/payments', headers: s.headers, payload: { paymentCode, amount, reference, channel: 'branch', paidAt: now.toISOString() } })
  assert.equal(paid.statusCode, 201, paid.body)
  return { amount, paymentId: (paid.json() as { id: number }).id }
}

test('explain=true: January paid on 6 January; February–March in grace, paid as arrears on 20 April with April', async () => {
  const p = await seedParticipant(t.ctx.systemDb)
  let s = await officer()
  const jan = await billAndPay(s, p.kpj, 1, 'KAS-JAN')
  assert.equal(jan.amount, 16_800) // JKK Rp10,000 (1% of Rp1,000,000) + JKM Rp6,800 (PP 44/2015)
  now = new Date('2025-04-20T03:00:00Z')
  s = await officer()
  // In grace (three unpaid months since January, Perdir 22/PERDIR.02/072022): billed the arrears first.
  const arrears = await billAndPay(s, p.kpj, 3, 'KAS-APR')
  assert.equal(arrears.amount, 50_400)

  const plain = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${p.kpj}/coverage`, headers: s.headers })
  assert.equal(plain.statusCode, 200)
  assert.equal('explanation' in plain.json(), false, 'explained only when asked')

  const r = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${p.kpj}/coverage?explain=true`, headers: s.headers })
  assert.equal(r.statusCode, 200, r.body)
  const body = r.json()
  assert.equal(body.status, 'active')
  const e = body.explanation
  assert.deepEqual([e.graceMonths, e.from, e.to, e.status, e.rule, e.regulation], [3, '2023-05', '2025-04', 'active', 'paid', 'PP 44/2015'])
  assert.equal(e.months.length, 24)
  assert.ok(e.months.slice(0, 20).every((m: { status: string; rule: string }) => m.status === 'unpaid' && m.rule === 'unpaid'))
  type Month = { period: string; status: string; rule: string; regulation: string; paidBy: { paymentId: number; knownOn: string; billedPeriod: string } | null; graceMonthsLeft: number | null; graceUntil: string | null; events: unknown[] }
  const last = (e.months as Month[]).slice(20).map((m) => [m.period, m.status, m.rule, m.regulation, m.paidBy?.paymentId ?? null, m.paidBy?.knownOn ?? null, m.graceMonthsLeft, m.graceUntil])
  assert.deepEqual(last, [
    ['2025-01', 'active', 'paid', 'PP 44/2015', jan.paymentId, '2025-01-06', null, null],
    ['2025-02', 'grace', 'arrears_paid', 'Perdir 22/PERDIR.02/072022', arrears.paymentId, '2025-04-20', 2, '2025-04-30'],
    ['2025-03', 'grace', 'arrears_paid', 'Perdir 22/PERDIR.02/072022', arrears.paymentId, '2025-04-20', 1, '2025-04-30'],
    ['2025-04', 'active', 'paid', 'PP 44/2015', arrears.paymentId, '2025-04-20', null, null],
  ])
  assert.deepEqual((e.months as Month[])[23]!.events, [{ from: '2025-04-20', status: 'active', event: 'arrears_paid' }])
  assert.deepEqual(e.payments, [
    { paymentId: jan.paymentId, knownAt: '2025-01-06T03:00:00.000Z', knownOn: '2025-01-06', months: ['2025-01'] },
    { paymentId: arrears.paymentId, knownAt: '2025-04-20T03:00:00.000Z', knownOn: '2025-04-20', months: ['2025-02', '2025-03', '2025-04'] },
  ])

  // As it stood on 31 March: in grace, the third unpaid month, arrears payable until 30 April.
  const march = (await t.app.inject({ method: 'GET', url: `/api/v1/participants/${p.kpj}/coverage?date=2025-03-31&explain=true`, headers: s.headers })).json()
  assert.deepEqual([march.explanation.status, march.explanation.rule, march.explanation.to], ['grace', 'grace', '2025-03'])
  assert.deepEqual(march.explanation.payments.map((x: { months: string[] }) => x.months), [['2025-01']])
})

test('explain must be true or false, and a member outside the caller\'s branches is not found', async () => {
  const s = await officer()
  const p = await seedParticipant(t.ctx.systemDb)
  const bad = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${p.kpj}/coverage?explain=maybe`, headers: s.headers })
  assert.equal(code(bad), '400 VALIDATION_FAILED')
  const malang = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3507', villageCode: '35.07.01.2001' })
  const hidden = await t.app.inject({ method: 'GET', url: `/api/v1/participants/${malang.kpj}/coverage?explain=true`, headers: s.headers })
  assert.equal(hidden.statusCode, 404, hidden.body)
})
