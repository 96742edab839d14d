// Why a member has the coverage status they have: the rule of status.ts applied month by month,
// for the member page's timeline (issue 14, "coverage timeline … each with why"). Pure: it reads
// the stored facts (the months as credited, each with its payment and when Jamsos knew of it) and
// replays them with coverageAt, so the explanation can never disagree with the status it explains.
//
// Each month of the window gets the status it ended with as it stood then (the last day of a past
// month as known on that day; today for the current month; for months paid ahead, what they will
// be when they come), the payment holding it as known today, and the rule that decided it:
//   paid          the month is paid (PP 44/2015: a BPU member pays each month's contribution, in
//                 advance; protection runs in the months paid for);
//   paid_ahead    a month after the current one already paid (PP 44/2015; 1–12 months at once);
//   arrears_paid  the month began unpaid, in grace, and was paid later while the membership still
//                 ran (Perdir 22/PERDIR.02/072022: arrears payable up to 3 months);
//   grace         unpaid, at most graceMonths after the last paid month: arrears still payable
//                 (the same Perdir), with the months left and the last day to pay;
//   lapsed        more than graceMonths unpaid months: the membership ended (the same Perdir);
//   restart       protection again after a lapse, credited from the month the payment was received
//                 in, never backwards (the same Perdir; restart via NIK at partner channels);
//   unpaid        nothing paid yet (PP 44/2015: protection begins with the first contribution).
// A month counted active protected on its own days only from the payment's receipt (status.ts): a
// month paid as arrears was in grace while it ran, which is why its status is grace and its rule
// arrears_paid.
import {
  addMonths,
  firstDayOf,
  jakartaDate,
  lastDayOf,
  monthDiff,
  monthOf,
  monthRange,
  type IsoDate,
  type YearMonth,
} from '../platform/dates.ts'
import { coverageAt, DEFAULT_COVERAGE_POLICY, paidMonthsKnownOn, type CoverageChange, type CoveragePolicy, type CoverageState, type PaidMonth } from './status.ts'

export type MonthRule = 'paid' | 'paid_ahead' | 'arrears_paid' | 'grace' | 'lapsed' | 'restart' | 'unpaid'

export const MONTH_RULES: readonly MonthRule[] = ['paid', 'paid_ahead', 'arrears_paid', 'grace', 'lapsed', 'restart', 'unpaid']

/** The regulation each rule applies (docs/coverage.md, /work/shared/domain/regulations.md §2). */
export const RULE_REGULATION: Record<MonthRule, string> = {
  paid: 'PP 44/2015',
  paid_ahead: 'PP 44/2015',
  unpaid: 'PP 44/2015',
  arrears_paid: 'Perdir 22/PERDIR.02/072022',
  grace: 'Perdir 22/PERDIR.02/072022',
  lapsed: 'Perdir 22/PERDIR.02/072022',
  restart: 'Perdir 22/PERDIR.02/072022',
}

/** The payment holding a month, as known on the date asked about. */
export interface MonthPayment {
  paymentId: number | null
  /** When Jamsos received it (ISO 8601): protection counts from then. */
  knownAt: string
  /** The Jakarta date of knownAt. */
  knownOn: IsoDate
  /** The month the bill priced; differs from the month when credit moved it after a lapse. */
  billedPeriod: YearMonth | null
}

export interface MonthExplanation {
  period: YearMonth
  /** The status the month ended with, as it stood then (for a month ahead: what it will be). */
  status: CoverageState
  rule: MonthRule
  regulation: string
  paidBy: MonthPayment | null
  /** grace, lapsed: the latest paid month before this one, and how many months since it are unpaid (this one included). */
  lastPaid: YearMonth | null
  unpaidMonths: number
  /** grace: months of grace left after this one, and the last day the arrears can be paid. */
  graceMonthsLeft: number | null
  graceUntil: IsoDate | null
  /** lapsed: the day the membership ended. */
  lapsedOn: IsoDate | null
  /** The changes of status that happened in the month (e.g. lapsed on the 1st, reactivated on the 2nd). */
  events: CoverageChange[]
}

export interface PaymentExplanation {
  paymentId: number | null
  knownAt: string
  knownOn: IsoDate
  /** The months it holds, as credited. */
  months: YearMonth[]
}

export interface CoverageExplanation {
  graceMonths: number
  /** The window explained: the last `months` months up to the date's month, and every month paid after it. */
  from: YearMonth
  to: YearMonth
  /** Every payment known on the date, oldest first, with the months it holds. */
  payments: PaymentExplanation[]
  months: MonthExplanation[]
  /** The date's month: its status, the rule behind it and its regulation. */
  status: CoverageState
  rule: MonthRule
  regulation: string
}

/** How many months back the timeline shows (issue 14: the last 24 months). */
export const EXPLAIN_MONTHS = 24

/**
 * Explains the coverage on `on` (a Jakarta date) month by month, from the months paid as stored
 * (payments known after `on` are ignored, as status.ts ignores them).
 */
export function explainCoverage(
  paid: PaidMonth[],
  on: IsoDate,
  policy: CoveragePolicy = DEFAULT_COVERAGE_POLICY,
  window: number = EXPLAIN_MONTHS,
): CoverageExplanation {
  if (!Number.isInteger(window) || window < 1) throw new Error(`window must be a whole number ≥ 1, got ${window}`)
  const today = coverageAt(paid, on, policy) // validates `on` and the policy
  const known = paidMonthsKnownOn(paid, on)
  const current = monthOf(on)
  const lastPaid = known.reduce<YearMonth | null>((m, p) => (m === null || p.period > m ? p.period : m), null)
  const from = addMonths(current, -(window - 1))
  const to = lastPaid !== null && lastPaid > current ? lastPaid : current
  const byPeriod = new Map(known.map((p) => [p.period, p]))

  const months = monthRange(from, to).map((m): MonthExplanation => {
    // The day whose status the month ended with: its last day, or today for the current month,
    // or (a month ahead) its first day with what is known today.
    const asOf = m < current ? lastDayOf(m) : m === current ? on : firstDayOf(m)
    const status = m === current ? today.status.status : coverageAt(m > current ? known : paid, asOf, policy).status.status
    const held = byPeriod.get(m)
    const paidBy: MonthPayment | null = held
      ? { paymentId: held.paymentId ?? null, knownAt: held.knownAt.toISOString(), knownOn: jakartaDate(held.knownAt), billedPeriod: held.billedPeriod ?? null }
      : null
    const events = today.history.filter((h) => monthOf(h.from) === m)
    const rule = ruleOf(m, current, status, paidBy, events)
    const before = status === 'grace' || status === 'lapsed' ? latestPaidBefore(known, m, asOf) : null
    const unpaidMonths = before ? monthDiff(before, m) : 0
    return {
      period: m,
      status,
      rule,
      regulation: RULE_REGULATION[rule],
      paidBy,
      lastPaid: before,
      unpaidMonths,
      graceMonthsLeft: status === 'grace' && before ? policy.graceMonths - unpaidMonths : null,
      graceUntil: status === 'grace' && before ? lastDayOf(addMonths(before, policy.graceMonths)) : null,
      lapsedOn: status === 'lapsed' && before ? firstDayOf(addMonths(before, policy.graceMonths + 1)) : null,
      events,
    }
  })

  const payments = new Map<string, PaymentExplanation>()
  for (const p of [...known].sort((a, b) => a.knownAt.getTime() - b.knownAt.getTime() || (a.paymentId ?? 0) - (b.paymentId ?? 0) || (a.period < b.period ? -1 : 1))) {
    const key = `${p.knownAt.getTime()}:${p.paymentId ?? 0}`
    const e = payments.get(key) ?? { paymentId: p.paymentId ?? null, knownAt: p.knownAt.toISOString(), knownOn: jakartaDate(p.knownAt), months: [] }
    e.months.push(p.period)
    payments.set(key, e)
  }
  const now = months.find((x) => x.period === current)!
  return { graceMonths: policy.graceMonths, from, to, payments: [...payments.values()], months, status: now.status, rule: now.rule, regulation: now.regulation }
}

function ruleOf(m: YearMonth, current: YearMonth, status: CoverageState, paidBy: MonthPayment | null, events: CoverageChange[]): MonthRule {
  switch (status) {
    case 'active':
      if (m > current) return 'paid_ahead'
      // Credited from the month of a payment after a lapse (its bill's earlier months moved here),
      // or the month protection came back in.
      if ((paidBy?.billedPeriod && paidBy.billedPeriod !== m) || events.some((e) => e.event === 'reactivated')) return 'restart'
      return 'paid'
    case 'grace':
      // Paid after it ended (or after today's date in it): arrears, settled while the membership ran.
      return paidBy ? 'arrears_paid' : 'grace'
    case 'lapsed':
      return 'lapsed'
    case 'unpaid':
      return 'unpaid'
  }
}

/** L of the rule: the latest month before `m` paid by a payment known on `asOf`. */
function latestPaidBefore(known: PaidMonth[], m: YearMonth, asOf: IsoDate): YearMonth | null {
  let best: YearMonth | null = null
  for (const p of known) if (p.period < m && jakartaDate(p.knownAt) <= asOf && (best === null || p.period > best)) best = p.period
  return best
}
