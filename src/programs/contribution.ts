// What a month of protection costs: BPU on the declared income (PP 44/2015 Lampiran II as amended
// by PP 82/2019, Permenaker 5/2021; discount PP 50/2025) and PU on the wage (PP 44/45/46/2015,
// PP 37/2021, PP 6/2025; discount PP 7/2025). Pure: the rate rows and the month are passed in.
//
// Money is integer Rupiah. Each line is computed in integers and rounded half up once:
//   contribution = round_half_up(base × rate / 1,000,000)   (rate in hundredths of a basis point)
//   discount     = round_half_up(contribution × discount / 1,000,000)
//   amount       = contribution − discount
// so a line's amount plus its discount is always its undiscounted contribution, and a total is the
// sum of its lines.
import { AppError } from '../platform/errors.ts'
import type { YearMonth } from '../platform/dates.ts'
import { ProgramErrors as E } from './errors.ts'
import {
  PERCENT_SCALE,
  PROGRAM_CODES,
  matchesCondition,
  ratesForMonth,
  type Funding,
  type MemberFacts,
  type Payer,
  type ProgramCode,
  type RateRow,
  type Segment,
} from './rates.ts'

/** round_half_up(amount × millionths / 1,000,000), exact for any safe integer input. */
export function percentOf(amount: number, millionths: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`amount must be a non-negative integer, got ${amount}`)
  const scale = BigInt(PERCENT_SCALE)
  const n = BigInt(amount) * BigInt(millionths)
  return Number((2n * n + scale) / (2n * scale))
}

// PP 44/2015 Lampiran II / Permenaker 5/2021 packages [regulations.md §1]: JKK + JKM, optionally
// JHT. JP and JKP are for wage earners only (PP 45/2015, PP 37/2021).
const BPU_REQUIRED: readonly ProgramCode[] = ['JKK', 'JKM']
const BPU_OPTIONAL: readonly ProgramCode[] = ['JHT']

/** Checks a BPU program choice and returns it in canonical order (JKK, JKM, JHT). */
// Called for every row of a bulk load: plain loops, no closures made per call.
export function validateBpuPrograms(programs: readonly string[]): ProgramCode[] {
  const seen = new Set<string>()
  for (const p of programs) {
    if (seen.has(p)) throw refusePrograms(`${p} is listed more than once`)
    seen.add(p)
    if (!(PROGRAM_CODES as readonly string[]).includes(p)) throw refusePrograms(`${p} is not a program (JKK, JKM, JHT)`)
    if (!BPU_REQUIRED.includes(p as ProgramCode) && !BPU_OPTIONAL.includes(p as ProgramCode)) {
      throw refusePrograms(`${p} is not open to BPU (wage earners only); BPU may join JKK, JKM and JHT`)
    }
  }
  const missing: ProgramCode[] = []
  for (const p of BPU_REQUIRED) if (!seen.has(p)) missing.push(p)
  if (missing.length) throw refusePrograms(`JKK and JKM together are the minimum package (missing ${missing.join(', ')}); JHT is optional`)
  const chosen: ProgramCode[] = []
  for (const p of PROGRAM_CODES) if (seen.has(p)) chosen.push(p)
  return chosen
}

function refusePrograms(reason: string): AppError {
  return AppError.field(E.PROGRAMS_INVALID, 'programs', reason)
}

const rupiah = (n: number) => `Rp${n.toLocaleString('en-US')}`

type IncomeBounds = { min: RateRow; max: RateRow } | null
// The bounds in force in a month, per loaded rate table: a bulk load checks a million incomes
// against the same month, and the table (loaded once, never changed) would be scanned each time.
const boundsCache = new WeakMap<readonly RateRow[], Map<YearMonth, IncomeBounds>>()

function incomeBounds(rates: readonly RateRow[], month: YearMonth): IncomeBounds {
  let byMonth = boundsCache.get(rates)
  if (!byMonth) boundsCache.set(rates, (byMonth = new Map()))
  let bounds = byMonth.get(month)
  if (bounds === undefined) {
    const rows = ratesForMonth(rates, month).filter((r) => r.segment === 'BPU' && r.component === 'declared_income')
    const min = rows.find((r) => r.basis === 'income_min')
    const max = rows.find((r) => r.basis === 'income_max')
    bounds = min && max ? { min, max } : null
    byMonth.set(month, bounds)
  }
  return bounds
}

/** Checks a BPU declared monthly income against the bounds in force in the month. */
export function validateBpuIncome(rates: readonly RateRow[], income: number, month: YearMonth): void {
  const bounds = incomeBounds(rates, month)
  if (!bounds) throw new AppError(E.NO_RATE_IN_FORCE, { reason: `no BPU declared income bounds in force in ${month}`, details: { month } })
  if (!Number.isSafeInteger(income)) throw refuseIncome(bounds, `${income} is not a whole Rupiah amount`)
  if (income < bounds.min.value) throw refuseIncome(bounds, `${rupiah(income)} is below the lowest declared income`)
  if (income > bounds.max.value) throw refuseIncome(bounds, `${rupiah(income)} is above the highest declared income`)
}

function refuseIncome({ min, max }: { min: RateRow; max: RateRow }, reason: string): AppError {
  return AppError.field(E.INCOME_OUT_OF_RANGE, 'monthlyIncome', `${reason}; it must be from ${rupiah(min.value)} to ${rupiah(max.value)} (${min.regulation})`, {
    min: min.value,
    max: max.value,
  })
}

function noRate(segment: Segment, program: ProgramCode, month: YearMonth, what: string): AppError {
  return new AppError(E.NO_RATE_IN_FORCE, { reason: `no ${segment} ${program} ${what} in force in ${month}`, details: { segment, program, month } })
}

/** The one row of a kind that applies; two would mean overlapping reference data, a bug in a migration. */
function onlyOne(rows: RateRow[], what: string): RateRow | undefined {
  if (rows.length > 1) throw new Error(`contribution_rate rows ${rows.map((r) => r.id).join(', ')} overlap for ${what}`)
  return rows[0]
}

/** Discounts do not stack: when two apply to the same program, the larger one is given. */
function bestDiscount(rows: RateRow[], program: ProgramCode, facts: MemberFacts): RateRow | undefined {
  return rows
    .filter((r) => r.program === program && r.component === 'discount' && matchesCondition(r, facts))
    .sort((a, b) => b.value - a.value || a.id - b.id)[0]
}

function joinRegulations(rows: (RateRow | undefined)[]): string {
  return [...new Set(rows.filter((r): r is RateRow => !!r).map((r) => r.regulation))].join('; ')
}

export interface BpuMember {
  /** Declared monthly income, whole Rupiah. */
  income: number
  programs: readonly ProgramCode[]
  /** Occupation group (migrations/0004_registry.sql `occupation.grp`): 'general', 'transport', … */
  occupationGroup: string
  funding: Funding
}

export interface BpuLine {
  program: ProgramCode
  /** What is due after any discount. */
  amount: number
  /** The contribution before any discount. */
  baseAmount: number
  discount: number
  /** The contribution row, then the discount row when one applies. */
  rateIds: number[]
  regulation: string
}

export interface BpuMonth {
  total: number
  lines: BpuLine[]
}

/**
 * A BPU member's contributions for one month, by program, with the rows in force in that month.
 * The programs are checked (validateBpuPrograms); the income is not, so a bill for a past month
 * is still computed on what the member declared then.
 */
export function bpuMonthly(rates: readonly RateRow[], m: BpuMember, month: YearMonth): BpuMonth {
  const programs = validateBpuPrograms(m.programs)
  const rows = ratesForMonth(rates, month).filter((r) => r.segment === 'BPU')
  const facts: MemberFacts = { occupationGroup: m.occupationGroup, funding: m.funding }
  const lines = programs.map((program): BpuLine => {
    const rate = onlyOne(
      rows.filter((r) => r.program === program && r.component === 'contribution' && matchesCondition(r, facts)),
      `BPU ${program} in ${month}`,
    )
    if (!rate) throw noRate('BPU', program, month, 'contribution rate')
    const baseAmount = rate.basis === 'flat' ? rate.value : percentOf(m.income, rate.value)
    const off = bestDiscount(rows, program, facts)
    const discount = off ? percentOf(baseAmount, off.value) : 0
    return {
      program,
      amount: baseAmount - discount,
      baseAmount,
      discount,
      rateIds: off ? [rate.id, off.id] : [rate.id],
      regulation: joinRegulations([rate, off]),
    }
  })
  return { total: lines.reduce((s, l) => s + l.amount, 0), lines }
}

export interface PuWorker {
  /** Monthly wage, whole Rupiah. */
  wage: number
  /** JKK risk class of the workplace (PP 44/2015 Pasal 16 ayat (1)). */
  riskClass: 1 | 2 | 3 | 4 | 5
  /** Industry code, for PP 7/2025 (e.g. 'textile_apparel'). */
  industry?: string
  /** Active workers of the employer, for PP 7/2025's minimum of 50. */
  workers?: number
  /** Programs the employer registered (Perpres 109/2013 art. 6); default: every PU program with a rate in force. */
  programs?: readonly ProgramCode[]
}

export interface PuLine {
  program: ProgramCode
  payer: Exclude<Payer, 'participant'>
  /** What is due after any discount. */
  amount: number
  /** The wage the rate applies to (capped for JP and JKP). */
  base: number
  discount: number
  /**
   * Set on a recomposition share (JKP, PP 37/2021 and PP 6/2025): part of the named program's
   * contribution, already counted there, so it is left out of the totals.
   */
  fundedFrom: ProgramCode | null
  /** The contribution row, then the wage-cap and discount rows when they apply. */
  rateIds: number[]
  regulation: string
}

export interface PuMonth {
  lines: PuLine[]
  employerTotal: number
  workerTotal: number
  governmentTotal: number
}

const PAYER_ORDER: Record<string, number> = { employer: 0, worker: 1, government: 2 }

/** A wage earner's contributions for one month, by program and payer. */
export function puMonthly(rates: readonly RateRow[], w: PuWorker, month: YearMonth): PuMonth {
  if (!Number.isSafeInteger(w.wage) || w.wage < 0) throw new Error(`wage must be whole Rupiah, got ${w.wage}`)
  const rows = ratesForMonth(rates, month).filter((r) => r.segment === 'PU')
  const facts: MemberFacts = {
    riskClass: w.riskClass,
    ...(w.industry !== undefined ? { industry: w.industry } : {}),
    ...(w.workers !== undefined ? { workers: w.workers } : {}),
  }
  const shares = rows.filter((r) => (r.component === 'contribution' || r.component === 'recomposition') && matchesCondition(r, facts))
  const programs = w.programs ?? PROGRAM_CODES.filter((p) => shares.some((r) => r.program === p && r.component === 'contribution'))

  const lines: PuLine[] = []
  for (const program of PROGRAM_CODES.filter((p) => programs.includes(p))) {
    const own = shares.filter((r) => r.program === program)
    if (!own.some((r) => r.component === 'contribution')) throw noRate('PU', program, month, 'contribution rate')
    const cap = onlyOne(
      rows.filter((r) => r.program === program && r.component === 'wage_cap' && matchesCondition(r, facts)),
      `PU ${program} wage cap in ${month}`,
    )
    const base = cap ? Math.min(w.wage, cap.value) : w.wage
    const off = bestDiscount(rows, program, facts)
    const byShare = new Map<string, RateRow[]>()
    for (const r of own) byShare.set(`${r.payer}|${r.fundedFrom}`, [...(byShare.get(`${r.payer}|${r.fundedFrom}`) ?? []), r])
    for (const [share, candidates] of byShare) {
      const rate = onlyOne(candidates, `PU ${program} ${share} in ${month}`)!
      const full = percentOf(base, rate.value)
      // A discount lowers what the payer owes (PP 7/2025: JKK); a recomposition share is an
      // allocation of the source program's money and is not itself discounted.
      const applied = off && rate.component === 'contribution' ? off : undefined
      const discount = applied ? percentOf(full, applied.value) : 0
      lines.push({
        program,
        payer: rate.payer as PuLine['payer'],
        amount: full - discount,
        base,
        discount,
        fundedFrom: rate.fundedFrom,
        rateIds: [rate.id, ...(cap ? [cap.id] : []), ...(applied ? [applied.id] : [])],
        regulation: joinRegulations([rate, cap, applied]),
      })
    }
  }
  lines.sort(
    (a, b) =>
      PROGRAM_CODES.indexOf(a.program) - PROGRAM_CODES.indexOf(b.program) ||
      Number(a.fundedFrom !== null) - Number(b.fundedFrom !== null) ||
      PAYER_ORDER[a.payer]! - PAYER_ORDER[b.payer]!,
  )
  const total = (payer: PuLine['payer']) => lines.filter((l) => l.payer === payer && l.fundedFrom === null).reduce((s, l) => s + l.amount, 0)
  return { lines, employerTotal: total('employer'), workerTotal: total('worker'), governmentTotal: total('government') }
}
