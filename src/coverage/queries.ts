// SQL of paid months (coverage_month): the facts coverage status is computed from.
import type { Db } from '../platform/db.ts'

export async function insertCoverageMonths(
  db: Db,
  months: { participantId: number; period: string; amount: number; paymentId: number; paidAt: Date }[],
): Promise<void> {
  if (!months.length) return
  await db`
    INSERT INTO coverage_month (participant_id, period, payment_id, paid_at, amount)
    SELECT m.participant_id, (m.period || '-01')::date, m.payment_id, m.paid_at, m.amount
    FROM unnest(${months.map((m) => m.participantId)}::int8[], ${months.map((m) => m.period)}::text[],
                ${months.map((m) => m.paymentId)}::int8[], ${months.map((m) => m.paidAt.toISOString())}::timestamptz[],
                ${months.map((m) => m.amount)}::int8[]) AS m(participant_id, period, payment_id, paid_at, amount)`
}

export interface PaidMonthRow {
  period: string
  paid_at: Date
}

/** Paid months of a participant, as 'YYYY-MM' with the instant each was paid. */
export const paidMonths = (db: Db, participantId: number): Promise<PaidMonthRow[]> =>
  db<PaidMonthRow[]>`
    SELECT to_char(period, 'YYYY-MM') AS period, paid_at FROM coverage_month
    WHERE participant_id = ${participantId} ORDER BY period`

