// Bills and payments. POST /payments is the door every incoming Rupiah comes through.
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import * as billing from './billing.ts'
import { BillView, ChannelView, PartnerChannelView, PaymentNotice, PaymentView } from './views.ts'

const KpjParams = Type.Object({ kpj: Type.String({ pattern: '^[0-9]{11}$' }) })

export async function contributionRoutes(app: App): Promise<void> {
  const tags = ['contributions']
  const ctx = (req: { actor: import('../platform/actor.ts').Actor }) => ({
    db: app.ctx.db,
    actor: req.actor,
    now: app.ctx.now(),
    policy: { graceMonths: app.ctx.config.graceMonths, billMonths: app.ctx.config.billMonths },
    settlementDays: app.ctx.config.paymentSettlementDays,
  })

  const BillBody = Type.Object({ months: Type.Integer({ minimum: 1, maximum: 12, description: 'How many months the bill covers' }) }, { additionalProperties: false })
  app.post('/participants/:kpj/bills', {
    schema: { tags, operationId: 'createBill', summary: 'Bill the next 1 to 12 months (arrears first while in grace)', params: KpjParams, body: BillBody, response: { 201: BillView } },
    config: { access: { roles: ['admin', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant'], write: true } },
  }, async (req, reply) =>
    reply.code(201).send(await billing.createBill(ctx(req), req.params.kpj, req.body.months)))

  app.get('/participants/:kpj/bills', {
    schema: { tags, operationId: 'listBills', summary: "A participant's bills, newest first", params: KpjParams, response: { 200: Type.Array(BillView) } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => billing.listBills(ctx(req), req.params.kpj))

  app.get('/participants/:kpj/payments', {
    schema: { tags, operationId: 'listPayments', summary: "A participant's payments, newest first", params: KpjParams, response: { 200: Type.Array(PaymentView) } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => billing.listPayments(ctx(req), req.params.kpj))

  app.post('/payments', {
    schema: {
      tags,
      operationId: 'postPayment',
      summary: 'Record a payment against a bill (the same notification twice changes nothing)',
      body: PaymentNotice,
      response: { 201: PaymentView, 200: PaymentView },
    },
    config: { access: { roles: ['admin', 'branch_officer', 'partner'], write: true } },
  }, async (req, reply) => {
    const posted = await billing.postPayment(ctx(req), req.body)
    return reply.code(posted.created ? 201 : 200).send(posted.payment)
  })

  app.get('/payment-channels', {
    schema: { tags, operationId: 'listPaymentChannels', summary: 'Payment channels and who may post as each', response: { 200: Type.Object({ items: Type.Array(ChannelView) }) } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => ({ items: await billing.listPaymentChannels({ db: app.ctx.db, actor: req.actor }) }))

  const PartnerParams = Type.Object({ partnerId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) })
  const BindBody = Type.Object({ channel: Type.String({ minLength: 1, maxLength: 40, description: 'A bank or partner channel (GET /payment-channels)' }) }, { additionalProperties: false })
  app.put('/partners/:partnerId/payment-channel', {
    schema: {
      tags,
      operationId: 'bindPartnerPaymentChannel',
      summary: "Bind a partner's keys to the bank or partner channel they post payments as (one partner per channel; audited)",
      params: PartnerParams,
      body: BindBody,
      response: { 200: PartnerChannelView },
    },
    config: { access: { roles: ['admin'], write: true } },
  }, async (req) =>
    billing.bindPartnerPaymentChannel({ db: app.ctx.db, actor: req.actor, now: app.ctx.now() }, req.params.partnerId, req.body.channel))
}
