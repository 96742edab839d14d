// The contribution module's events for the outside world (docs/events.md), written to the outbox
// in the transaction of the change (src/outbox): references and amounts, never a NIK or a name.
import type { OutboxEventInput } from '../outbox/index.ts'

/** bill.issued: a member was billed; pay it with paymentCode before expiresAt. */
export function billIssued(b: { participantId: number; kpj: string; paymentCode: string; periods: string[]; amount: number; issuedAt: Date; expiresAt: Date }): OutboxEventInput {
  return {
    type: 'bill.issued',
    aggregate: { type: 'bill', id: b.paymentCode },
    shardKey: b.participantId,
    payload: {
      kpj: b.kpj,
      paymentCode: b.paymentCode,
      periods: [...b.periods],
      amount: b.amount,
      issuedAt: b.issuedAt.toISOString(),
      expiresAt: b.expiresAt.toISOString(),
    },
  }
}

/** payment.posted: a payment was recorded against a bill; covered are the months it holds. */
export function paymentPosted(p: {
  participantId: number
  kpj: string
  paymentId: number
  paymentCode: string
  amount: number
  channel: string
  reference: string
  paidAt: Date
  receivedAt: Date
  periods: string[]
  covered: string[]
}): OutboxEventInput {
  return {
    type: 'payment.posted',
    aggregate: { type: 'payment', id: p.paymentId },
    shardKey: p.participantId,
    payload: {
      kpj: p.kpj,
      paymentId: p.paymentId,
      paymentCode: p.paymentCode,
      amount: p.amount,
      channel: p.channel,
      reference: p.reference,
      paidAt: p.paidAt.toISOString(),
      receivedAt: p.receivedAt.toISOString(),
      periods: [...p.periods],
      covered: [...p.covered],
    },
  }
}
