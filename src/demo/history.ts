// Contribution payment histories for the demo population: who pays, how many months at a time,
// when in the day and month, who lapses and who comes back.
//
// The histories keep the BPU arrears rule (Perdir 22/PERDIR.02/072022, regulations.md §2): unpaid
// months may be paid up to graceMonths (the policy's JAMSOS_GRACE_MONTHS, 3 by default) after
// protection ends; after more consecutive unpaid months membership ends, and a restart pays from
// the current month with no arrears. The generator stays clear of the boundary, whichever way a
// reader counts it: a late payer is at most 2 months behind (inside the window when graceMonths ≥
// 3), and a restart comes at least graceMonths + 2 months after the last paid period.
import type { YearMonth } from '../platform/dates.ts'
import { JAKARTA_OFFSET_MINUTES } from '../platform/dates.ts'
import { Weighted, type Rng } from './random.ts'

export interface DemoPayment {
  /** Consecutive contribution months this payment covers. */
  periods: YearMonth[]
  paidAt: Date
  /** How the money came in (payment channel code). */
  channel: string
}

/** Payment channel codes; 'apbd' is a regional government paying from its budget. */
export type PaymentMethod = 'jmo' | 'dana' | 'brilink' | 'pos' | 'bank_va' | 'autodebit' | 'perisai' | 'branch' | 'sponsor' | 'apbd'

export interface PayerProfile {
  /** Usual payment methods, by preference. */
  methods: Weighted<PaymentMethod>
  /** Chance the worker registers and never pays. */
  neverPays: number
  /** Chance, per month paid, of stopping after the current payment. */
  monthlyLapse: number
  /** Chance a lapsed worker restarts later. */
  reactivation: number
  /** Months paid at a time. */
  terms: Weighted<number>
  /** Share of renewals paid in arrears (one month behind, with the current month). */
  lateShare: number
  /** Share of renewals paid ahead, in the last days of the month before. */
  aheadShare: number
}

/**
 * The grace period when the caller has no policy (tests, the bench): JAMSOS_GRACE_MONTHS' default.
 * The seed passes the configured one.
 */
export const DEFAULT_GRACE_MONTHS = 3

/**
 * First period a payment made in month `paidMonth` covers, for a worker paid through `paidThrough`
 * (month indices, year × 12 + month − 1): the next unpaid month while arrears may still be paid
 * (within `graceMonths`), otherwise the current month (a restart, no arrears).
 */
export function coveredFrom(paidThrough: number, paidMonth: number, graceMonths = DEFAULT_GRACE_MONTHS): number {
  return paidMonth - paidThrough > graceMonths ? paidMonth : paidThrough + 1
}

const HOUR = 3_600_000
const DAY = 86_400_000
const OFFSET = JAKARTA_OFFSET_MINUTES * 60_000

/** Jakarta month index (year × 12 + month − 1) of an instant. */
export function jakartaMonthIndex(ms: number): number {
  const d = new Date(ms + OFFSET)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

export function monthIndexOf(ym: YearMonth): number {
  return Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1
}

export function yearMonthOf(index: number): YearMonth {
  const y = Math.floor(index / 12)
  const m = index - y * 12 + 1
  return `${y}-${m < 10 ? '0' : ''}${m}`
}

function daysIn(index: number): number {
  const y = Math.floor(index / 12)
  return new Date(Date.UTC(y, index - y * 12 + 1, 0)).getUTCDate()
}

/** The instant of a Jakarta wall-clock time: month index, day of month, minutes after midnight. */
function jakartaInstant(index: number, day: number, minute: number): number {
  const y = Math.floor(index / 12)
  return Date.UTC(y, index - y * 12, day) + minute * 60_000 - OFFSET
}

type When = 'ahead' | 'current' | 'late' | 'restart'

/** When in month `index` a payment is made. */
function paymentInstant(rng: Rng, index: number, when: When, method: PaymentMethod): number {
  const dim = daysIn(index)
  if (method === 'autodebit') {
    // Platform auto-debits run in the small hours of the first days of the month.
    return jakartaInstant(index, rng.int(1, 3), rng.int(5, 6 * 60))
  }
  if (method === 'sponsor' || method === 'branch' || method === 'apbd') {
    return jakartaInstant(index, rng.int(1, Math.min(dim, 25)), rng.int(8 * 60, 16 * 60))
  }
  switch (when) {
    case 'ahead':
      // Paying next month ahead, in the last days of the month; many on payday evening.
      if (rng.chance(0.35)) return jakartaInstant(index, dim, rng.int(19 * 60, 23 * 60 + 45))
      return jakartaInstant(index, rng.int(dim - 9, dim), rng.int(7 * 60, 21 * 60 + 59))
    case 'current':
      // Mostly early in the month, after wages or harvest money come in.
      return jakartaInstant(index, 1 + Math.floor(dim * rng.next() ** 1.8), rng.int(7 * 60, 21 * 60 + 59))
    case 'late':
    case 'restart':
      return jakartaInstant(index, rng.int(1, 28), rng.int(8 * 60, 20 * 60))
  }
}

/**
 * The payments one worker makes from registration until `untilEnd` (exclusive instant, ms).
 * Pure: everything comes from rng and the arguments.
 */
export function paymentHistory(rng: Rng, registeredAt: Date, untilEnd: number, profile: PayerProfile, graceMonths = DEFAULT_GRACE_MONTHS): DemoPayment[] {
  const payments: DemoPayment[] = []
  if (rng.chance(profile.neverPays)) return payments
  const preferred = profile.methods.draw(rng)
  const method = () => (rng.chance(0.08) ? profile.methods.draw(rng) : preferred)

  const reg = registeredAt.getTime()
  const regMonth = jakartaMonthIndex(reg)
  // The first contribution is paid at sign-up or within three days; coverage starts that month.
  let m = method()
  let at = reg + (rng.chance(0.6) ? rng.int(2, 30) * 60_000 : rng.int(1, 72) * HOUR)
  if (at >= untilEnd) return payments
  let start = regMonth
  let months = profile.terms.draw(rng)
  for (;;) {
    const periods: YearMonth[] = new Array(months)
    for (let i = 0; i < months; i++) periods[i] = yearMonthOf(start + i)
    payments.push({ periods, paidAt: new Date(at), channel: m })
    const paidThrough = start + months - 1
    const last = at

    m = method()
    let month: number
    if (rng.chance(1 - (1 - profile.monthlyLapse) ** months)) {
      if (!rng.chance(profile.reactivation)) break
      // A restart comes at least graceMonths + 2 months after the last paid period: clear of the
      // arrears window.
      const gap = graceMonths + 2 + Math.min(30, Math.floor(-Math.log(1 - rng.next()) * 6))
      month = paidThrough + gap
      at = paymentInstant(rng, month, 'restart', m)
    } else {
      const u = rng.next()
      const when: When = u < profile.lateShare ? 'late' : u < profile.lateShare + profile.aheadShare ? 'ahead' : 'current'
      month = when === 'late' ? paidThrough + 2 : when === 'ahead' ? paidThrough : paidThrough + 1
      at = paymentInstant(rng, month, when, m)
      if (at <= last) {
        // Short terms can put the next payment in the month of the last one: pay a few days later.
        const lastDay = Math.floor((last + OFFSET) / DAY)
        at = (lastDay + rng.int(1, 3)) * DAY - OFFSET + rng.int(8 * 60, 20 * 60) * 60_000
      }
    }
    if (at >= untilEnd) break
    const paidMonth = jakartaMonthIndex(at)
    start = coveredFrom(paidThrough, paidMonth, graceMonths)
    months = profile.terms.draw(rng)
    // Arrears are paid together with the current month.
    if (start + months - 1 < paidMonth) months = paidMonth - start + 1
  }
  return payments
}

/** The last month paid for, or null when nothing was paid. */
export function paidThrough(payments: readonly DemoPayment[]): YearMonth | null {
  let best: YearMonth | null = null
  for (const p of payments) {
    const last = p.periods[p.periods.length - 1]!
    if (best === null || last > best) best = last
  }
  return best
}
