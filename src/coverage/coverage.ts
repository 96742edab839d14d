// Coverage of a participant on any date, from the paid months known on that date.
import type { Db } from '../platform/db.ts'
import type { IsoDate, YearMonth } from '../platform/dates.ts'
import { coverageAt, paidMonthsKnownOn, type CoverageChange, type CoveragePolicy, type CoverageStatus, type PaidMonth } from './status.ts'
import * as q from './queries.ts'

export async function paidMonthsOf(db: Db, participantId: number): Promise<PaidMonth[]> {
  return (await q.paidMonths(db, participantId)).map((r) => ({ period: r.period, knownAt: r.known_at }))
}

/**
 * Records the months payments cover, each stamped with the instant Jamsos received the payment
 * (knownAt: coverage counts it from then) and the instant the payer says it was paid (paidAt,
 * kept as information), and answers the months each payment now holds, by payment id. A month
 * already held by a payment received earlier stays with it (a month paid twice covers once:
 * queries.ts), so a payment may hold fewer months than its bill lists, or none.
 */
export async function recordPaidMonths(
  db: Db,
  months: { participantId: number; period: YearMonth; amount: number; paymentId: number; paidAt: Date; knownAt: Date }[],
): Promise<Map<number, YearMonth[]>> {
  const held = new Map<number, YearMonth[]>()
  for (const r of await q.insertCoverageMonths(db, months)) held.set(r.payment_id, [...(held.get(r.payment_id) ?? []), r.period].sort())
  return held
}

export interface CoverageReport extends CoverageStatus {
  date: IsoDate
  history: CoverageChange[]
  paidMonths: YearMonth[]
}

/** Status, history and paid months of a participant on a date (payments made after it are ignored). */
export async function coverageReport(db: Db, participantId: number, on: IsoDate, policy: CoveragePolicy): Promise<CoverageReport> {
  const paid = await paidMonthsOf(db, participantId)
  const { status, history } = coverageAt(paid, on, policy)
  return { date: on, ...status, history, paidMonths: paidMonthsKnownOn(paid, on).map((p) => p.period) }
}

/** The first month a bill issued on `on` must cover (CoverageAt.nextBillStart). */
export async function billStartFor(db: Db, participantId: number, on: IsoDate, policy: CoveragePolicy): Promise<YearMonth> {
  return coverageAt(await paidMonthsOf(db, participantId), on, policy).nextBillStart
}
