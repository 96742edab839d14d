// Payments over HTTP as an attacker would post them (issue 12, item 7): a partner naming a bank's
// channel, and a payer's paidAt set in the past to make a past day covered.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey, seedParticipant, type PartnerKeyHandle, type RoleSession } from '../../test/auth.ts'

let t: TestApp
let admin: RoleSession
// Bearer tokens last 15 minutes of the app's clock: a test that moves the clock signs in again.
let officer: RoleSession
let marketplace: PartnerKeyHandle
let bank: PartnerKeyHandle
// The clock the app and the partner signatures read; each test sets it.
let now = new Date('2025-06-09T03:00:00Z')

before(async () => {
  t = await testApp({ now: () => now })
  admin = await as(t, 'admin')
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  marketplace = await partnerKey(t, 8101)
  bank = await partnerKey(t, 8201)
})
after(() => t.close())

const send = (method: 'GET' | 'POST' | 'PUT', url: string, s: RoleSession, payload?: unknown) =>
  t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) })
const signed = (k: PartnerKeyHandle, method: string, url: string, body?: unknown) => t.app.inject(k.sign({ method, url, body }))
const code = (r: LightMyRequestResponse) => `${r.statusCode} ${r.json().error?.code ?? ''}`.trim()
const count = async (table: string) => Number((await t.db.sql.unsafe(`SELECT count(*) AS n FROM ${table}`))[0]!.n)

test('an administrator binds each partner to its channel: one partner per channel, only bank or partner channels, audited', async () => {
  const bind = (partnerId: number, channel: string, s = admin) => send('PUT', `/api/v1/partners/${partnerId}/payment-channel`, s, { channel })
  const jmo = await bind(8101, 'jmo')
  assert.equal(jmo.statusCode, 200, jmo.body)
  assert.deepEqual({ ...(jmo.json() as object), boundAt: undefined }, {
    partnerId: 8101, channel: { code: 'jmo', kind: 'partner', nameId: 'Aplikasi JMO', nameEn: 'JMO mobile app', userRoles: [] }, boundAt: undefined,
  })
  assert.equal((await bind(8201, 'bri')).statusCode, 200)
  assert.equal(code(await bind(8301, 'bri')), '409 PAYMENT_CHANNEL_TAKEN', 'only the bank itself posts as the bank')
  assert.equal(code(await bind(8301, 'branch')), '400 PAYMENT_CHANNEL_NOT_BINDABLE')
  assert.equal(code(await bind(8301, 'fax')), '400 PAYMENT_CHANNEL_UNKNOWN')
  assert.equal(code(await bind(8301, 'bni', officer)), '403 FORBIDDEN')
  const [event] = await t.db.sql`SELECT entity_id, changes FROM audit_event WHERE action = 'partner.payment_channel_bind' AND entity_id = '8201'`
  assert.deepEqual(event!.changes, { after: { channel: 'bri' } })
  const list = (await send('GET', '/api/v1/payment-channels', officer)).json().items as { code: string; kind: string; userRoles: string[] }[]
  assert.deepEqual(list.find((c) => c.code === 'bri'), { code: 'bri', kind: 'bank', nameId: 'Bank BRI', nameEn: 'Bank BRI', userRoles: [] })
  assert.deepEqual(list.find((c) => c.code === 'branch')!.userRoles, ['admin', 'branch_officer'])
})

test("a partner posting its own bill as the bank's channel is refused, and the bank's genuine notice then posts", async () => {
  now = new Date('2025-06-10T03:00:00Z')
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  // X joined through the marketplace (partner 8101); Y through BRI's agents (partner 8201).
  const x = await seedParticipant(t.ctx.systemDb, { partnerId: 8101 })
  const y = await seedParticipant(t.ctx.systemDb, { partnerId: 8201 })
  const billX = (await signed(marketplace, 'POST', `/api/v1/participants/${x.kpj}/bills`, { months: 1 })).json()
  const billY = (await signed(bank, 'POST', `/api/v1/participants/${y.kpj}/bills`, { months: 1 })).json()
  assert.equal(billX.amount, 16_800)
  const reference = 'BRI-20250610-778899'
  const before = [await count('payment'), await count('payment_reference')]

  // The attack: the marketplace claims a plausible BRI reference on channel "bri".
  const attack = await signed(marketplace, 'POST', '/api/v1/payments', { paymentCode: billX.paymentCode, amount: 16_800, reference, channel: 'bri', paidAt: now.toISOString() })
  assert.equal(code(attack), '403 PAYMENT_CHANNEL_FORBIDDEN')
  assert.equal(attack.json().error.fields[0].path, 'channel')
  assert.deepEqual([await count('payment'), await count('payment_reference')], before, 'nothing claimed')

  // BRI's own notice for Y, with that reference, posts.
  const genuine = await signed(bank, 'POST', '/api/v1/payments', { paymentCode: billY.paymentCode, amount: 16_800, reference, channel: 'bri', paidAt: now.toISOString() })
  assert.equal(genuine.statusCode, 201, genuine.body)
  assert.deepEqual([genuine.json().channel, genuine.json().covered], ['bri', ['2025-06']])

  // The marketplace posts as itself (channel left out): the same text is its own reference on "jmo".
  const own = await signed(marketplace, 'POST', '/api/v1/payments', { paymentCode: billX.paymentCode, amount: 16_800, reference, paidAt: now.toISOString() })
  assert.equal(own.statusCode, 201, own.body)
  assert.equal(own.json().channel, 'jmo')

  // A branch officer may not post as a bank either, only at its counter.
  const billZ = (await send('POST', `/api/v1/participants/${(await seedParticipant(t.ctx.systemDb)).kpj}/bills`, officer, { months: 1 })).json()
  const asBank = await send('POST', '/api/v1/payments', officer, { paymentCode: billZ.paymentCode, amount: 16_800, reference: 'BRI-20250610-778900', channel: 'bri', paidAt: now.toISOString() })
  assert.equal(code(asBank), '403 PAYMENT_CHANNEL_FORBIDDEN')
  const counter = await send('POST', '/api/v1/payments', officer, { paymentCode: billZ.paymentCode, amount: 16_800, reference: 'KAS-0001', channel: 'branch', paidAt: now.toISOString() })
  assert.equal(counter.statusCode, 201, counter.body)
  // A partner with no channel bound posts nothing.
  const unbound = await partnerKey(t, 8301)
  const none = await signed(unbound, 'POST', '/api/v1/payments', { paymentCode: billZ.paymentCode, amount: 16_800, reference: 'X-1', paidAt: now.toISOString() })
  assert.equal(code(none), '403 PAYMENT_CHANNEL_FORBIDDEN')
})

test('a payment posted today with yesterday\'s paidAt does not make yesterday covered: coverage counts from when Jamsos received it', async () => {
  now = new Date('2025-06-09T03:00:00Z') // 9 June, 10:00 WIB: the bill is issued
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const p = await seedParticipant(t.ctx.systemDb)
  const bill = (await send('POST', `/api/v1/participants/${p.kpj}/bills`, officer, { months: 1 })).json()
  now = new Date('2025-06-11T03:00:00Z') // 11 June: the day after an accident on 10 June
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const paid = await send('POST', '/api/v1/payments', officer, { paymentCode: bill.paymentCode, amount: 16_800, reference: 'KAS-0610', channel: 'branch', paidAt: '2025-06-10T01:00:00Z' })
  assert.equal(paid.statusCode, 201, paid.body)
  assert.deepEqual([paid.json().paidAt, paid.json().receivedAt], ['2025-06-10T01:00:00.000Z', '2025-06-11T03:00:00.000Z'])
  const on = async (date: string) => (await send('GET', `/api/v1/participants/${p.kpj}/coverage?date=${date}`, officer)).json()
  assert.equal((await on('2025-06-10')).status, 'unpaid', '10 June as it was known: nothing paid yet')
  const today = await on('2025-06-11')
  assert.equal(today.status, 'active')
  assert.equal(today.activeSince, '2025-06-11')
  assert.deepEqual(today.history, [{ from: '2025-06-11', status: 'active', event: 'first_payment' }])
})

test('paidAt may be at most JAMSOS_PAYMENT_SETTLEMENT_DAYS (7) before the notice arrives, and not after it', async () => {
  now = new Date('2025-06-01T03:00:00Z')
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const p = await seedParticipant(t.ctx.systemDb)
  const bill = (await send('POST', `/api/v1/participants/${p.kpj}/bills`, officer, { months: 1 })).json()
  now = new Date('2025-06-10T03:00:00Z')
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  const post = (paidAt: string, reference: string) =>
    send('POST', '/api/v1/payments', officer, { paymentCode: bill.paymentCode, amount: 16_800, reference, channel: 'branch', paidAt })
  const late = await post('2025-06-03T02:59:59Z', 'KAS-LATE')
  assert.equal(code(late), '400 PAYMENT_DATE_INVALID')
  assert.equal(late.json().error.fields[0].path, 'paidAt')
  assert.equal(code(await post('2025-06-10T03:05:01Z', 'KAS-AHEAD')), '400 PAYMENT_DATE_INVALID')
  const edge = await post('2025-06-03T03:00:00Z', 'KAS-EDGE')
  assert.equal(edge.statusCode, 201, edge.body)
  assert.equal(edge.json().receivedAt, '2025-06-10T03:00:00.000Z')
})
