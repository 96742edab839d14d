// Whether a BPU member is protected on a given Jakarta date, computed from the paid months alone.
//
// BPU members pay per calendar month in advance (regulations.md §2). Perdir
// 22/PERDIR.02/072022: arrears can be paid up to 3 months after protection ends, and more than 3
// consecutive unpaid months end the membership. Our reading, with M the month of the date asked
// about and L the latest paid month before M:
//   active  M is paid (by a payment known on that date: a member is protected from the moment
//           Jamsos knows of the payment, never backwards);
//   grace   M is unpaid and M − L ≤ graceMonths: the arrears L+1..M may still be paid;
//   lapsed  M is unpaid and M − L > graceMonths: the membership has ended;
//   unpaid  no month is paid yet.
// The 3 is ours to read (the manual is a secondary source), so it is the policy's graceMonths.
//
// A lapsed member "restarts from the current month" (the same Perdir; restart via NIK at partner
// channels): months a payment covers that lie before the month it is made in count as arrears
// only while the membership is still running (active or grace). A payment made after the lapse,
// or a first payment, is credited to the same number of months from the month it is made in
// (credit). Since migration 0016 the posting path stores the months as credited (coverage_month)
// and the status periods that follow (coverage_period, projectStatus below); this replay reads
// either the stored months (credit then moves nothing) or a bill's periods, and explains them.
// A payment after a lapse is a reactivation, not arrears.
//
// Only payments known on the date asked about count (the Jakarta date Jamsos received them ≤ that
// date), so the status on any past date is answered as it stood then, and the history below is the
// same rule evaluated at every moment it can change: the 1st of each month (time) and each payment.
// "Known" is when Jamsos received the payment, never the paidAt a channel reports (issue 12, item
// 7: a payment posted today with yesterday's paidAt made yesterday covered after the fact, say the
// day of an accident). A payment counts in the month it is received, also for arrears.
import { AppError } from '../platform/errors.ts'
import {
  addMonths,
  firstDayOf,
  isIsoDate,
  isYearMonth,
  jakartaDate,
  lastDayOf,
  monthDiff,
  monthOf,
  monthRange,
  type IsoDate,
  type YearMonth,
} from '../platform/dates.ts'
import { CoverageErrors } from './errors.ts'

export interface PaidMonth {
  period: YearMonth
  /** When Jamsos received the payment that holds the month (coverage_month.known_at). */
  knownAt: Date
  /**
   * The payment, when known: payments received at one instant are then credited one by one, in
   * payment order, as the posting path credits them (two notices posted at the same clock reading
   * stay two payments). Without it, the months of one instant are one payment.
   */
  paymentId?: number
  /** The month the bill priced, when it differs or is known (coverage_month.billed_period): credit after a lapse moves it. */
  billedPeriod?: YearMonth
}

export interface CoveragePolicy {
  /** Unpaid months after the last paid one during which arrears may still be paid (Perdir 22/PERDIR.02/072022: 3). */
  graceMonths: number
}

export const DEFAULT_COVERAGE_POLICY: CoveragePolicy = { graceMonths: 3 }

export type CoverageState = 'active' | 'grace' | 'lapsed' | 'unpaid'

export interface CoverageStatus {
  status: CoverageState
  /** Latest month paid for, as known on the date asked about (may lie ahead of it). */
  paidThrough: YearMonth | null
  /** When active: the day the current unbroken stretch of protection began. */
  activeSince: IsoDate | null
  /** When in grace: the last day the arrears can be paid. */
  graceUntil: IsoDate | null
  /** When lapsed: the day the membership ended. */
  lapsedOn: IsoDate | null
  /** When active: the current stretch began with a payment after a lapse. */
  reactivated: boolean
  /** When in grace: the unpaid months from the last paid one up to the current month. */
  arrears: YearMonth[]
}

/**
 * What began a stretch of the history: first_payment (protection begins), grace_started (a month
 * began unpaid), arrears_paid (past months paid while in grace), renewed (back to active in grace
 * without past arrears: the current month paid late, or a month paid ahead began), lapsed (the
 * month after the grace months began unpaid), reactivated (protection again after a lapse).
 */
export type CoverageEvent = 'first_payment' | 'grace_started' | 'arrears_paid' | 'lapsed' | 'reactivated' | 'renewed'

export interface CoverageChange {
  from: IsoDate
  status: Exclude<CoverageState, 'unpaid'>
  event: CoverageEvent
}

/** Everything the rule answers about a date, from one replay of the payments known on it. */
export interface CoverageAt {
  status: CoverageStatus
  /** Every change of status from the first payment up to the date, oldest first. */
  history: CoverageChange[]
  /**
   * The first month a new bill must cover: the arrears first when the membership is still running
   * (grace: the month after the last paid one; active: the month after paidThrough), the month of
   * the date when it has lapsed or never began (a lapsed member restarts from the current month).
   */
  nextBillStart: YearMonth
}

/**
 * Status, history and next bill start on a Jakarta date. The replay walks every month since the
 * first payment, so a caller that needs more than one of these asks here once rather than
 * replaying per answer.
 */
export function coverageAt(paid: PaidMonth[], on: IsoDate, policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY): CoverageAt {
  const { months, history } = replay(paid, on, policy)
  const month = monthOf(on)
  const now = stateIn(months, month, policy)
  const last = history[history.length - 1]
  const active = now.status === 'active'
  return {
    status: {
      status: now.status,
      paidThrough: months.last(),
      activeSince: active && last ? last.from : null,
      graceUntil: now.status === 'grace' ? graceUntil(now.lastPaid!, policy) : null,
      lapsedOn: now.status === 'lapsed' ? lapseDate(now.lastPaid!, policy) : null,
      reactivated: active && last?.event === 'reactivated',
      arrears: now.status === 'grace' ? monthRange(addMonths(now.lastPaid!, 1), month) : [],
    },
    history,
    nextBillStart: active ? addMonths(months.last()!, 1) : now.status === 'grace' ? addMonths(now.lastPaid!, 1) : month,
  }
}

// Single answers of coverageAt, for callers that need only one (each is one replay).

/** The coverage status on a Jakarta date. */
export function coverageOn(paid: PaidMonth[], on: IsoDate, policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY): CoverageStatus {
  return coverageAt(paid, on, policy).status
}

/** Every change of status from the first payment up to `on`, oldest first. */
export function coverageHistory(paid: PaidMonth[], on: IsoDate, policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY): CoverageChange[] {
  return coverageAt(paid, on, policy).history
}

/** The first month a new bill must cover on `on` (CoverageAt.nextBillStart). */
export function nextBillStart(paid: PaidMonth[], on: IsoDate, policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY): YearMonth {
  return coverageAt(paid, on, policy).nextBillStart
}

// ---------------------------------------------------------------------------------------------

/** Paid months, kept sorted, with the two questions the rule asks of them. */
class MonthSet {
  readonly #set = new Set<YearMonth>()
  readonly #sorted: YearMonth[] = []

  has(ym: YearMonth): boolean {
    return this.#set.has(ym)
  }

  add(ym: YearMonth): void {
    if (this.#set.has(ym)) return
    this.#set.add(ym)
    let i = this.#sorted.length
    while (i > 0 && this.#sorted[i - 1]! > ym) i--
    this.#sorted.splice(i, 0, ym)
  }

  last(): YearMonth | null {
    return this.#sorted[this.#sorted.length - 1] ?? null
  }

  /** The latest month strictly before `ym`. */
  latestBefore(ym: YearMonth): YearMonth | null {
    let lo = 0
    let hi = this.#sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.#sorted[mid]! < ym) lo = mid + 1
      else hi = mid
    }
    return lo > 0 ? this.#sorted[lo - 1]! : null
  }
}

interface State {
  status: CoverageState
  /** L: the latest paid month before the month asked about (null when active or unpaid). */
  lastPaid: YearMonth | null
}

/** The rule itself, for month M and the months paid so far. */
function stateIn(months: MonthSet, m: YearMonth, policy: CoveragePolicy): State {
  if (months.has(m)) return { status: 'active', lastPaid: null }
  const lastPaid = months.latestBefore(m)
  if (lastPaid === null) return { status: 'unpaid', lastPaid: null }
  return { status: monthDiff(lastPaid, m) <= policy.graceMonths ? 'grace' : 'lapsed', lastPaid }
}

/** The last day arrears after `lastPaid` can be paid: the end of the graceMonths-th month after it. */
function graceUntil(lastPaid: YearMonth, policy: CoveragePolicy): IsoDate {
  return lastDayOf(addMonths(lastPaid, policy.graceMonths))
}

/** The membership ends on the 1st of the month after the grace months (the 4th unpaid month). */
function lapseDate(lastPaid: YearMonth, policy: CoveragePolicy): IsoDate {
  return firstDayOf(addMonths(lastPaid, policy.graceMonths + 1))
}

/** Whether months before the month of a payment can be paid as arrears: only while the membership runs. */
function acceptsArrears(status: CoverageState): boolean {
  return status === 'active' || status === 'grace'
}

/**
 * The months a payment of `periods` made in `paymentMonth` covers, given the months credited
 * before it: the periods as billed while the membership runs; after a lapse (or as a first
 * payment) the periods before the month of payment move to the first unpaid months from it on.
 */
function credit(months: MonthSet, periods: YearMonth[], paymentMonth: YearMonth, policy: CoveragePolicy): CreditedMonth[] {
  // A month paid twice covers once (the overpaid month is refunded, regulations.md §2; storage
  // keeps one row per month too: coverage_month's key is the month).
  const fresh = [...new Set(periods)].filter((p) => !months.has(p)).sort()
  if (acceptsArrears(stateIn(months, paymentMonth, policy).status)) return fresh.map((p) => ({ period: p, billed: p }))
  const kept = fresh.filter((p) => p >= paymentMonth)
  const late = fresh.filter((p) => p < paymentMonth)
  const taken = new Set(kept)
  const moved: CreditedMonth[] = []
  for (let ym = paymentMonth; moved.length < late.length; ym = addMonths(ym, 1)) {
    if (!months.has(ym) && !taken.has(ym)) moved.push({ period: ym, billed: late[moved.length]! })
  }
  return [...moved, ...kept.map((p) => ({ period: p, billed: p }))].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
}

/** A month a payment holds, and the billed month it was paid as (they differ when credit moved it). */
export interface CreditedMonth {
  period: YearMonth
  billed: YearMonth
}

/** A stretch of one status, [from, to): `to` null when it lasts until a further payment. */
export interface StatusPeriod {
  status: Exclude<CoverageState, 'unpaid'>
  from: IsoDate
  to: IsoDate | null
}

/**
 * The months one payment credits, given the months credited before it, and the member's status
 * from the day it is known on if nothing more were paid: what the posting path stores
 * (coverage_month, coverage_period). The payment month is the Jakarta month of knownAt.
 */
export function creditPayment(
  before: Iterable<YearMonth>,
  periods: YearMonth[],
  knownAt: Date,
  policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY,
): { credited: CreditedMonth[]; periods: StatusPeriod[] } {
  const months = new MonthSet()
  for (const ym of before) months.add(ym)
  const day = jakartaDate(knownAt)
  const credited = credit(months, periods, monthOf(day), policy)
  for (const c of credited) months.add(c.period)
  return { credited, periods: projectStatus(months, day, policy) }
}

/**
 * The status on every date from `from` on while no further payment comes: active in paid months,
 * grace up to graceMonths after the last paid one before, lapsed after (the rule of stateIn, month
 * by month). Months before the first paid one are unpaid and get no period. The last period is
 * always `lapsed` without end: time alone never brings cover back.
 */
function projectStatus(months: MonthSet, from: IsoDate, policy: CoveragePolicy): StatusPeriod[] {
  const last = months.last()
  if (last === null) return []
  const out: StatusPeriod[] = []
  const first = monthOf(from)
  const lapse = addMonths(last, policy.graceMonths + 1)
  const end = lapse > first ? lapse : first
  for (let m = first; m <= end; m = addMonths(m, 1)) {
    const start = m === first ? from : firstDayOf(m)
    const { status } = stateIn(months, m, policy)
    const open = out[out.length - 1]
    if (status === 'unpaid') {
      if (open && open.to === null) open.to = start
      continue
    }
    if (open && open.to === null && open.status === status) continue
    if (open && open.to === null) open.to = start
    out.push({ status, from: start, to: null })
  }
  return out
}

interface Payment {
  at: number
  id: number
  date: IsoDate
  periods: YearMonth[]
}

/** The paid months known on `on`: received by Jamsos on or before that Jakarta date. */
export function paidMonthsKnownOn(paid: PaidMonth[], on: IsoDate): PaidMonth[] {
  return paid.filter((p) => jakartaDate(p.knownAt) <= on)
}

/**
 * The payments known on `on`, oldest first: one per payment id, or per instant for months without
 * one (a bill's months share their knownAt); at one instant in payment order.
 */
function paymentsKnownOn(paid: PaidMonth[], on: IsoDate): Payment[] {
  const byKey = new Map<string, Payment>()
  for (const p of paidMonthsKnownOn(paid, on)) {
    if (!isYearMonth(p.period)) throw new Error(`paid period "${p.period}" is not YYYY-MM`)
    const date = jakartaDate(p.knownAt)
    const at = p.knownAt.getTime()
    const id = p.paymentId ?? 0
    const key = `${at}:${id}`
    const payment = byKey.get(key) ?? { at, id, date, periods: [] }
    payment.periods.push(p.period)
    byKey.set(key, payment)
  }
  return [...byKey.values()].sort((a, b) => a.at - b.at || a.id - b.id)
}

function requireValid(on: IsoDate, policy: CoveragePolicy): void {
  if (!isIsoDate(on)) throw AppError.field(CoverageErrors.COVERAGE_DATE_INVALID, 'on', `"${on}" is not a calendar date YYYY-MM-DD`)
  if (!Number.isInteger(policy.graceMonths) || policy.graceMonths < 0) throw new Error(`graceMonths must be a whole number ≥ 0, got ${policy.graceMonths}`)
}

/**
 * Walks time from the first payment to `on`: each 1st of a month (time can turn active into grace
 * and grace into lapsed) and each payment (in the order made; on the 1st, the month turns before
 * any payment that day). Returns the months as credited and every change of status.
 */
function replay(paid: PaidMonth[], on: IsoDate, policy: CoveragePolicy): { months: MonthSet; history: CoverageChange[] } {
  requireValid(on, policy)
  const months = new MonthSet()
  const history: CoverageChange[] = []
  const payments = paymentsKnownOn(paid, on)
  if (payments.length === 0) return { months, history }

  let current: CoverageState = 'unpaid'
  const change = (from: IsoDate, next: State, event: CoverageEvent) => {
    if (next.status === current || next.status === 'unpaid') return
    history.push({ from, status: next.status, event })
    current = next.status
  }

  const lastMonth = monthOf(on)
  let month = addMonths(monthOf(payments[0]!.date), 1)
  let i = 0
  while (i < payments.length || month <= lastMonth) {
    const payment = payments[i]
    if (month <= lastMonth && (!payment || firstDayOf(month) <= payment.date)) {
      const next = stateIn(months, month, policy)
      change(firstDayOf(month), next, eventByTime(current, next.status))
      month = addMonths(month, 1)
      continue
    }
    const paymentMonth = monthOf(payment!.date)
    const before = stateIn(months, paymentMonth, policy)
    for (const c of credit(months, payment!.periods, paymentMonth, policy)) months.add(c.period)
    const next = stateIn(months, paymentMonth, policy)
    change(payment!.date, next, eventByPayment(before, paymentMonth, next.status))
    i++
  }
  return { months, history }
}

/** What the turn of a month did. */
function eventByTime(from: CoverageState, to: CoverageState): CoverageEvent {
  if (to === 'grace') return 'grace_started'
  if (to === 'lapsed') return 'lapsed'
  // Into active by time: a month paid ahead has begun after an unpaid one.
  if (from === 'lapsed') return 'reactivated'
  if (from === 'unpaid') return 'first_payment'
  return 'renewed'
}

/** What a payment did. Arrears are months before the month of payment that were unpaid. */
function eventByPayment(before: State, paymentMonth: YearMonth, to: CoverageState): CoverageEvent {
  if (to === 'grace') return 'grace_started'
  if (to === 'lapsed') return 'lapsed'
  if (before.status === 'unpaid') return 'first_payment'
  if (before.status === 'lapsed') return 'reactivated'
  // From grace: paying past months is settling arrears; paying only the current month late is a renewal.
  return before.lastPaid !== null && monthDiff(before.lastPaid, paymentMonth) >= 2 ? 'arrears_paid' : 'renewed'
}
