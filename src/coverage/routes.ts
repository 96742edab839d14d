// Coverage status of a participant on any date.
import { Type, type Static } from 'typebox'
import type { App } from '../platform/http.ts'
import { AppError } from '../platform/errors.ts'
import { withActor } from '../platform/actor.ts'
import { isIsoDate, jakartaDate } from '../platform/dates.ts'
import { IsoDateString, StringEnum } from '../platform/schemas.ts'
import { participantIdForKpj } from '../registry/index.ts'
import { coverageReport } from './coverage.ts'
import { CoverageErrors } from './errors.ts'

const Status = StringEnum(['active', 'grace', 'lapsed', 'unpaid'])
const NullableString = Type.Union([Type.String(), Type.Null()])

export const CoverageView = Type.Object({
  kpj: Type.String(),
  date: Type.String(),
  status: Status,
  paidThrough: NullableString,
  activeSince: NullableString,
  graceUntil: NullableString,
  lapsedOn: NullableString,
  reactivated: Type.Boolean(),
  arrears: Type.Array(Type.String()),
  paidMonths: Type.Array(Type.String()),
  history: Type.Array(Type.Object({ from: Type.String(), status: Type.String(), event: Type.String() })),
})

export async function coverageRoutes(app: App): Promise<void> {
  const Params = Type.Object({ kpj: Type.String({ pattern: '^[0-9]{11}$' }) })
  const Query = Type.Object({ date: Type.Optional(IsoDateString) }, { additionalProperties: false })
  app.get('/participants/:kpj/coverage', {
    schema: {
      tags: ['coverage'],
      operationId: 'getCoverage',
      summary: 'Coverage status on a date (default today, Asia/Jakarta): active, grace, lapsed or unpaid, with history',
      params: Params,
      querystring: Query,
      response: { 200: CoverageView },
    },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => {
    const { kpj } = req.params as Static<typeof Params>
    const { date } = req.query as Static<typeof Query>
    if (date !== undefined && !isIsoDate(date)) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'date', `${date} is not a calendar date`)
    const on = date ?? jakartaDate(app.ctx.now())
    return withActor(app.ctx.db, req.actor, async (tx) => {
      const { id } = await participantIdForKpj(tx, kpj)
      return { kpj, ...(await coverageReport(tx, id, on, { graceMonths: app.ctx.config.graceMonths })) }
    })
  })
}
