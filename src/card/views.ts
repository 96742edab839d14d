// What the card API answers, as TypeBox schemas: the routes validate, serialize and document with
// them, and cards.ts takes its types from them (Static), so each shape is written once (issue 13 §5).
import { Type, type Static } from 'typebox'
import { IsoDateString, StringEnum } from '../platform/schemas.ts'

const NullableString = Type.Union([Type.String(), Type.Null()])

export const CardProgramView = Type.Object({ code: Type.String(), nameId: Type.String(), nameEn: Type.String() })
export type CardProgram = Static<typeof CardProgramView>

/** Coverage as a card shows it: the status on one Jakarta date and the dates that explain it. */
export const CardCoverageView = Type.Object({
  date: Type.String({ description: 'The Asia/Jakarta date the status is for (today)' }),
  status: StringEnum(['active', 'grace', 'lapsed', 'unpaid']),
  paidThrough: NullableString,
  graceUntil: NullableString,
  lapsedOn: NullableString,
})
export type CardCoverage = Static<typeof CardCoverageView>

const cardFields = {
  cardId: Type.Integer(),
  kpj: Type.String(),
  fullName: Type.String(),
  programs: Type.Array(CardProgramView),
  coverage: CardCoverageView,
  issuedAt: Type.String({ format: 'date-time' }),
  issuedBy: Type.String(),
  token: Type.String({ description: 'The signed card token the QR code holds (no NIK in it)' }),
  verifyUrl: Type.String({ description: 'The public verification page of this card: what the QR code holds' }),
  qrSvg: Type.String({ description: 'The QR code holding verifyUrl, as an SVG document' }),
}
/** A card as a signed-in caller sees it, with its verify URL and QR code. */
export const CardView = Type.Object(cardFields)
export type CardView = Static<typeof CardView>

export const IssuedCardView = Type.Object({
  ...cardFields,
  replaced: Type.Union([Type.Object({ cardId: Type.Integer(), reason: Type.String() }), Type.Null()], { description: 'The card this one replaces, now revoked' }),
})

export const CurrentCardView = Type.Object({
  ...cardFields,
  checks: Type.Object({
    last30Days: Type.Integer({ description: 'Public verifications of this card in the last 30 Jakarta days' }),
    lastCheckedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
})

export const RevokedCardView = Type.Object({ cardId: Type.Integer(), kpj: Type.String(), revokedAt: Type.String({ format: 'date-time' }), reason: Type.String() })

/** What anyone holding the QR code learns: the name masked, no NIK, no address, no birth date. */
export const VerifiedCardView = Type.Object({
  valid: Type.Literal(true),
  cardId: Type.Integer(),
  kpj: Type.String(),
  maskedName: Type.String({ description: 'Each word keeps its first letter: S*** R*****' }),
  programs: Type.Array(CardProgramView),
  coverage: CardCoverageView,
  issuedOn: IsoDateString,
})
