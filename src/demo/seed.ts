// Seeds a database with a synthetic population: registrations through the bulk registration path,
// then each person's contribution history, billed by the real billing rules (arrears first in grace,
// restart after a lapse, each month priced at the rates then in force) and paid through the one
// payment posting path. The generator only decides when people pay and for how many months.
import type { Sql } from '../platform/db.ts'
import { SYSTEM_ACTOR, type Actor } from '../platform/actor.ts'
import { jakartaDate, jakartaStartOf, type YearMonth } from '../platform/dates.ts'
import type { Logger } from '../platform/log.ts'
import { AppError } from '../platform/errors.ts'
import { billPeriods, importBills, postPayments, priceBill, type ImportedBill, type PaymentNotice } from '../contributions/index.ts'
import { nextBillStart, type PaidMonth } from '../coverage/index.ts'
import { type ProgramCode } from '../programs/index.ts'
import { loadRegistrationRefs, occupationGroupOf, registerBulk, type NikVault, type RegistrationRefs, type RegistryDeps } from '../registry/index.ts'
import { generatePopulation, type DemoParticipant } from './generator.ts'

export interface SeedOptions {
  count: number
  seed?: number
  /** Histories end on this Jakarta date (default: yesterday). */
  until?: string
  vault: NikVault
  /** The registry's deps (createRegistryDeps): their region codes and code lists are not loaded again. */
  deps?: Pick<RegistryDeps, 'regions' | 'codes'>
  policy: { graceMonths: number; billMonths: number[] }
  log?: Logger
  /** People registered and billed per round (default 10,000). */
  chunk?: number
  actor?: Actor
}

export interface SeedResult {
  participants: number
  bills: number
  payments: number
  rejected: number
  seconds: number
}

export async function seedDemo(sql: Sql, opts: SeedOptions): Promise<SeedResult> {
  const t0 = Date.now()
  const actor = opts.actor ?? SYSTEM_ACTOR
  const now = new Date()
  const until = opts.until ?? jakartaDate(new Date(now.getTime() - 86_400_000))
  const refs = await loadRegistrationRefs(sql, jakartaDate(now), opts.deps)
  const chunkSize = opts.chunk ?? 10_000
  const result: SeedResult = { participants: 0, bills: 0, payments: 0, rejected: 0, seconds: 0 }
  let chunk: DemoParticipant[] = []
  // While PostgreSQL writes one chunk's bills and payments, Node registers and prices the next.
  let writing: Promise<void> | undefined
  const flush = async () => {
    if (!chunk.length) return
    const people = chunk
    chunk = []
    const history = await prepareChunk(sql, people, refs, opts, actor, now, result)
    await writing
    writing = writeHistory(sql, history, actor, now, result, opts.policy).then(() =>
      opts.log?.info({ participants: result.participants, payments: result.payments }, 'demo data'),
    )
    writing.catch(() => {})
  }
  for (const person of generatePopulation({ count: opts.count, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), until, graceMonths: opts.policy.graceMonths })) {
    chunk.push(person)
    if (chunk.length >= chunkSize) await flush()
  }
  await flush()
  await writing
  result.seconds = (Date.now() - t0) / 1000
  return result
}

interface ChunkHistory {
  bills: ImportedBill[]
  notices: { notice: Omit<PaymentNotice, 'paymentCode'> }[]
}

/** Registers a chunk of people and bills their histories by the billing rules (nothing paid yet). */
async function prepareChunk(
  sql: Sql,
  people: DemoParticipant[],
  refs: RegistrationRefs,
  opts: SeedOptions,
  actor: Actor,
  now: Date,
  result: SeedResult,
): Promise<ChunkHistory> {
  const idOf = new Map<number, number>()
  const reg = await registerBulk(sql, people, {
    actor,
    vault: opts.vault,
    today: refs.today,
    refs,
    batchSize: people.length,
    registeredAt: (_input, row) => people[row - 1]!.registeredAt,
    onRow: (row, id) => idOf.set(row - 1, id),
  })
  result.participants += reg.inserted
  result.rejected += reg.rejectedRows

  const bills: ImportedBill[] = []
  const notices: { notice: Omit<PaymentNotice, 'paymentCode'> }[] = []
  people.forEach((p, i) => {
    const participantId = idOf.get(i)
    if (participantId === undefined) return
    const paid: PaidMonth[] = []
    let seq = 0
    let lastPaidAt = 0
    const member = {
      income: p.monthlyIncome,
      programs: p.programs as ProgramCode[],
      occupationGroup: occupationGroupOf(refs, p.occupation),
      funding: p.funding,
    }
    for (const pay of p.payments) {
      if (pay.paidAt > now) break
      const day = jakartaDate(pay.paidAt)
      let periods: YearMonth[]
      try {
        periods = billPeriods(nextBillStart(paid, day, opts.policy), pay.periods.length, opts.policy.billMonths, day)
      } catch (e) {
        if (e instanceof AppError) continue // e.g. already paid 12 months ahead: the member would be refused too
        throw e
      }
      const priced = priceBill(refs.rates, member, periods)
      // Issued shortly before payment: on the same Jakarta day (so still valid) and after the
      // previous payment (so the previous bill was the newest when it was paid).
      const issuedAt = new Date(Math.min(pay.paidAt.getTime(), Math.max(pay.paidAt.getTime() - 3_600_000, jakartaStartOf(day).getTime(), lastPaidAt + 1_000)))
      lastPaidAt = pay.paidAt.getTime()
      seq++
      bills.push({ participantId, seq, periods, amount: priced.amount, lines: priced.lines, issuedAt })
      // A history import: each payment was known when it was made (receivedAt), a past instant only
      // Jamsos's own imports may give (the system actor; contributions/billing.ts postPayments).
      const at = pay.paidAt.toISOString()
      notices.push({
        notice: { amount: priced.amount, reference: `DEMO-${participantId}-${seq}`, channel: pay.channel, paidAt: at, receivedAt: at },
      })
      for (const period of periods) paid.push({ period, knownAt: pay.paidAt })
    }
  })
  return { bills, notices }
}

/**
 * Bills first, then their payments through the posting path: a bill is replaced only by a newer
 * one issued before the money came, so each member's history posts in one pass.
 */
async function writeHistory(sql: Sql, { bills, notices }: ChunkHistory, actor: Actor, now: Date, result: SeedResult, policy: { graceMonths: number }): Promise<void> {
  const codes: string[] = []
  for (let i = 0; i < bills.length; i += 10_000) codes.push(...(await importBills({ db: sql, actor }, bills.slice(i, i + 10_000))))
  result.bills += bills.length
  for (let i = 0; i < notices.length; i += 10_000) {
    const slice = notices.slice(i, i + 10_000).map((n, j) => ({ ...n.notice, paymentCode: codes[i + j]! }))
    const outcomes = await postPayments({ db: sql, actor, now, policy }, slice)
    for (const o of outcomes) {
      if (o instanceof AppError) throw new Error(`demo payment refused: ${o.code} ${o.fields.map((f) => f.reason).join('; ')}`)
      result.payments++
    }
  }
}
