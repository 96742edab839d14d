// The rate table: which rows are in force on a date or in a month, and whether a row applies to a
// member. Rates, caps, income bounds and discounts are rows of contribution_rate (migrations/
// 0003_programs.sql), each with its dates and regulation; the rules here only read them.
import { firstDayOf, type IsoDate, type YearMonth } from '../platform/dates.ts'
import type { ContributionRateRow, ParticipantRow, ProgramRow } from '../platform/db-types.ts'

// The value lists are the tables' CHECK lists (migrations/0003, 0004), read through the generated
// row types, so a new program or basis is added in a migration and nowhere else.
export type ProgramCode = ProgramRow['code']
export const PROGRAM_CODES = ['JKK', 'JKM', 'JHT', 'JP', 'JKP'] as const satisfies readonly ProgramCode[]

export type Segment = ContributionRateRow['segment']
export const SEGMENTS = ['BPU', 'PU'] as const satisfies readonly Segment[]
/** BPU pay for themselves ('participant', or a sponsor for them); PU split employer / worker. */
export type Payer = NonNullable<ContributionRateRow['payer']>
export type RateComponent = ContributionRateRow['component']
export type RateBasis = ContributionRateRow['basis']
/** Who pays a BPU member's contributions; PP 50/2025 excludes APBN/APBD-paid BPU from its discount. */
export type Funding = ParticipantRow['funding']

/** The facts a row may be conditioned on, as stored in contribution_rate.condition. */
export interface RateCondition {
  occupationGroups?: string[]
  excludeOccupationGroups?: string[]
  excludeFunding?: string[]
  riskClass?: number
  industries?: string[]
  minWorkers?: number
}

export interface RateRow {
  id: number
  segment: Segment
  /** Null only for segment-wide rows (BPU declared income bounds). */
  program: ProgramCode | null
  component: RateComponent
  payer: Payer | null
  basis: RateBasis
  /**
   * percent_of_income and discount_percent: hundredths of a basis point (1% = 10_000,
   * 0.24% = 2_400, 50% = 500_000). flat, wage_cap, income_min, income_max: whole Rupiah.
   */
  value: number
  /** A recomposition share carved out of this program's contribution (JKP, PP 37/2021). */
  fundedFrom: ProgramCode | null
  condition: RateCondition
  effectiveFrom: IsoDate
  /** Inclusive; null while no later regulation has closed the row. */
  effectiveTo: IsoDate | null
  regulation: string
  /** False when the figure or its dates are not confirmed (docs/rates.md lists them). */
  confirmed: boolean
  note: string | null
}

export interface Program {
  code: ProgramCode
  nameId: string
  nameEn: string
  segments: Segment[]
  legalBasis: string
}

/** One hundred percent in the units of percent_of_income and discount_percent. */
export const PERCENT_SCALE = 1_000_000

/** The facts of a member a row's condition is tested against; a missing fact fails a condition. */
export interface MemberFacts {
  occupationGroup?: string
  funding?: Funding
  riskClass?: number
  industry?: string
  workers?: number
}

/** Rows in force on a date: effective_from <= date and (effective_to is null or >= date). */
export function ratesInForce(rows: readonly RateRow[], date: IsoDate): RateRow[] {
  return rows.filter((r) => r.effectiveFrom <= date && (r.effectiveTo === null || r.effectiveTo >= date))
}

/**
 * Rows that govern a contribution month: those in force on its first day. A regulation that takes
 * effect mid-month (PP 6/2025 on 7 February 2025) therefore governs from the next month's
 * contributions; one that starts on the 1st (the JP cap each March, PP 50/2025 from January 2026)
 * governs that month. One rule per month, so a month is never billed at two rates.
 */
export function ratesForMonth(rows: readonly RateRow[], month: YearMonth): RateRow[] {
  return ratesInForce(rows, firstDayOf(month))
}

type Check = (value: unknown, facts: MemberFacts) => boolean

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])

// Each condition key a row may carry. A key not listed here is refused (see matchesCondition):
// a rule the code does not understand must not silently apply to everyone.
const CHECKS: Record<string, Check> = {
  occupationGroups: (v, f) => f.occupationGroup !== undefined && strings(v).includes(f.occupationGroup),
  excludeOccupationGroups: (v, f) => f.occupationGroup !== undefined && !strings(v).includes(f.occupationGroup),
  excludeFunding: (v, f) => f.funding !== undefined && !strings(v).includes(f.funding),
  riskClass: (v, f) => f.riskClass !== undefined && f.riskClass === Number(v),
  industries: (v, f) => f.industry !== undefined && strings(v).includes(f.industry),
  minWorkers: (v, f) => f.workers !== undefined && f.workers >= Number(v),
}

/** Whether every condition of the row holds for the member. */
export function matchesCondition(row: RateRow, facts: MemberFacts): boolean {
  for (const [key, value] of Object.entries(row.condition)) {
    const check = CHECKS[key]
    if (!check) throw new Error(`contribution_rate ${row.id} has condition "${key}", which the calculator does not understand`)
    if (!check(value, facts)) return false
  }
  return true
}

/** A percent value as a readable decimal: 2_400 → "0.24", 10_000 → "1", 4_450 → "0.445". */
export function percentString(millionths: number): string {
  const whole = Math.trunc(millionths / 10_000)
  const frac = String(millionths % 10_000).padStart(4, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}

/** The value of a row as people read it: a percent for percent bases, else Rupiah. */
export function displayValue(row: Pick<RateRow, 'basis' | 'value'>): { value: string; unit: 'percent' | 'rupiah' } {
  return row.basis === 'percent_of_income' || row.basis === 'discount_percent'
    ? { value: percentString(row.value), unit: 'percent' }
    : { value: String(row.value), unit: 'rupiah' }
}
