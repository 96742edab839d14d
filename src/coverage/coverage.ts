// Coverage of participants: the facts each payment leaves (stored by the posting path) and what is
// read from them, one member's status on a date or counts of members by status.
import type { Db } from '../platform/db.ts'
import { isIsoDate, jakartaEndOf, type IsoDate, type YearMonth } from '../platform/dates.ts'
import { AppError } from '../platform/errors.ts'
import {
  coverageAt,
  creditPayment,
  DEFAULT_COVERAGE_POLICY,
  paidMonthsKnownOn,
  type CoveragePolicy,
  type CoverageState,
  type PaidMonth,
} from './status.ts'
import { CoverageErrors } from './errors.ts'
import * as q from './queries.ts'
import type { CoverageReportView } from './views.ts'

/** The months credited to a participant, each with the payment holding it and when Jamsos knew of it. */
export async function paidMonthsOf(db: Db, participantId: number): Promise<PaidMonth[]> {
  return (await q.paidMonths(db, participantId)).map((r) => ({ period: r.period, knownAt: r.known_at, paymentId: r.payment_id, billedPeriod: r.billed_period }))
}

/** A payment as the posting path hands it to coverage. */
export interface PaymentForCoverage {
  participantId: number
  paymentId: number
  /** The bill's months with the amount priced for each. */
  periods: { period: YearMonth; amount: number }[]
  /** When the payer paid (information). */
  paidAt: Date
  /** When Jamsos received the payment: coverage counts it from then. */
  knownAt: Date
}

/**
 * The instant each member's coverage is known from (their latest payment's receipt), for the
 * posting path to refuse a payment received before it: outcomes are numbered in the order received,
 * and "as known at T" reads the latest one known by T, so an earlier one cannot be slipped in
 * behind it. Members who never paid are absent.
 */
export async function coverageKnownSince(db: Db, participantIds: number[]): Promise<Map<number, Date>> {
  if (!participantIds.length) return new Map()
  const rows = await q.coverageStates(db, participantIds)
  return new Map(rows.filter((r) => r.known_at !== null).map((r) => [r.participant_id, r.known_at!]))
}

/**
 * Stores what payments change: each payment's credited months (status.ts creditPayment: the bill's
 * periods, moved to the month of receipt after a lapse, without months already held), its outcome
 * and the status periods from the day it is known on. Payments are credited per member in the
 * order received (knownAt, then payment id). The caller holds each member's row lock (the posting
 * path does), so the months read here are all there are. Answers the months each payment holds.
 */
export async function recordPayments(db: Db, payments: PaymentForCoverage[], policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY): Promise<Map<number, YearMonth[]>> {
  const held = new Map<number, YearMonth[]>()
  if (!payments.length) return held
  const ids = [...new Set(payments.map((p) => p.participantId))]
  const states = new Map((await q.coverageStates(db, ids)).map((r) => [r.participant_id, { months: new Set(r.months), seq: r.seq, knownAt: r.known_at }]))
  const ordered = [...payments].sort((a, b) => a.participantId - b.participantId || a.knownAt.getTime() - b.knownAt.getTime() || a.paymentId - b.paymentId)
  const credits: q.CreditRow[] = []
  const outcomes: q.OutcomeRow[] = []
  const periods: q.PeriodRow[] = []
  for (const p of ordered) {
    const state = states.get(p.participantId)!
    if (state.knownAt && p.knownAt < state.knownAt) {
      throw new Error(`payment ${p.paymentId} was received at ${p.knownAt.toISOString()}, before participant ${p.participantId}'s last payment (${state.knownAt.toISOString()})`)
    }
    const amounts = new Map<YearMonth, number>()
    for (const m of p.periods) amounts.set(m.period, (amounts.get(m.period) ?? 0) + m.amount)
    const outcome = creditPayment(state.months, [...amounts.keys()], p.knownAt, policy)
    state.seq++
    state.knownAt = p.knownAt
    for (const c of outcome.credited) {
      state.months.add(c.period)
      credits.push({ participantId: p.participantId, period: c.period, billedPeriod: c.billed, paymentId: p.paymentId, paidAt: p.paidAt, knownAt: p.knownAt, amount: amounts.get(c.billed) ?? 0 })
    }
    held.set(p.paymentId, outcome.credited.map((c) => c.period))
    const paidThrough = [...state.months].sort().at(-1)!
    outcomes.push({ participantId: p.participantId, seq: state.seq, paymentId: p.paymentId, knownAt: p.knownAt, graceMonths: policy.graceMonths, paidThrough })
    for (const s of outcome.periods) periods.push({ participant_id: p.participantId, seq: state.seq, valid_from: s.from, valid_to: s.to, status: s.status, known_at: p.knownAt })
  }
  await q.insertFacts(db, credits, outcomes, periods)
  return held
}

/** The months each payment holds as credited (fewer than its bill lists when some were paid before). */
export async function monthsHeldBy(db: Db, keys: { participantId: number; paymentId: number }[]): Promise<Map<number, YearMonth[]>> {
  if (!keys.length) return new Map()
  return new Map((await q.monthsHeld(db, keys)).map((r) => [r.payment_id, r.periods]))
}

/** A member's coverage on a date: status, history and paid months (views.ts CoverageReportView). */
export type CoverageReport = CoverageReportView

/**
 * Status, history and paid months of a participant on a date (payments made after it are ignored):
 * the rule of status.ts over the stored months, which explains the stored periods (the property
 * test holds the two equal).
 */
export async function coverageReport(db: Db, participantId: number, on: IsoDate, policy: CoveragePolicy, read?: PaidMonth[]): Promise<CoverageReport> {
  // `read`: the months already read in this transaction (the route explains from the same read).
  const paid = read ?? (await paidMonthsOf(db, participantId))
  const { status, history } = coverageAt(paid, on, policy)
  return { date: on, ...status, history, paidMonths: paidMonthsKnownOn(paid, on).map((p) => p.period) }
}

/** The first month a bill issued on `on` must cover (CoverageAt.nextBillStart). */
export async function billStartFor(db: Db, participantId: number, on: IsoDate, policy: CoveragePolicy): Promise<YearMonth> {
  return coverageAt(await paidMonthsOf(db, participantId), on, policy).nextBillStart
}

/**
 * The instant up to which facts count for a date "as known at" an instant: knowledge after the end
 * of the date (Jakarta) never changes the date (coverage counts a payment from the day it is
 * received), so it is the earlier of the two. Stored instants have millisecond precision.
 */
export function knownBy(date: IsoDate, knownAt?: Date): Date {
  const end = new Date(jakartaEndOf(date).getTime() - 1)
  return knownAt && knownAt < end ? knownAt : end
}

/**
 * The stored status of each (participant, date) as known at an instant (default: as known on the
 * date itself); 'unpaid' when nothing was paid by then. Read from the stored periods, not replayed.
 */
export async function storedStatuses(db: Db, keys: { participantId: number; date: IsoDate; knownAt?: Date }[]): Promise<CoverageState[]> {
  if (!keys.length) return []
  for (const k of keys) requireDate(k.date)
  const rows = await q.statusesAt(db, keys.map((k) => ({ participantId: k.participantId, date: k.date, knownBy: knownBy(k.date, k.knownAt) })))
  return rows.map((r): CoverageState => r.status ?? 'unpaid')
}

export interface MemberCountQuery {
  /** The Jakarta date counted. */
  date: IsoDate
  /** As known at this instant (default: as known at the end of the date, i.e. "as known then"). */
  knownAt?: Date
  /** Only the members of this branch (Kantor Cabang) on the date. */
  branchCode?: string
  /** Only the members living in this village on the date. */
  villageCode?: string
}

/** Members counted by stored status (coverage_period.status's CHECK list, through the generated row type). */
export type MemberCounts = Record<q.StoredStatus, number>

/**
 * Members by coverage status on a date, as known then (or at `knownAt`), optionally in one branch or
 * village as they stood on that date: a range query over the stored periods and the attribute
 * history, with no replay. Runs within the caller's scope (row-level security: a branch officer
 * counts the members whose card is in their branches today). Members who never paid are not counted.
 */
export async function memberCounts(db: Db, query: MemberCountQuery): Promise<MemberCounts> {
  requireDate(query.date)
  const by = knownBy(query.date, query.knownAt)
  const rows = query.branchCode !== undefined || query.villageCode !== undefined
    ? await q.memberCountsIn(db, query.date, by, { ...(query.branchCode !== undefined ? { branchCode: query.branchCode } : {}), ...(query.villageCode !== undefined ? { villageCode: query.villageCode } : {}) })
    : await q.memberCountsAll(db, query.date, by)
  const out: MemberCounts = { active: 0, grace: 0, lapsed: 0 }
  for (const r of rows) out[r.status] = r.n
  return out
}

/** "Active members of KC Blitar on 2025-03-31 as known then": memberCounts(…).active. */
export async function countActiveMembers(db: Db, query: MemberCountQuery): Promise<number> {
  return (await memberCounts(db, query)).active
}

function requireDate(date: string): void {
  if (!isIsoDate(date)) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'date', `"${date}" is not a calendar date YYYY-MM-DD`)
}
