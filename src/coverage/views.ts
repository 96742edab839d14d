// What the coverage API answers of a member's status, as TypeBox schemas: the route validates,
// serializes and documents with them, and coverage.ts takes CoverageReport from them (Static), so
// the shape is written once (issue 13 §5).
import { Type, type Static } from 'typebox'
import { StringEnum } from '../platform/schemas.ts'

export const CoverageStatusView = StringEnum(['active', 'grace', 'lapsed', 'unpaid'])
const NullableString = Type.Union([Type.String(), Type.Null()])

/** A change of status (status.ts CoverageChange). */
export const CoverageChangeView = Type.Object({ from: Type.String(), status: Type.String(), event: Type.String() })

/** A member's coverage on a date, without the KPJ the route adds (coverage.ts coverageReport). */
export const CoverageReportView = Type.Object({
  date: Type.String(),
  status: CoverageStatusView,
  paidThrough: NullableString,
  activeSince: NullableString,
  graceUntil: NullableString,
  lapsedOn: NullableString,
  reactivated: Type.Boolean(),
  arrears: Type.Array(Type.String()),
  paidMonths: Type.Array(Type.String()),
  history: Type.Array(CoverageChangeView),
})
export type CoverageReportView = Static<typeof CoverageReportView>
