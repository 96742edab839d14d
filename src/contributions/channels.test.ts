import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, type Actor, type Role } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { channelFor, type PaymentChannel } from './channels.ts'

const KNOWN = new Map<string, PaymentChannel>(
  ([
    ['bri', 'bank', []],
    ['jmo', 'partner', []],
    ['branch', 'counter', ['admin', 'branch_officer']],
    ['apbd', 'budget', []],
    ['bank_lama', 'retired', []],
  ] as [string, PaymentChannel['kind'], Role[]][]).map(([code, kind, userRoles]) => [code, { code, kind, userRoles }]),
)
const user = (role: Role, over: Partial<Actor> = {}): Actor => ({ ...ANONYMOUS_ACTOR, kind: 'user', userId: 5, role, ...over })
const key = (partnerId: number): Actor => ({ ...ANONYMOUS_ACTOR, kind: 'partner_key', role: 'partner', partnerId })
const refusal = (r: string | AppError) => (r instanceof AppError ? `${r.status} ${r.code} ${r.fields[0]?.path}` : r)

test('a partner key posts as its bound channel, named or not, and as no other', () => {
  assert.equal(channelFor(key(8201), undefined, KNOWN, 'bri'), 'bri')
  assert.equal(channelFor(key(8201), 'bri', KNOWN, 'bri'), 'bri')
  // The finding: a marketplace partner naming the bank's channel.
  assert.equal(refusal(channelFor(key(8101), 'bri', KNOWN, 'jmo')), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
  assert.equal(refusal(channelFor(key(8101), 'branch', KNOWN, 'jmo')), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
  assert.equal(refusal(channelFor(key(8301), undefined, KNOWN, undefined)), '403 PAYMENT_CHANNEL_FORBIDDEN channel', 'no binding, no posting')
})

test("a partner's signed-in user posts as a partner platform's channel, never a bank's", () => {
  assert.equal(channelFor(user('partner', { partnerId: 8101 }), undefined, KNOWN, 'jmo'), 'jmo')
  assert.equal(refusal(channelFor(user('partner', { partnerId: 8201 }), undefined, KNOWN, 'bri')), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
})

test('staff post counter channels of their role only; a bank channel or an unknown one is refused', () => {
  assert.equal(channelFor(user('branch_officer'), 'branch', KNOWN, undefined), 'branch')
  assert.equal(channelFor(user('admin'), 'branch', KNOWN, undefined), 'branch')
  assert.equal(refusal(channelFor(user('branch_officer'), 'bri', KNOWN, undefined)), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
  assert.equal(refusal(channelFor(user('admin'), 'apbd', KNOWN, undefined)), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
  assert.equal(refusal(channelFor(user('admin'), 'bank_lama', KNOWN, undefined)), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
  assert.equal(refusal(channelFor(user('sponsor'), 'branch', KNOWN, undefined)), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
  assert.equal(refusal(channelFor(user('branch_officer'), 'fax', KNOWN, undefined)), '400 PAYMENT_CHANNEL_UNKNOWN channel')
  assert.equal(refusal(channelFor(user('branch_officer'), undefined, KNOWN, undefined)), '400 PAYMENT_CHANNEL_UNKNOWN channel')
  assert.equal(refusal(channelFor(ANONYMOUS_ACTOR, 'branch', KNOWN, undefined)), '403 PAYMENT_CHANNEL_FORBIDDEN channel')
})

test("Jamsos's own imports post any known channel, retired ones included, and must name it", () => {
  for (const code of ['bri', 'jmo', 'branch', 'apbd', 'bank_lama']) assert.equal(channelFor(SYSTEM_ACTOR, code, KNOWN, undefined), code)
  assert.equal(refusal(channelFor(SYSTEM_ACTOR, 'fax', KNOWN, undefined)), '400 PAYMENT_CHANNEL_UNKNOWN channel')
  assert.equal(refusal(channelFor(SYSTEM_ACTOR, undefined, KNOWN, undefined)), '400 PAYMENT_CHANNEL_UNKNOWN channel')
})
