// Coverage of a participant on any date, from the paid months known on that date.
import type { Db } from '../platform/db.ts'
import type { IsoDate, YearMonth } from '../platform/dates.ts'
import { coverageHistory, coverageOn, nextBillStart, paidMonthsKnownOn, type CoverageStatus } from './status.ts'
import * as q from './queries.ts'

export interface CoveragePolicy {
  graceMonths: number
}

export type PaidMonth = { period: YearMonth; paidAt: Date }

export async function paidMonthsOf(db: Db, participantId: number): Promise<PaidMonth[]> {
  return (await q.paidMonths(db, participantId)).map((r) => ({ period: r.period, paidAt: r.paid_at }))
}

/** Records the months payments cover, each stamped with the instant it was paid. */
export async function recordPaidMonths(
  db: Db,
  months: { participantId: number; period: YearMonth; amount: number; paymentId: number; paidAt: Date }[],
): Promise<void> {
  await q.insertCoverageMonths(db, months)
}

export interface CoverageReport extends CoverageStatus {
  date: IsoDate
  history: ReturnType<typeof coverageHistory>
  paidMonths: YearMonth[]
}

/** Status, history and paid months of a participant on a date (payments made after it are ignored). */
export async function coverageReport(db: Db, participantId: number, on: IsoDate, policy: CoveragePolicy): Promise<CoverageReport> {
  const paid = await paidMonthsOf(db, participantId)
  return {
    date: on,
    ...coverageOn(paid, on, policy),
    history: coverageHistory(paid, on, policy),
    paidMonths: paidMonthsKnownOn(paid, on).map((p) => p.period),
  }
}

export async function billStartFor(db: Db, participantId: number, on: IsoDate, policy: CoveragePolicy): Promise<{ start: YearMonth; status: CoverageStatus }> {
  const paid = await paidMonthsOf(db, participantId)
  return { start: nextBillStart(paid, on, policy), status: coverageOn(paid, on, policy) }
}
