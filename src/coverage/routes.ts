// Coverage status of a participant on any date.
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import { AppError } from '../platform/errors.ts'
import { withActor } from '../platform/actor.ts'
import { isIsoDate, jakartaDate } from '../platform/dates.ts'
import { IsoDateString, StringEnum } from '../platform/schemas.ts'
import { participantIdForKpj } from '../registry/index.ts'
import { coverageReport, knownBy, memberCounts } from './coverage.ts'
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
    const { kpj } = req.params
    const { date } = req.query
    if (date !== undefined && !isIsoDate(date)) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'date', `${date} is not a calendar date`)
    const on = date ?? jakartaDate(app.ctx.now())
    return withActor(app.ctx.db, req.actor, async (tx) => {
      const { id } = await participantIdForKpj(tx, kpj)
      return { kpj, ...(await coverageReport(tx, id, on, { graceMonths: app.ctx.config.graceMonths })) }
    })
  })

  // Members by coverage status on a date, as known then: a range query over the stored periods
  // and the attribute history (issue 13 §3), the KPI behind "active members of KC Blitar on
  // 2025-03-31". Counted within the caller's scope.
  const CountQuery = Type.Object({
    date: IsoDateString,
    knownAt: Type.Optional(Type.String({ description: 'As known at this instant, ISO 8601 (default: as known at the end of the date)' })),
    branchCode: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{1,16}$' })),
    villageCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$' })),
  }, { additionalProperties: false })
  const MemberCountsView = Type.Object({
    date: Type.String(),
    knownAt: Type.String({ description: 'The instant the counts are as known at' }),
    branchCode: NullableString,
    villageCode: NullableString,
    active: Type.Integer(),
    grace: Type.Integer(),
    lapsed: Type.Integer(),
  })
  app.get('/coverage/member-counts', {
    schema: {
      tags: ['coverage'],
      operationId: 'countMembersByStatus',
      summary: 'Members by coverage status (active, grace, lapsed) on a date as known then, in all branches, one branch or one village',
      querystring: CountQuery,
      response: { 200: MemberCountsView },
    },
    config: { access: { roles: ['admin', 'management', 'branch_officer'] } },
  }, async (req) => {
    const { date, knownAt, branchCode, villageCode } = req.query
    if (!isIsoDate(date)) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'date', `${date} is not a calendar date`)
    const at = knownAt === undefined ? undefined : new Date(knownAt)
    if (at && Number.isNaN(at.getTime())) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'knownAt', `${knownAt} is not a date-time`)
    const query = { date, ...(at ? { knownAt: at } : {}), ...(branchCode ? { branchCode } : {}), ...(villageCode ? { villageCode } : {}) }
    const counts = await withActor(app.ctx.db, req.actor, (tx) => memberCounts(tx, query))
    return { date, knownAt: knownBy(date, at).toISOString(), branchCode: branchCode ?? null, villageCode: villageCode ?? null, ...counts }
  })
}
