// What the contributions module takes and answers, as TypeBox schemas: the routes validate and
// document with them, and billing.ts takes its types from them (Static), so each shape is written once.
import { Type, type Static } from 'typebox'
import { Rupiah, StringEnum } from '../platform/schemas.ts'
import { CHANNEL_KINDS } from './channels.ts'

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
export type BillView = Static<typeof BillView>
export type PaymentView = Static<typeof PaymentView>

export const ChannelView = Type.Object({
  code: Type.String(),
  kind: StringEnum(CHANNEL_KINDS),
  nameId: Type.String(),
  nameEn: Type.String(),
  userRoles: Type.Array(Type.String(), { description: 'Signed-in roles that may post it (counter channels)' }),
})
export type PaymentChannelView = Static<typeof ChannelView>

export const PartnerChannelView = Type.Object({ partnerId: Type.Integer(), channel: ChannelView, boundAt: Type.String({ format: 'date-time' }) })
export type PartnerChannelView = Static<typeof PartnerChannelView>
