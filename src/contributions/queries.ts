// All SQL of bills and payments (the months a payment holds are coverage's: coverage monthsHeldBy). Run inside withActor() so row-level security scopes it.
import type { Db, Tx } from '../platform/db.ts'
import type { BillRow as BillTable, PartnerPaymentChannelRow, PaymentChannelRow, PaymentRow } from '../platform/db-types.ts'
import { copyLines, copyNullable, copyText, copyTextArray } from '../platform/copy.ts'
import type { BillLine } from './bills.ts'

/** A bill as `SELECT *` reads it (src/platform/db-types.ts); its lines are the priced BillLines billing wrote. */
export type BillRow = Omit<BillTable, 'lines'> & { lines: BillLine[] }

export async function insertBill(
  db: Db,
  b: { participantId: number; seq: number; paymentCode: string; periods: string[]; amount: number; lines: BillLine[]; issuedAt: Date; expiresAt: Date; issuedBy: number | null },
): Promise<BillRow> {
  const [row] = await db<BillRow[]>`
    INSERT INTO bill (participant_id, seq, payment_code, periods, amount, lines, issued_at, expires_at, issued_by)
    VALUES (${b.participantId}, ${b.seq}, ${b.paymentCode}, ${b.periods}, ${b.amount}, ${db.json(b.lines as never)},
            ${b.issuedAt}, ${b.expiresAt}, ${b.issuedBy})
    RETURNING *`
  return row!
}

type NewBill = { participantId: number; seq: number; paymentCode: string; periods: string[]; amount: number; lines: BillLine[]; issuedAt: Date; expiresAt: Date; issuedBy: number | null }

/**
 * The columns an imported bill fills, in COPY order: the one list the staging table, the COPY and
 * the INSERT all take their columns from; every column of bill but its generated id, and a column
 * added by a migration fails to compile in BILL_IMPORT_FIELD until it is given its value.
 */
const BILL_IMPORT_COLUMNS = [
  'participant_id', 'seq', 'payment_code', 'periods', 'amount', 'lines', 'issued_at', 'expires_at', 'issued_by',
] as const satisfies readonly Exclude<keyof BillTable, 'id'>[]
const BILL_IMPORT_FIELD: { [K in Exclude<keyof BillTable, 'id'>]: (b: NewBill) => string } = {
  participant_id: (b) => String(b.participantId),
  seq: (b) => String(b.seq),
  payment_code: (b) => copyText(b.paymentCode),
  periods: (b) => copyTextArray(b.periods),
  amount: (b) => String(b.amount),
  lines: (b) => copyText(JSON.stringify(b.lines)),
  issued_at: (b) => b.issuedAt.toISOString(),
  expires_at: (b) => b.expiresAt.toISOString(),
  issued_by: (b) => copyNullable(b.issuedBy),
}
// Every field listed once, in the list's order.
const everyBillColumn: Exclude<keyof typeof BILL_IMPORT_FIELD, (typeof BILL_IMPORT_COLUMNS)[number]> extends never ? true : never = true
void everyBillColumn

/**
 * Many bills at once (history imports, the demo seed): COPY into a staging table without
 * constraints (made from bill's columns, WITH NO DATA: no NOT NULL, no keys), then one
 * INSERT … SELECT, so a conflicting row fails as an ordinary error.
 */
export async function insertBills(tx: Tx, bs: NewBill[]): Promise<void> {
  if (!bs.length) return
  const cols = BILL_IMPORT_COLUMNS.join(', ')
  await tx.unsafe(`CREATE TEMP TABLE IF NOT EXISTS bill_stage ON COMMIT DELETE ROWS AS SELECT ${cols} FROM bill WITH NO DATA`)
  const fields = BILL_IMPORT_COLUMNS.map((c) => BILL_IMPORT_FIELD[c])
  await copyLines(tx, `bill_stage (${cols})`, bs.map((b) => fields.map((f) => f(b)).join('\t') + '\n'))
  await tx.unsafe(`INSERT INTO bill (${cols}) SELECT ${cols} FROM bill_stage`)
  await tx`TRUNCATE bill_stage`
}

export const lastBillSeq = async (db: Db, participantId: number): Promise<number> =>
  (await db<{ seq: number | null }[]>`SELECT max(seq) AS seq FROM bill WHERE participant_id = ${participantId}`)[0]!.seq ?? 0

/**
 * The participant's newest bill number issued by the instant k.at, for the bill aliased b: the one
 * bill of theirs a payment made at that instant may pay; an older unpaid one is superseded
 * (billing.ts isSuperseded). Both the bills list (k.at = now) and posting (k.at = the instant
 * paid) read it, so they cannot disagree on which bill replaced which.
 */
const newestSeqIssuedBy = (db: Db) =>
  db`(SELECT max(l.seq) FROM bill l WHERE l.participant_id = b.participant_id AND l.issued_at <= k.at)`

export interface BillWithPayment extends BillRow {
  payment_id: number | null
  paid_at: Date | null
  payment_reference: string | null
  /** The participant's newest bill issued by `now` (null when none was: every bill lies after it). */
  newest_seq: number | null
}

export const listBills = (db: Db, participantId: number, now: Date): Promise<BillWithPayment[]> =>
  db<BillWithPayment[]>`
    SELECT b.*, p.id AS payment_id, p.paid_at, p.reference AS payment_reference, ${newestSeqIssuedBy(db)} AS newest_seq
    FROM bill b CROSS JOIN (SELECT ${now.toISOString()}::timestamptz AS at) k
    LEFT JOIN payment p ON p.participant_id = b.participant_id AND p.bill_id = b.id
    WHERE b.participant_id = ${participantId}
    ORDER BY b.seq DESC`

export type { PaymentRow }

export interface PaymentWithBill extends PaymentRow {
  payment_code: string
  periods: string[]
}

/** A claimed (reference, channel) pair, with its payment when the caller may see it. */
export type ClaimedReference =
  | ({ visible: true } & PaymentWithBill)
  | { visible: false; reference: string; channel: string }

/**
 * Who already holds any of these (reference, channel) pairs, keyed reference NUL channel.
 * payment_reference is readable by every role (migrations/0006: uniqueness must answer for the
 * whole registry), payment and bill only within the caller's scope; so a pair claimed by a payment
 * of a participant out of scope comes back as `visible: false`, without the payment.
 */
export async function findPaymentReferences(db: Db, refs: { reference: string; channel: string }[]): Promise<Map<string, ClaimedReference>> {
  if (!refs.length) return new Map()
  const rows = await db<(PaymentWithBill & { pr_reference: string; pr_channel: string })[]>`
    SELECT pr.reference AS pr_reference, pr.channel AS pr_channel, p.*, b.payment_code, b.periods
    FROM unnest(${refs.map((r) => r.reference)}::text[], ${refs.map((r) => r.channel)}::text[]) AS k(reference, channel)
    JOIN payment_reference pr ON pr.reference = k.reference AND pr.channel = k.channel
    LEFT JOIN payment p ON p.participant_id = pr.participant_id AND p.id = pr.payment_id
    LEFT JOIN bill b ON b.participant_id = p.participant_id AND b.id = p.bill_id`
  return new Map(rows.map(({ pr_reference, pr_channel, ...r }): [string, ClaimedReference] => [
    `${pr_reference}\u0000${pr_channel}`,
    r.id === null || r.payment_code === null ? { visible: false, reference: pr_reference, channel: pr_channel } : { visible: true, ...r },
  ]))
}

export interface BillForPosting extends BillRow {
  paid: boolean
  /** The participant's newest bill issued by the time this payment was made (null when none was). */
  newest_seq: number | null
}

/**
 * The bills named by (participant, seq), each with whether it is paid and the newest seq issued by
 * the time of its payment (a bill issued after the money was paid cannot have replaced it).
 */
export async function billsForPosting(db: Db, keys: { participantId: number; seq: number; paidAt: Date }[]): Promise<Map<string, BillForPosting>> {
  if (!keys.length) return new Map()
  const rows = await db<BillForPosting[]>`
    SELECT b.*,
           EXISTS (SELECT 1 FROM payment p WHERE p.participant_id = b.participant_id AND p.bill_id = b.id) AS paid,
           ${newestSeqIssuedBy(db)} AS newest_seq
    FROM unnest(${keys.map((k) => k.participantId)}::int8[], ${keys.map((k) => k.seq)}::int4[],
                ${keys.map((k) => k.paidAt.toISOString())}::timestamptz[]) AS k(participant_id, seq, at)
    JOIN bill b ON b.participant_id = k.participant_id AND b.seq = k.seq`
  return new Map(rows.map((r) => [`${r.participant_id}:${r.seq}`, r]))
}

export async function insertPayments(
  db: Db,
  ps: { participantId: number; billId: number; amount: number; reference: string; channel: string; paidAt: Date; receivedAt: Date }[],
): Promise<PaymentRow[]> {
  // unnest keeps the order of its input, and RETURNING follows the insert order.
  return db<PaymentRow[]>`
    INSERT INTO payment (participant_id, bill_id, amount, reference, channel, paid_at, received_at)
    SELECT * FROM unnest(${ps.map((p) => p.participantId)}::int8[], ${ps.map((p) => p.billId)}::int8[], ${ps.map((p) => p.amount)}::int8[],
                         ${ps.map((p) => p.reference)}::text[], ${ps.map((p) => p.channel)}::text[],
                         ${ps.map((p) => p.paidAt.toISOString())}::timestamptz[], ${ps.map((p) => p.receivedAt.toISOString())}::timestamptz[])
    RETURNING *`
}

/** Claims (reference, channel) pairs; returns how many were new. */
export async function claimPaymentReferences(db: Db, rs: { reference: string; channel: string; participantId: number; paymentId: number }[]): Promise<number> {
  const rows = await db`
    INSERT INTO payment_reference (reference, channel, participant_id, payment_id)
    SELECT * FROM unnest(${rs.map((r) => r.reference)}::text[], ${rs.map((r) => r.channel)}::text[],
                         ${rs.map((r) => r.participantId)}::int8[], ${rs.map((r) => r.paymentId)}::int8[])
    ON CONFLICT DO NOTHING RETURNING 1`
  return rows.length
}

export const listPayments = (db: Db, participantId: number): Promise<PaymentWithBill[]> =>
  db<PaymentWithBill[]>`
    SELECT p.*, b.payment_code, b.periods
    FROM payment p
    JOIN bill b ON b.participant_id = p.participant_id AND b.id = p.bill_id
    WHERE p.participant_id = ${participantId} ORDER BY p.paid_at DESC, p.id DESC`

// Payment channels (migrations/0011) ----------------------------------------------------------------

/** A channel as read for posting: every column of payment_channel. */
export type { PaymentChannelRow }

/**
 * The channels a batch of notices names, and the channel bound to the posting partner (if any),
 * in one round trip: the reference table is small, the binding is one primary-key probe.
 */
export async function channelsForPosting(db: Db, codes: string[], partnerId: number | null): Promise<{ channels: PaymentChannelRow[]; bound: string | undefined }> {
  const rows = await db<(PaymentChannelRow & { bound: boolean })[]>`
    SELECT c.code, c.kind, c.name_id, c.name_en, c.user_roles, b.partner_id IS NOT NULL AS bound
    FROM payment_channel c
    LEFT JOIN partner_payment_channel b ON b.channel = c.code AND b.partner_id = ${partnerId}
    WHERE c.code = ANY (${codes}::text[]) OR b.partner_id IS NOT NULL`
  return { channels: rows.map(({ bound: _, ...c }) => c), bound: rows.find((r) => r.bound)?.code }
}

export const listPaymentChannels = (db: Db): Promise<PaymentChannelRow[]> =>
  db<PaymentChannelRow[]>`SELECT code, kind, name_id, name_en, user_roles FROM payment_channel ORDER BY kind, code`

export const findPaymentChannel = async (db: Db, code: string): Promise<PaymentChannelRow | undefined> =>
  (await db<PaymentChannelRow[]>`SELECT code, kind, name_id, name_en, user_roles FROM payment_channel WHERE code = ${code}`)[0]

/** A partner's binding: partner_payment_channel as `SELECT *` reads it. */
export type PartnerChannelRow = PartnerPaymentChannelRow

export const partnerChannel = async (db: Db, partnerId: number, opts: { forUpdate?: boolean } = {}): Promise<PartnerChannelRow | undefined> =>
  opts.forUpdate
    ? (await db<PartnerChannelRow[]>`SELECT * FROM partner_payment_channel WHERE partner_id = ${partnerId} FOR UPDATE`)[0]
    : (await db<PartnerChannelRow[]>`SELECT * FROM partner_payment_channel WHERE partner_id = ${partnerId}`)[0]

/** Binds a partner to a channel (replacing its earlier one); 23505 on the channel when another partner holds it. */
export const bindPartnerChannel = async (db: Db, b: { partnerId: number; channel: string; at: Date; by: number | null }): Promise<PartnerChannelRow> =>
  (await db<PartnerChannelRow[]>`
    INSERT INTO partner_payment_channel (partner_id, channel, bound_at, bound_by)
    VALUES (${b.partnerId}, ${b.channel}, ${b.at}, ${b.by})
    ON CONFLICT (partner_id) DO UPDATE SET channel = excluded.channel, bound_at = excluded.bound_at, bound_by = excluded.bound_by
    RETURNING *`)[0]!
