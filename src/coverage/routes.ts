// Coverage status of a participant on any date.
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import { AppError } from '../platform/errors.ts'
import { withActor } from '../platform/actor.ts'
import { isIsoDate, jakartaDate } from '../platform/dates.ts'
import { IsoDateString, StringEnum } from '../platform/schemas.ts'
import { participantIdForKpj } from '../registry/index.ts'
import { coverageReport, knownBy, memberCounts, paidMonthsOf } from './coverage.ts'
import { explainCoverage, MONTH_RULES } from './explain.ts'
import { CoverageErrors } from './errors.ts'
import { CoverageChangeView, CoverageReportView, CoverageStatusView } from './views.ts'

const Status = CoverageStatusView
const NullableString = Type.Union([Type.String(), Type.Null()])
const Change = CoverageChangeView
const Rule = StringEnum([...MONTH_RULES])

/** Why each month has its status (explain.ts): asked for with ?explain=true. */
export const CoverageExplanationView = Type.Object({
  graceMonths: Type.Integer({ description: 'Unpaid months during which arrears may still be paid (Perdir 22/PERDIR.02/072022: 3)' }),
  from: Type.String({ description: 'First month explained, YYYY-MM (24 months before the date\'s month, that one included)' }),
  to: Type.String({ description: 'Last month explained: the date\'s month, or the last month paid ahead' }),
  payments: Type.Array(Type.Object({
    paymentId: Type.Union([Type.Integer(), Type.Null()]),
    knownAt: Type.String({ description: 'When Jamsos received the payment: protection counts from then' }),
    knownOn: Type.String({ description: 'The Jakarta date of knownAt' }),
    months: Type.Array(Type.String(), { description: 'Months it holds, as credited' }),
  })),
  months: Type.Array(Type.Object({
    period: Type.String(),
    status: Status,
    rule: Rule,
    regulation: Type.String({ description: 'The regulation the rule applies, e.g. Perdir 22/PERDIR.02/072022' }),
    paidBy: Type.Union([Type.Object({
      paymentId: Type.Union([Type.Integer(), Type.Null()]),
      knownAt: Type.String(),
      knownOn: Type.String(),
      billedPeriod: NullableString,
    }), Type.Null()]),
    lastPaid: NullableString,
    unpaidMonths: Type.Integer(),
    graceMonthsLeft: Type.Union([Type.Integer(), Type.Null()]),
    graceUntil: NullableString,
    lapsedOn: NullableString,
    events: Type.Array(Change),
  })),
  status: Status,
  rule: Rule,
  regulation: Type.String(),
})

export const CoverageView = Type.Object({
  kpj: Type.String(),
  ...CoverageReportView.properties,
  explanation: Type.Optional(CoverageExplanationView),
})

export async function coverageRoutes(app: App): Promise<void> {
  const Params = Type.Object({ kpj: Type.String({ pattern: '^[0-9]{11}$' }) })
  const Query = Type.Object({
    date: Type.Optional(IsoDateString),
    explain: Type.Optional(Type.Boolean({ description: 'Also explain each month: the payment holding it, the rule applied and its regulation' })),
  }, { additionalProperties: false })
  app.get('/participants/:kpj/coverage', {
    schema: {
      tags: ['coverage'],
      operationId: 'getCoverage',
      summary: 'Coverage status on a date (default today, Asia/Jakarta): active, grace, lapsed or unpaid, with history; explain=true says why, month by month',
      params: Params,
      querystring: Query,
      response: { 200: CoverageView },
    },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => {
    const { kpj } = req.params
    const { date, explain } = req.query
    if (date !== undefined && !isIsoDate(date)) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'date', `${date} is not a calendar date`)
    const on = date ?? jakartaDate(app.ctx.now())
    return withActor(app.ctx.db, req.actor, async (tx) => {
      const { id } = await participantIdForKpj(tx, kpj)
      const policy = { graceMonths: app.ctx.config.graceMonths }
      const paid = await paidMonthsOf(tx, id)
      const report = await coverageReport(tx, id, on, policy, paid)
      return explain ? { kpj, ...report, explanation: explainCoverage(paid, on, policy) } : { kpj, ...report }
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
