// SQL of the coverage facts (migrations/0016): the months as credited (coverage_month), one outcome
// per payment (coverage_outcome) and the status periods it implies (coverage_period). All
// append-only: rows are inserted by the posting path and never changed.
import type { Db } from '../platform/db.ts'
import type { CoveragePeriodRow } from '../platform/db-types.ts'

/** A status a period is stored with (coverage_period's CHECK list, generated): 'unpaid' is never stored. */
export type StoredStatus = CoveragePeriodRow['status']

export interface PaidMonthRow {
  period: string
  known_at: Date
  payment_id: number
  billed_period: string
}

/** Credited months of a participant, as 'YYYY-MM' with the payment holding each, when Jamsos knew of it and the month its bill priced. */
export const paidMonths = (db: Db, participantId: number): Promise<PaidMonthRow[]> =>
  db<PaidMonthRow[]>`
    SELECT to_char(period, 'YYYY-MM') AS period, known_at, payment_id, to_char(billed_period, 'YYYY-MM') AS billed_period FROM coverage_month
    WHERE participant_id = ${participantId} ORDER BY period`

export interface CoverageStateRow {
  participant_id: number
  /** Credited months so far, 'YYYY-MM'. */
  months: string[]
  /** The latest outcome's number (0 when nothing was paid yet) and when it became known. */
  seq: number
  known_at: Date | null
}

/** What posting needs to credit the next payments of these members: their months and latest outcome. */
export const coverageStates = (db: Db, participantIds: number[]): Promise<CoverageStateRow[]> =>
  db<CoverageStateRow[]>`
    SELECT k.id AS participant_id,
           ARRAY(SELECT to_char(c.period, 'YYYY-MM') FROM coverage_month c WHERE c.participant_id = k.id ORDER BY c.period) AS months,
           coalesce(o.seq, 0) AS seq, o.known_at
    FROM unnest(${participantIds}::int8[]) AS k(id)
    LEFT JOIN LATERAL (SELECT seq, known_at FROM coverage_outcome o WHERE o.participant_id = k.id ORDER BY seq DESC LIMIT 1) o ON true`

export interface CreditRow {
  participantId: number
  period: string
  billedPeriod: string
  paymentId: number
  paidAt: Date
  knownAt: Date
  amount: number
}

export interface OutcomeRow {
  participantId: number
  seq: number
  paymentId: number
  knownAt: Date
  graceMonths: number
  paidThrough: string
}

/** A status period to insert: coverage_period's row (generated) without its generated range. */
export type PeriodRow = Omit<CoveragePeriodRow, 'valid'>

/**
 * Appends the outcome of payments: credited months, one outcome each, and their status periods.
 * Plain INSERTs: a month credited twice or an outcome numbered twice is a bug (or two postings
 * that did not hold the member's lock), and fails the transaction.
 */
export async function insertFacts(db: Db, credits: CreditRow[], outcomes: OutcomeRow[], periods: PeriodRow[]): Promise<void> {
  const iso = (d: Date) => d.toISOString()
  if (credits.length) {
    await db`
      INSERT INTO coverage_month (participant_id, period, billed_period, payment_id, paid_at, known_at, amount)
      SELECT m.participant_id, (m.period || '-01')::date, (m.billed || '-01')::date, m.payment_id, m.paid_at, m.known_at, m.amount
      FROM unnest(${credits.map((c) => c.participantId)}::int8[], ${credits.map((c) => c.period)}::text[], ${credits.map((c) => c.billedPeriod)}::text[],
                  ${credits.map((c) => c.paymentId)}::int8[], ${credits.map((c) => iso(c.paidAt))}::timestamptz[],
                  ${credits.map((c) => iso(c.knownAt))}::timestamptz[], ${credits.map((c) => c.amount)}::int8[])
        AS m(participant_id, period, billed, payment_id, paid_at, known_at, amount)`
  }
  if (outcomes.length) {
    await db`
      INSERT INTO coverage_outcome (participant_id, seq, payment_id, known_at, grace_months, paid_through)
      SELECT o.participant_id, o.seq, o.payment_id, o.known_at, o.grace, (o.through || '-01')::date
      FROM unnest(${outcomes.map((o) => o.participantId)}::int8[], ${outcomes.map((o) => o.seq)}::int4[], ${outcomes.map((o) => o.paymentId)}::int8[],
                  ${outcomes.map((o) => iso(o.knownAt))}::timestamptz[], ${outcomes.map((o) => o.graceMonths)}::int4[],
                  ${outcomes.map((o) => o.paidThrough)}::text[])
        AS o(participant_id, seq, payment_id, known_at, grace, through)`
  }
  if (periods.length) {
    await db`
      INSERT INTO coverage_period (participant_id, seq, valid_from, valid_to, status, known_at)
      SELECT * FROM unnest(${periods.map((p) => p.participant_id)}::int8[], ${periods.map((p) => p.seq)}::int4[], ${periods.map((p) => p.valid_from)}::date[],
                           ${periods.map((p) => p.valid_to)}::date[], ${periods.map((p) => p.status)}::text[], ${periods.map((p) => iso(p.known_at))}::timestamptz[])`
  }
}

/** The months each payment holds (as credited), keyed by payment id. */
export const monthsHeld = (db: Db, keys: { participantId: number; paymentId: number }[]): Promise<{ payment_id: number; periods: string[] }[]> =>
  db<{ payment_id: number; periods: string[] }[]>`
    SELECT k.payment_id,
           ARRAY(SELECT to_char(c.period, 'YYYY-MM') FROM coverage_month c
                 WHERE c.participant_id = k.participant_id AND c.payment_id = k.payment_id ORDER BY c.period) AS periods
    FROM unnest(${keys.map((k) => k.participantId)}::int8[], ${keys.map((k) => k.paymentId)}::int8[]) AS k(participant_id, payment_id)`

/**
 * The status of each (participant, date) as known at an instant: the period containing the date of
 * the member's latest outcome known by then (null: nothing paid by then). `knownBy` must already be
 * at most the end of the date (coverage.ts knownBy): later knowledge never changes a past day.
 */
export const statusesAt = (db: Db, keys: { participantId: number; date: string; knownBy: Date }[]): Promise<{ i: number; status: StoredStatus | null }[]> =>
  db<{ i: number; status: StoredStatus | null }[]>`
    SELECT k.i::int4 AS i, s.status
    FROM unnest(${keys.map((k) => k.participantId)}::int8[], ${keys.map((k) => k.date)}::date[], ${keys.map((k) => k.knownBy.toISOString())}::timestamptz[])
      WITH ORDINALITY AS k(participant_id, d, at, i)
    LEFT JOIN LATERAL (
      SELECT o.seq FROM coverage_outcome o WHERE o.participant_id = k.participant_id AND o.known_at <= k.at
      ORDER BY o.known_at DESC, o.seq DESC LIMIT 1) o ON true
    LEFT JOIN coverage_period s ON s.participant_id = k.participant_id AND s.seq = o.seq AND s.valid @> k.d
    ORDER BY k.i`

export interface MemberCountRow {
  status: StoredStatus
  n: number
}

/**
 * Members by status on `date` as known by `knownBy` (≤ the end of the date), all of them within the
 * caller's scope: the periods containing the date (GiST on coverage_period.valid) whose outcome no
 * later outcome known by then superseded.
 */
export const memberCountsAll = (db: Db, date: string, knownBy: Date): Promise<MemberCountRow[]> =>
  db<MemberCountRow[]>`
    SELECT p.status, count(*)::int8 AS n
    FROM coverage_period p
    WHERE p.valid @> ${date}::date AND p.known_at <= ${knownBy}
      AND NOT EXISTS (SELECT 1 FROM coverage_outcome o
                      WHERE o.participant_id = p.participant_id AND o.seq > p.seq AND o.known_at <= ${knownBy})
    GROUP BY p.status`

/**
 * The same count for the members whose attributes on the date (the latest participant_attribute
 * row in effect by `knownBy`) place them in a branch or village: from the attribute history by
 * (branch_code, valid_from), then each member's latest outcome and its period containing the date.
 */
export const memberCountsIn = (db: Db, date: string, knownBy: Date, where: { branchCode?: string; villageCode?: string }): Promise<MemberCountRow[]> =>
  db<MemberCountRow[]>`
    SELECT s.status, count(*)::int8 AS n
    FROM participant_attribute a
    CROSS JOIN LATERAL (
      SELECT o.seq FROM coverage_outcome o WHERE o.participant_id = a.participant_id AND o.known_at <= ${knownBy}
      ORDER BY o.known_at DESC, o.seq DESC LIMIT 1) o
    JOIN coverage_period s ON s.participant_id = a.participant_id AND s.seq = o.seq AND s.valid @> ${date}::date
    WHERE ${place(db, where)}
      AND a.valid_from <= ${knownBy}
      AND NOT EXISTS (SELECT 1 FROM participant_attribute b
                      WHERE b.participant_id = a.participant_id AND b.seq > a.seq AND b.valid_from <= ${knownBy})
    GROUP BY s.status`

function place(db: Db, where: { branchCode?: string; villageCode?: string }) {
  const { branchCode: b, villageCode: v } = where
  if (b !== undefined && v !== undefined) return db`a.branch_code = ${b} AND a.village_code = ${v}`
  if (b !== undefined) return db`a.branch_code = ${b}`
  if (v !== undefined) return db`a.village_code = ${v}`
  throw new Error('memberCountsIn needs a branch or a village')
}
