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
import { loadRegistrationRefs, registerBulk, type NikVault, type RegistrationRefs } from '../registry/index.ts'
import { generatePopulation, type DemoParticipant } from './generator.ts'

export interface SeedOptions {
  count: number
  seed?: number
  /** Histories end on this Jakarta date (default: yesterday). */
  until?: string
  vault: NikVault
  policy: { graceMonths: number; billMonths: number[] }
  log?: Logger
  /** People registered and billed per round (default 2,000). */
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
  const refs = await loadRegistrationRefs(sql, jakartaDate(now))
  const chunkSize = opts.chunk ?? 2_000
  const result: SeedResult = { participants: 0, bills: 0, payments: 0, rejected: 0, seconds: 0 }
  let chunk: DemoParticipant[] = []
  const flush = async () => {
    if (!chunk.length) return
    const people = chunk
    chunk = []
    await seedChunk(sql, people, refs, opts, actor, now, result)
    opts.log?.info({ participants: result.participants, payments: result.payments }, 'demo data')
  }
  for (const person of generatePopulation({ count: opts.count, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), until })) {
    chunk.push(person)
    if (chunk.length >= chunkSize) await flush()
  }
  await flush()
  result.seconds = (Date.now() - t0) / 1000
  return result
}

async function seedChunk(
  sql: Sql,
  people: DemoParticipant[],
  refs: RegistrationRefs,
  opts: SeedOptions,
  actor: Actor,
  now: Date,
  result: SeedResult,
): Promise<void> {
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
  result.rejected += reg.rejected.length

  const bills: ImportedBill[] = []
  const notices: { notice: Omit<PaymentNotice, 'paymentCode'> }[] = []
  people.forEach((p, i) => {
    const participantId = idOf.get(i)
    if (participantId === undefined) return
    const paid: PaidMonth[] = []
    let seq = 0
    const member = {
      income: p.monthlyIncome,
      programs: p.programs as ProgramCode[],
      occupationGroup: refs.codes.occupations.get(p.occupation)?.group ?? 'general',
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
      // Issued shortly before payment, on the same Jakarta day so the bill is still valid.
      const issuedAt = new Date(Math.max(pay.paidAt.getTime() - 3_600_000, jakartaStartOf(day).getTime()))
      seq++
      bills.push({ participantId, seq, periods, amount: priced.amount, lines: priced.lines, issuedAt })
      notices.push({
        notice: { amount: priced.amount, reference: `DEMO-${participantId}-${seq}`, channel: pay.channel, paidAt: pay.paidAt.toISOString() },
      })
      for (const period of periods) paid.push({ period, paidAt: pay.paidAt })
    }
  })
  // A bill is payable only while it is the member's newest, so history goes in rounds: everyone's
  // first bill and its payment, then everyone's second, and so on.
  const rounds = new Map<number, number[]>()
  bills.forEach((b, k) => rounds.set(b.seq, [...(rounds.get(b.seq) ?? []), k]))
  for (const seq of [...rounds.keys()].sort((a, b) => a - b)) {
    const members = rounds.get(seq)!
    const codes = await importBills({ db: sql, actor }, members.map((k) => bills[k]!))
    result.bills += members.length
    const slice = members.map((k, j) => ({ ...notices[k]!.notice, paymentCode: codes[j]! }))
    const outcomes = await postPayments({ db: sql, actor, now }, slice)
    for (const o of outcomes) {
      if (o instanceof AppError) throw new Error(`demo payment refused: ${o.code} ${o.fields.map((f) => f.reason).join('; ')}`)
      result.payments++
    }
  }
}
