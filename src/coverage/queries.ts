// SQL of paid months (coverage_month): the facts coverage status is computed from.
import type { Db } from '../platform/db.ts'

export interface CoveredMonthRow {
  payment_id: number
  period: string
}

/**
 * Records paid months and answers the months each payment now covers. A month is covered once
 * (primary key participant_id, period): a month paid twice covers once, the second payment is an
 * overpayment (regulations.md §2: overpaid months are refunded). This happens when a member pays a
 * bill whose notice arrives late and, before it does, is billed and pays the same months again:
 * neither bill replaced the other, both payments are real money and both are recorded.
 *
 * Which payment holds the month: the one Jamsos received first (known_at). Coverage is counted from
 * when a payment is known (issue 12, item 7: a later notice saying it was paid earlier must not make
 * a past day covered after the fact), so a month once held never changes hands and the row is never
 * updated. Within one batch (the same instant) the one paid first goes in.
 */
export async function insertCoverageMonths(
  db: Db,
  months: { participantId: number; period: string; amount: number; paymentId: number; paidAt: Date; knownAt: Date }[],
): Promise<CoveredMonthRow[]> {
  if (!months.length) return []
  return db<CoveredMonthRow[]>`
    INSERT INTO coverage_month AS c (participant_id, period, payment_id, paid_at, known_at, amount)
    -- Both payments may sit in one batch, and one statement may not insert a row twice.
    SELECT DISTINCT ON (m.participant_id, m.period) m.participant_id, (m.period || '-01')::date, m.payment_id, m.paid_at, m.known_at, m.amount
    FROM unnest(${months.map((m) => m.participantId)}::int8[], ${months.map((m) => m.period)}::text[],
                ${months.map((m) => m.paymentId)}::int8[], ${months.map((m) => m.paidAt.toISOString())}::timestamptz[],
                ${months.map((m) => m.knownAt.toISOString())}::timestamptz[],
                ${months.map((m) => m.amount)}::int8[]) AS m(participant_id, period, payment_id, paid_at, known_at, amount)
    ORDER BY m.participant_id, m.period, m.known_at, m.paid_at, m.payment_id
    ON CONFLICT (participant_id, period) DO NOTHING
    RETURNING c.payment_id, to_char(c.period, 'YYYY-MM') AS period`
}

export interface PaidMonthRow {
  period: string
  known_at: Date
}

/** Paid months of a participant, as 'YYYY-MM' with the instant Jamsos knew each was paid. */
export const paidMonths = (db: Db, participantId: number): Promise<PaidMonthRow[]> =>
  db<PaidMonthRow[]>`
    SELECT to_char(period, 'YYYY-MM') AS period, known_at FROM coverage_month
    WHERE participant_id = ${participantId} ORDER BY period`
