// Bills and payments. POST /payments is the door every incoming Rupiah comes through.
import { Type, type Static } from 'typebox'
import type { App } from '../platform/http.ts'
import { Rupiah, StringEnum } from '../platform/schemas.ts'
import { registryDeps } from '../registry/index.ts'
import * as billing from './billing.ts'

const KpjParams = Type.Object({ kpj: Type.String({ pattern: '^[0-9]{11}$' }) })

const BillLine = Type.Object({
  period: Type.String(),
  program: Type.String(),
  amount: Rupiah,
  baseAmount: Rupiah,
  discount: Rupiah,
  rateIds: Type.Array(Type.Integer()),
  regulation: Type.String(),
})

export const BillView = Type.Object({
  id: Type.Integer(),
  kpj: Type.String(),
  paymentCode: Type.String({ description: '15 digits to quote when paying' }),
  periods: Type.Array(Type.String(), { description: 'Months covered, YYYY-MM' }),
  amount: Rupiah,
  lines: Type.Array(BillLine),
  issuedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  status: StringEnum(['open', 'paid', 'expired', 'superseded']),
  paidAt: Type.Union([Type.String(), Type.Null()]),
  paymentReference: Type.Union([Type.String(), Type.Null()]),
})

export const PaymentNotice = Type.Object(
  {
    paymentCode: Type.String({ pattern: '^[0-9]{15}$' }),
    amount: Type.Integer({ minimum: 1, description: 'Integer Rupiah; must equal the bill' }),
    reference: Type.String({ minLength: 1, maxLength: 100, description: "The channel's own transaction reference; unique per channel" }),
    channel: Type.Optional(Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'Where the money was paid (GET /payment-channels). A partner key posts as its partner\'s bound channel and may leave this out; ' +
        'staff name a counter channel of their role (e.g. branch). Bank channels are posted by the bank\'s own key only.',
    })),
    paidAt: Type.String({
      format: 'date-time',
      description: 'When the payer paid, as the channel reports it: at most JAMSOS_PAYMENT_SETTLEMENT_DAYS (default 7) before the notice reaches Jamsos. Coverage counts the payment from receivedAt.',
    }),
  },
  { additionalProperties: false },
)

export const PaymentView = Type.Object({
  id: Type.Integer(),
  kpj: Type.String(),
  paymentCode: Type.String(),
  amount: Rupiah,
  reference: Type.String(),
  channel: Type.String(),
  paidAt: Type.String({ description: 'When the payer paid, as the channel reported it' }),
  receivedAt: Type.String({ description: 'When Jamsos received the notice: coverage counts the payment as known from then' }),
  periods: Type.Array(Type.String(), { description: 'Months the bill listed, YYYY-MM' }),
  covered: Type.Array(Type.String(), {
    description: 'Months this payment holds, YYYY-MM: fewer than periods when an earlier payment paid them (a month paid twice covers once; the rest is refunded)',
  }),
})

export async function contributionRoutes(app: App): Promise<void> {
  const tags = ['contributions']
  const ctx = (req: { actor: import('../platform/actor.ts').Actor }) => ({
    db: app.ctx.db,
    actor: req.actor,
    now: app.ctx.now(),
    policy: { graceMonths: app.ctx.config.graceMonths, billMonths: app.ctx.config.billMonths },
    registry: registryDeps(app),
    settlementDays: app.ctx.config.paymentSettlementDays,
  })

  const BillBody = Type.Object({ months: Type.Integer({ minimum: 1, maximum: 12, description: 'How many months the bill covers' }) }, { additionalProperties: false })
  app.post('/participants/:kpj/bills', {
    schema: { tags, operationId: 'createBill', summary: 'Bill the next 1 to 12 months (arrears first while in grace)', params: KpjParams, body: BillBody, response: { 201: BillView } },
    config: { access: { roles: ['admin', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant'], write: true } },
  }, async (req, reply) =>
    reply.code(201).send(await billing.createBill(ctx(req), (req.params as Static<typeof KpjParams>).kpj, (req.body as Static<typeof BillBody>).months)))

  app.get('/participants/:kpj/bills', {
    schema: { tags, operationId: 'listBills', summary: "A participant's bills, newest first", params: KpjParams, response: { 200: Type.Array(BillView) } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => billing.listBills(ctx(req), (req.params as Static<typeof KpjParams>).kpj))

  app.get('/participants/:kpj/payments', {
    schema: { tags, operationId: 'listPayments', summary: "A participant's payments, newest first", params: KpjParams, response: { 200: Type.Array(PaymentView) } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => billing.listPayments(ctx(req), (req.params as Static<typeof KpjParams>).kpj))

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
    const posted = await billing.postPayment(ctx(req), req.body as Static<typeof PaymentNotice>)
    return reply.code(posted.created ? 201 : 200).send(posted.payment)
  })

  const ChannelView = Type.Object({
    code: Type.String(),
    kind: StringEnum(['bank', 'partner', 'counter', 'budget', 'retired']),
    nameId: Type.String(),
    nameEn: Type.String(),
    userRoles: Type.Array(Type.String(), { description: 'Signed-in roles that may post it (counter channels)' }),
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
      response: { 200: Type.Object({ partnerId: Type.Integer(), channel: ChannelView, boundAt: Type.String({ format: 'date-time' }) }) },
    },
    config: { access: { roles: ['admin'], write: true } },
  }, async (req) =>
    billing.bindPartnerPaymentChannel({ db: app.ctx.db, actor: req.actor, now: app.ctx.now() }, (req.params as Static<typeof PartnerParams>).partnerId, (req.body as Static<typeof BindBody>).channel))
}
