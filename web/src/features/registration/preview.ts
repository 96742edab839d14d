// The monthly contribution shown live while the form is filled: the server's own calculator
// (src/programs/contribution.ts: bpuMonthly, validateBpuIncome, validateBpuPrograms; pure) over the
// rate rows GET /api/v1/rates answers for the month's first day, so the figure on the screen is
// the figure the bill will carry, PP 50/2025 discounts included (docs/rates.md).
import { bpuMonthly, validateBpuIncome, validateBpuPrograms, type BpuLine } from '../../../../src/programs/contribution.ts'
import { PERCENT_SCALE, type ProgramCode, type RateCondition, type RateRow } from '../../../../src/programs/rates.ts'
import { AppError } from '../../../../src/platform/errors.ts'
import type { YearMonth } from '../../../../src/platform/dates.ts'

/** A rate as GET /api/v1/rates sends it: the value as people read it (a decimal percent or whole Rupiah). */
export interface RateView {
  id: number
  segment: 'BPU' | 'PU'
  program: ProgramCode | null
  component: string
  payer: string | null
  basis: string
  value: string
  unit: 'percent' | 'rupiah'
  fundedFrom: ProgramCode | null
  condition: Record<string, unknown>
  effectiveFrom: string
  effectiveTo: string | null
  regulation: string
  confirmed: boolean
  note: string | null
}

const PERCENT = /^(\d+)(?:\.(\d{1,4}))?$/
const WHOLE = /^\d+$/

/**
 * The decimal percent the API writes (percentString: "0.24", "1", "0.445") back in the table's
 * unit, hundredths of a basis point, exactly (read as digits, never through a float).
 */
export function percentToMillionths(value: string): number {
  const m = PERCENT.exec(value)
  if (!m) throw new Error(`"${value}" is not a decimal percent`)
  return Number(m[1]) * (PERCENT_SCALE / 100) + Number((m[2] ?? '').padEnd(4, '0'))
}

/** The API's rate rows as the calculator reads them. */
export function rateRowsFromApi(rates: readonly RateView[]): RateRow[] {
  return rates.map((r) => {
    if (r.unit === 'rupiah' && !WHOLE.test(r.value)) throw new Error(`rate ${r.id}: "${r.value}" is not whole Rupiah`)
    return {
      id: r.id,
      segment: r.segment,
      program: r.program,
      component: r.component as RateRow['component'],
      payer: r.payer as RateRow['payer'],
      basis: r.basis as RateRow['basis'],
      value: r.unit === 'percent' ? percentToMillionths(r.value) : Number(r.value),
      fundedFrom: r.fundedFrom,
      condition: r.condition as RateCondition,
      effectiveFrom: r.effectiveFrom,
      effectiveTo: r.effectiveTo,
      regulation: r.regulation,
      confirmed: r.confirmed,
      note: r.note,
    }
  })
}

export interface PreviewInput {
  /** Declared monthly income, whole Rupiah; null while the field is empty or not a number. */
  income: number | null
  programs: readonly string[]
  /** The occupation's group ('general', 'transport'); null until an occupation is chosen. */
  occupationGroup: string | null
}

export type Preview =
  | { state: 'incomplete' }
  | { state: 'refused'; field: string; code: string; reason: string }
  | { state: 'priced'; month: YearMonth; total: number; undiscounted: number; lines: BpuLine[] }

/** What a self-paying BPU member with these choices pays for `month`, or why the API would refuse them. */
export function contributionPreview(rows: readonly RateRow[], input: PreviewInput, month: YearMonth): Preview {
  if (input.income === null || input.occupationGroup === null) return { state: 'incomplete' }
  try {
    const programs = validateBpuPrograms(input.programs)
    validateBpuIncome(rows, input.income, month)
    const bill = bpuMonthly(rows, { income: input.income, programs, occupationGroup: input.occupationGroup, funding: 'self' }, month)
    return { state: 'priced', month, total: bill.total, undiscounted: bill.lines.reduce((s, l) => s + l.baseAmount, 0), lines: bill.lines }
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    const f = e.fields[0]
    return { state: 'refused', field: f?.path ?? '(body)', code: e.code, reason: f?.reason ?? e.message }
  }
}
