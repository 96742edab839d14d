// Issuing bills and posting payments. postPayment is the one path every Rupiah that comes in takes:
// the ledger, QRIS and reconciliation (later issues) hook in here, never beside it.
import type { Static } from 'typebox'
import type { Db } from '../platform/db.ts'
import { type Actor, withActor } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { jakartaDate, type YearMonth } from '../platform/dates.ts'
import { loadRateTable } from '../programs/index.ts'
import { billStartFor, coverageKnownSince, monthsHeldBy, recordPayments, type CoveragePolicy } from '../coverage/index.ts'
import { kpjFromId, MAX_BILL_SEQ, memberForBilling, membersForBilling, paymentCodeFor, parsePaymentCode } from '../registry/index.ts'
import { recordAudit } from '../audit/index.ts'
import { publishEvents } from '../outbox/index.ts'
import { billIssued, paymentPosted } from './events.ts'
import { billExpiry, billPeriods, priceBill, type BillLine } from './bills.ts'
import { BINDABLE_KINDS, channelFor, type PaymentChannel } from './channels.ts'
import { ContributionErrors as C } from './errors.ts'
import * as q from './queries.ts'
import type { BillView, PartnerChannelView, PaymentChannelView, PaymentNotice as PaymentNoticeBody, PaymentView } from './views.ts'

export interface BillingContext {
  db: Db
  actor: Actor
  now: Date
  policy: CoveragePolicy & { billMonths: number[] }
}

export type { BillView } from './views.ts'

function billView(kpj: string, b: q.BillRow, state: { status: BillView['status']; paidAt: Date | null; reference: string | null }): BillView {
  return {
    id: b.id,
    kpj,
    paymentCode: b.payment_code,
    periods: b.periods,
    amount: b.amount,
    lines: b.lines,
    issuedAt: b.issued_at.toISOString(),
    expiresAt: b.expires_at.toISOString(),
    status: state.status,
    paidAt: state.paidAt?.toISOString() ?? null,
    paymentReference: state.reference,
  }
}

/** Bills the next n months: arrears first when in grace, from the current month when lapsed or new. */
export async function createBill(c: BillingContext, kpj: string, months: number): Promise<BillView> {
  const today = jakartaDate(c.now)
  return withActor(c.db, c.actor, async (tx) => {
    // Locking the participant serialises bills and payments of one member. The registry answers
    // what prices the bill (issue 13 §4: never its raw row, nor the NIK vault for the occupation).
    const member = await memberForBilling(tx, kpj, { lock: true })
    const { id } = member
    if (member.segment !== 'BPU') throw AppError.field(C.PARTICIPANT_NOT_BILLABLE, 'kpj', 'wage earners (PU) are billed through their employer')
    const start = await billStartFor(tx, id, today, c.policy)
    const periods = billPeriods(start, months, c.policy.billMonths, today)
    const rates = await loadRateTable(tx)
    const priced = priceBill(
      rates,
      { income: member.monthlyIncome, programs: member.programs, occupationGroup: member.occupationGroup, funding: member.funding },
      periods,
    )
    const seq = (await q.lastBillSeq(tx, id)) + 1
    // The payment code has 4 digits for the bill number (migrations/0005: seq BETWEEN 1 AND 9999),
    // so a member's 10,000th bill cannot be given a code: refuse it as the member's limit, not a crash.
    if (seq > MAX_BILL_SEQ) {
      throw AppError.field(C.BILL_LIMIT_REACHED, 'kpj', `participant ${kpj} already has ${MAX_BILL_SEQ} bills, the most a payment code can number`)
    }
    const bill = await q.insertBill(tx, {
      participantId: id,
      seq,
      paymentCode: paymentCodeFor(id, seq),
      periods,
      amount: priced.amount,
      lines: priced.lines,
      issuedAt: c.now,
      expiresAt: billExpiry(today),
      issuedBy: c.actor.userId,
    })
    await recordAudit(tx, c.actor, {
      action: 'bill.issue',
      entityType: 'bill',
      entityId: bill.payment_code,
      branchCode: member.branchCode,
      after: { kpj, periods, amount: bill.amount },
    })
    await publishEvents(tx, [billIssued({ participantId: id, kpj, paymentCode: bill.payment_code, periods: bill.periods, amount: bill.amount, issuedAt: bill.issued_at, expiresAt: bill.expires_at })])
    return billView(kpj, bill, { status: 'open', paidAt: null, reference: null })
  })
}

/** A bill already priced by the billing rules, for importing history in bulk. */
export interface ImportedBill {
  participantId: number
  seq: number
  periods: YearMonth[]
  amount: number
  lines: BillLine[]
  issuedAt: Date
}

/** Writes many priced bills at once (history imports, the demo seed); payment codes follow from id and seq. */
export async function importBills(c: { db: Db; actor: Actor }, bills: ImportedBill[]): Promise<string[]> {
  const rows = bills.map((b) => ({
    ...b,
    paymentCode: paymentCodeFor(b.participantId, b.seq),
    expiresAt: billExpiry(jakartaDate(b.issuedAt)),
    issuedBy: c.actor.userId,
  }))
  await withActor(c.db, c.actor, (tx) => q.insertBills(tx, rows))
  return rows.map((r) => r.paymentCode)
}

/**
 * The one reading of "superseded", for posting and for the bills list: an unpaid bill is superseded
 * at an instant when a newer bill of the same member had been issued by then (newest_seq: the
 * newest bill number issued by that instant, queries.ts newestSeqIssuedBy). Posting asks at the
 * instant the money was paid and refuses with BILL_SUPERSEDED. The list asks at `now`: bills are
 * only ever added, so a bill it shows superseded refuses every payment made from now on (a late
 * notice of a payment made before the newer bill was issued still posts, and the bill then lists
 * as paid). A paid bill is never superseded: posting let its payment through, so nothing had
 * replaced it by then.
 */
function isSuperseded(bill: { seq: number; paid: boolean; newest_seq: number | null }): boolean {
  return !bill.paid && bill.newest_seq !== null && bill.newest_seq > bill.seq
}

export async function listBills(c: Omit<BillingContext, 'policy'>, kpj: string): Promise<BillView[]> {
  return withActor(c.db, c.actor, async (tx) => {
    const { id } = await memberForBilling(tx, kpj)
    return (await q.listBills(tx, id, c.now)).map((b) => {
      const paid = b.payment_id !== null
      // In the order posting checks them, so for a bill issued by now the status is what a payment
      // made now would meet (paid, superseded, expired, else it posts).
      const status = paid ? 'paid' : isSuperseded({ ...b, paid }) ? 'superseded' : b.expires_at <= c.now ? 'expired' : 'open'
      return billView(kpj, b, { status, paidAt: b.paid_at, reference: b.payment_reference })
    })
  })
}

/** A payment notification from a channel (bank, app, counter). */
/**
 * A payment notice: the body POST /payments takes (views.ts), and `receivedAt`, when Jamsos received
 * it. Coverage counts the payment as known from then. Set from the server's clock (`now`) for every
 * caller; only Jamsos's own history imports (the system actor) may give a past instant, so that an
 * imported history is known when it happened.
 */
export type PaymentNotice = Static<typeof PaymentNoticeBody> & { receivedAt?: string }

/**
 * A payment as the API shows it (views.ts). `covered` holds fewer months than `periods` (or none)
 * when an earlier payment already paid them: a month paid twice covers once, the rest is an
 * overpayment to refund (regulations.md §2).
 */
export type { PaymentView } from './views.ts'

export interface PostedPayment {
  payment: PaymentView
  /** False when this notification was seen before and changed nothing. */
  created: boolean
}

// A channel's clock may run a little ahead of ours; more than this is a wrong timestamp.
const CLOCK_SKEW_MS = 5 * 60_000
const DAY_MS = 86_400_000

/** JAMSOS_PAYMENT_SETTLEMENT_DAYS' default: see Config.paymentSettlementDays and docs/coverage.md. */
export const DEFAULT_SETTLEMENT_DAYS = 7

/** Who posts, when, and how late a channel's notice may arrive after the payment it reports. */
export type PostingContext = Omit<BillingContext, 'policy'> & {
  settlementDays?: number
  /**
   * The coverage rule's graceMonths (Config.graceMonths): the status periods a payment leaves are
   * computed with it when it posts (coverage recordPayments). Default 3, as JAMSOS_GRACE_MONTHS.
   */
  policy?: CoveragePolicy
}

/**
 * Posts a payment against its bill. The same notification twice (same reference and channel)
 * changes nothing and answers the first payment; the amount must match the bill exactly.
 */
export async function postPayment(c: PostingContext, n: PaymentNotice): Promise<PostedPayment> {
  const [outcome] = await postPayments(c, [n], { audit: 'each' })
  if (outcome instanceof AppError) throw outcome
  return outcome!
}

/**
 * The one posting path for incoming money, set-based so that a settlement file or a history import
 * posts thousands of notifications in a few statements. Each notice either posts, answers its
 * earlier twin, or fails with its own AppError; the ones that post are written together.
 */
export async function postPayments(
  c: PostingContext,
  notices: PaymentNotice[],
  opts: { audit: 'each' | 'batch' } = { audit: 'batch' },
): Promise<(PostedPayment | AppError)[]> {
  const out: (PostedPayment | AppError | undefined)[] = new Array(notices.length)
  const settlementMs = (c.settlementDays ?? DEFAULT_SETTLEMENT_DAYS) * DAY_MS
  const instant = (text: string, field: string) => {
    const d = new Date(text)
    if (Number.isNaN(d.getTime())) throw AppError.field(C.PAYMENT_DATE_INVALID, field, 'not a date-time')
    return d
  }
  const checked = notices.map((n, i) => {
    try {
      const code = parsePaymentCode(n.paymentCode)
      const paidAt = instant(n.paidAt, 'paidAt')
      // Coverage counts a payment from when Jamsos received it (issue 12, item 7: a payment posted
      // today with yesterday's paidAt made yesterday covered after the fact). Only Jamsos's own
      // history imports may say a payment was received in the past.
      let receivedAt = c.now
      if (n.receivedAt !== undefined) {
        if (c.actor.kind !== 'system') throw new Error('receivedAt is set by Jamsos itself; only its history imports (the system actor) may give one')
        receivedAt = instant(n.receivedAt, 'receivedAt')
        if (receivedAt.getTime() > c.now.getTime() + CLOCK_SKEW_MS) throw AppError.field(C.PAYMENT_DATE_INVALID, 'receivedAt', `${n.receivedAt} is in the future`)
      }
      if (paidAt.getTime() > receivedAt.getTime() + CLOCK_SKEW_MS) {
        throw AppError.field(C.PAYMENT_DATE_INVALID, 'paidAt', n.receivedAt === undefined ? `${n.paidAt} is in the future` : `${n.paidAt} is after the notice was received (${n.receivedAt})`)
      }
      // The payer's paidAt is information (and decides whether the bill was still payable), within
      // the settlement tolerance: a bank settles a day or two late, never weeks.
      if (paidAt.getTime() < receivedAt.getTime() - settlementMs) {
        throw AppError.field(C.PAYMENT_DATE_INVALID, 'paidAt',
          `${n.paidAt} is more than ${settlementMs / DAY_MS} days before the notice reached Jamsos (${receivedAt.toISOString()}); JAMSOS_PAYMENT_SETTLEMENT_DAYS`)
      }
      return { i, n, ...code, paidAt, receivedAt, reference: n.reference.trim() }
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      out[i] = e
      return undefined
    }
  }).filter((p) => p !== undefined)

  return withActor(c.db, c.actor, async (tx) => {
    // The channel follows from the caller's credential (channels.ts): a notice naming one the
    // caller may not post as is refused on its own, before its reference is looked at.
    const named = [...new Set(checked.map((p) => p.n.channel).filter((ch): ch is string => typeof ch === 'string'))]
    const loaded = await q.channelsForPosting(tx, named, c.actor.partnerId)
    const known = new Map<string, PaymentChannel>(loaded.channels.map((r) => [r.code, { code: r.code, kind: r.kind, userRoles: r.user_roles as PaymentChannel['userRoles'] }]))
    const parsed: (typeof checked[number] & { channel: string })[] = []
    for (const p of checked) {
      const channel = channelFor(c.actor, p.n.channel, known, loaded.bound)
      if (channel instanceof AppError) out[p.i] = channel
      else parsed.push({ ...p, channel })
    }
    const participantIds = [...new Set(parsed.map((p) => p.participantId))]
    // Locking the participants serialises payments and bills of each member.
    const rows = new Map((await membersForBilling(tx, participantIds, { lock: true })).map((m) => [m.id, m]))
    const seen = await q.findPaymentReferences(tx, parsed.map((p) => ({ reference: p.reference, channel: p.channel })))
    // A twin's months come from coverage, which owns them (issue 13 §4: contributions no longer read its table).
    const twinMonths = await monthsHeldBy(tx, [...seen.values()].flatMap((t) => (t.visible ? [{ participantId: t.participant_id, paymentId: t.id }] : [])))
    // Coverage is credited in the order payments are received (coverage recordPayments): one received
    // before the member's last payment cannot be slotted in behind it. Only history imports (the
    // system actor) give receivedAt; for everyone else it is the server's clock.
    const knownSince = await coverageKnownSince(tx, participantIds)
    const bills = await q.billsForPosting(tx, parsed.map((p) => ({ participantId: p.participantId, seq: p.seq, paidAt: p.paidAt })))
    const accepted: (typeof parsed[number] & { bill: q.BillForPosting })[] = []
    const inBatch = new Set<string>()
    for (const p of parsed) {
      const { n } = p
      const twin = seen.get(`${p.reference}\u0000${p.channel}`)
      if (twin) {
        // A twin out of the caller's scope is never this caller's notice: it names a bill the
        // caller cannot see, so it is a conflict like any other reuse, and nothing about it is told.
        out[p.i] = twin.visible && twin.payment_code === n.paymentCode && twin.amount === n.amount
          ? { payment: paymentView(kpjFromId(twin.participant_id), twin, { ...twin, covered: twinMonths.get(twin.id) ?? [] }), created: false }
          : AppError.field(C.PAYMENT_REFERENCE_CONFLICT, 'reference', `reference ${n.reference} on channel ${p.channel} was already used for another payment`)
        continue
      }
      const bill = bills.get(`${p.participantId}:${p.seq}`)
      const fail = (e: AppError) => (out[p.i] = e)
      if (!rows.has(p.participantId) || !bill || bill.payment_code !== n.paymentCode) fail(AppError.field(C.BILL_NOT_FOUND, 'paymentCode', `no bill has payment code ${n.paymentCode}`))
      else if (bill.paid || inBatch.has(n.paymentCode)) fail(AppError.field(C.BILL_ALREADY_PAID, 'paymentCode', `bill ${n.paymentCode} is already paid`))
      else if (p.paidAt < bill.issued_at) fail(AppError.field(C.PAYMENT_DATE_INVALID, 'paidAt', `bill ${n.paymentCode} was issued at ${bill.issued_at.toISOString()}, after ${n.paidAt}`))
      else if (isSuperseded(bill)) fail(AppError.field(C.BILL_SUPERSEDED, 'paymentCode', `a newer bill replaced ${n.paymentCode} before it was paid`))
      else if (p.paidAt >= bill.expires_at) fail(AppError.field(C.BILL_EXPIRED, 'paidAt', `bill ${n.paymentCode} could be paid until ${bill.expires_at.toISOString()}`))
      else if (n.amount !== bill.amount) {
        fail(new AppError(C.PAYMENT_AMOUNT_MISMATCH, {
          fields: [{ path: 'amount', code: C.PAYMENT_AMOUNT_MISMATCH, reason: `the bill is Rp${bill.amount}, the payment Rp${n.amount}` }],
          details: { expected: bill.amount },
        }))
      } else if (inBatch.has(`${p.reference}\u0000${p.channel}`)) {
        fail(AppError.field(C.PAYMENT_REFERENCE_CONFLICT, 'reference', `reference ${n.reference} appears twice in one batch`))
      } else if (knownSince.has(p.participantId) && p.receivedAt < knownSince.get(p.participantId)!) {
        fail(AppError.field(C.PAYMENT_RECEIVED_OUT_OF_ORDER, n.receivedAt === undefined ? 'paymentCode' : 'receivedAt',
          `a payment of this participant was received at ${knownSince.get(p.participantId)!.toISOString()}, after ${p.receivedAt.toISOString()}; post payments in the order received`))
      } else {
        inBatch.add(n.paymentCode)
        inBatch.add(`${p.reference}\u0000${p.channel}`)
        accepted.push({ ...p, bill })
      }
    }
    if (accepted.length) {
      // Payment ids follow the order of receipt (then of payment), the order coverage credits them in.
      accepted.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.paidAt.getTime() - b.paidAt.getTime())
      const payments = await q.insertPayments(tx, accepted.map((a) => ({
        participantId: a.participantId, billId: a.bill.id, amount: a.n.amount, reference: a.reference, channel: a.channel, paidAt: a.paidAt, receivedAt: a.receivedAt,
      })))
      const claimed = await q.claimPaymentReferences(tx, payments.map((p) => ({ reference: p.reference, channel: p.channel, participantId: p.participant_id, paymentId: p.id })))
      if (claimed !== payments.length) {
        // A concurrent notice for another bill (the same bill would have waited on the member's
        // lock) took a reference between our read and write: roll back all of it. The error names
        // the field as the same conflict met one moment later does (issue 13 §6), and a batch sent
        // again posts the rest, refusing that notice alone.
        const one = accepted.length === 1 ? accepted[0]! : undefined
        throw AppError.field(C.PAYMENT_REFERENCE_CONFLICT, 'reference', one
          ? `reference ${one.n.reference} on channel ${one.channel} was used for another payment at the same moment`
          : 'a reference in this batch was used for another payment at the same moment; send the batch again to post the rest')
      }
      // The outcome of each payment is stored with it (issue 13 §3): the months it is credited with
      // and the member's status periods from the day it is received, while the member's row is locked.
      const held = await recordPayments(tx, accepted.map((a, k) => {
        const perPeriod = new Map<string, number>()
        for (const l of a.bill.lines) perPeriod.set(l.period, (perPeriod.get(l.period) ?? 0) + l.amount)
        return {
          participantId: a.participantId,
          paymentId: payments[k]!.id,
          periods: a.bill.periods.map((period) => ({ period, amount: perPeriod.get(period) ?? 0 })),
          paidAt: a.paidAt,
          knownAt: a.receivedAt,
        }
      }), c.policy)
      accepted.forEach((a, k) => {
        const covered = held.get(payments[k]!.id) ?? []
        out[a.i] = { payment: paymentView(rows.get(a.participantId)!.kpj, payments[k]!, { ...a.bill, covered }), created: true }
      })
      // One payment.posted per payment, all in one statement (a settlement file posts thousands).
      await publishEvents(tx, accepted.map((a, k) => {
        const p = payments[k]!
        return paymentPosted({
          participantId: a.participantId, kpj: rows.get(a.participantId)!.kpj, paymentId: p.id, paymentCode: a.n.paymentCode, amount: p.amount,
          channel: p.channel, reference: p.reference, paidAt: p.paid_at, receivedAt: p.received_at, periods: a.bill.periods, covered: held.get(p.id) ?? [],
        })
      }))
      if (opts.audit === 'each') {
        for (const a of accepted) {
          const row = rows.get(a.participantId)!
          await recordAudit(tx, c.actor, {
            action: 'payment.post',
            entityType: 'payment',
            entityId: `${a.channel}:${a.reference}`,
            branchCode: row.branchCode,
            after: {
              kpj: row.kpj, paymentCode: a.n.paymentCode, amount: a.n.amount, channel: a.channel, periods: a.bill.periods,
              covered: (out[a.i] as PostedPayment).payment.covered, paidAt: a.paidAt.toISOString(), receivedAt: a.receivedAt.toISOString(),
            },
          })
        }
      } else {
        await recordAudit(tx, c.actor, {
          action: 'payment.post_batch',
          entityType: 'payment_batch',
          entityId: `${accepted[0]!.channel}:${accepted[0]!.reference}..${accepted.length}`,
          after: { count: accepted.length, total: accepted.reduce((s, a) => s + a.n.amount, 0) },
        })
      }
    }
    return out as (PostedPayment | AppError)[]
  })
}

function paymentView(kpj: string, p: q.PaymentRow, bill: { payment_code: string; periods: string[]; covered: string[] }): PaymentView {
  return {
    id: p.id,
    kpj,
    paymentCode: bill.payment_code,
    amount: p.amount,
    reference: p.reference,
    channel: p.channel,
    paidAt: p.paid_at.toISOString(),
    receivedAt: p.received_at.toISOString(),
    periods: bill.periods,
    covered: bill.covered,
  }
}

export async function listPayments(c: Omit<BillingContext, 'policy'>, kpj: string): Promise<PaymentView[]> {
  return withActor(c.db, c.actor, async (tx) => {
    const { id } = await memberForBilling(tx, kpj)
    const payments = await q.listPayments(tx, id)
    const held = await monthsHeldBy(tx, payments.map((p) => ({ participantId: p.participant_id, paymentId: p.id })))
    return payments.map((p) => paymentView(kpj, p, { ...p, covered: held.get(p.id) ?? [] }))
  })
}

export type { PaymentChannelView } from './views.ts'

const channelView = (r: q.PaymentChannelRow): PaymentChannelView => ({ code: r.code, kind: r.kind, nameId: r.name_id, nameEn: r.name_en, userRoles: r.user_roles })

export async function listPaymentChannels(c: { db: Db; actor: Actor }): Promise<PaymentChannelView[]> {
  return withActor(c.db, c.actor, async (tx) => (await q.listPaymentChannels(tx)).map(channelView))
}

export type { PartnerChannelView } from './views.ts'

/**
 * Binds a partner (all its keys, present and future) to the bank or partner channel it posts as.
 * One partner per channel: only the bank's own integration posts as the bank. Audited.
 */
export async function bindPartnerPaymentChannel(c: { db: Db; actor: Actor; now: Date }, partnerId: number, code: string): Promise<PartnerChannelView> {
  return withActor(c.db, c.actor, async (tx) => {
    const channel = await q.findPaymentChannel(tx, code)
    if (!channel) throw AppError.field(C.PAYMENT_CHANNEL_UNKNOWN, 'channel', `"${code}" is not a payment channel`)
    if (!BINDABLE_KINDS.includes(channel.kind)) {
      throw AppError.field(C.PAYMENT_CHANNEL_NOT_BINDABLE, 'channel', `"${code}" is a ${channel.kind} channel; a partner posts as a bank or partner channel`)
    }
    const before = await q.partnerChannel(tx, partnerId, { forUpdate: true })
    let bound: q.PartnerChannelRow
    try {
      bound = await q.bindPartnerChannel(tx, { partnerId, channel: code, at: c.now, by: c.actor.userId })
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw AppError.field(C.PAYMENT_CHANNEL_TAKEN, 'channel', `channel "${code}" is bound to another partner`)
      throw e
    }
    await recordAudit(tx, c.actor, {
      action: 'partner.payment_channel_bind',
      entityType: 'partner',
      entityId: partnerId,
      before: before ? { channel: before.channel } : null,
      after: { channel: code },
    })
    return { partnerId, channel: channelView(channel), boundAt: bound.bound_at.toISOString() }
  })
}
