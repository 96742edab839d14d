// Pure rules of a BPU bill: which months it covers, what it costs, until when it can be paid.
import { AppError } from '../platform/errors.ts'
import { addMonths, jakartaEndOf, lastDayOf, monthDiff, monthOf, type IsoDate, type YearMonth } from '../platform/dates.ts'
import { bpuMonthly, type BpuLine, type BpuMember, type RateRow } from '../programs/index.ts'
import { ContributionErrors as C } from './errors.ts'

/** The months a bill of n months starting at `start` covers. */
export function billPeriods(start: YearMonth, months: number, allowed: number[], today: IsoDate): YearMonth[] {
  if (!allowed.includes(months)) {
    throw AppError.field(C.BILL_MONTHS_INVALID, 'months', `a bill covers ${allowed.length === 12 ? '1 to 12' : allowed.join(', ')} months, not ${months}`)
  }
  const periods = Array.from({ length: months }, (_, i) => addMonths(start, i))
  // Contributions are paid ahead for at most 12 months from the current one (regulations.md §2:
  // "Pay 1–12 months at once").
  const last = periods[periods.length - 1]!
  const limit = addMonths(monthOf(today), 11)
  if (monthDiff(limit, last) > 0) {
    throw AppError.field(C.BILL_TOO_FAR_AHEAD, 'months', `the bill would run to ${last}; contributions can be paid up to ${limit}`)
  }
  return periods
}

/** One program's contribution for one month of a bill: the calculator's line with its month. */
export type BillLine = BpuLine & { period: YearMonth }

export interface PricedBill {
  amount: number
  lines: BillLine[]
}

/** Each month is priced with the rates in force in that month (a discount window may start mid-bill). */
export function priceBill(
  rates: RateRow[],
  member: BpuMember,
  periods: YearMonth[],
): PricedBill {
  const lines: BillLine[] = []
  for (const period of periods) {
    for (const l of bpuMonthly(rates, member, period).lines) lines.push({ period, ...l })
  }
  return { amount: lines.reduce((s, l) => s + l.amount, 0), lines }
}

/**
 * A bill can be paid until the end of the Jakarta month it was issued in: coverage state and rates
 * change at month boundaries (grace turns into lapse on the 1st), so a bill priced for this month's
 * situation is not valid in the next.
 */
export function billExpiry(issuedOn: IsoDate): Date {
  return jakartaEndOf(lastDayOf(monthOf(issuedOn)))
}
