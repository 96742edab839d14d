// Public reference data: the programs and the contribution rates in force on a date, with the
// cheapest BPU packages priced for that date. Rates are public information: no login needed.
import { Type, type Static } from 'typebox'
import type { App } from '../platform/http.ts'
import { AppError, PlatformErrors } from '../platform/errors.ts'
import { isIsoDate, monthOf, todayJakarta, type IsoDate } from '../platform/dates.ts'
import { IsoDateString, Rupiah, StringEnum, YearMonthString } from '../platform/schemas.ts'
import { loadPrograms, loadRateTable } from './queries.ts'
import { displayValue, PROGRAM_CODES, ratesForMonth, ratesInForce, SEGMENTS, type ProgramCode, type RateRow } from './rates.ts'
import { bpuMonthly } from './contribution.ts'

const ProgramCodeSchema = StringEnum(PROGRAM_CODES)
const SegmentSchema = StringEnum(SEGMENTS)

const ProgramSchema = Type.Object({
  code: ProgramCodeSchema,
  nameId: Type.String(),
  nameEn: Type.String(),
  segments: Type.Array(SegmentSchema),
  legalBasis: Type.String(),
})

const RateSchema = Type.Object({
  id: Type.Integer(),
  segment: SegmentSchema,
  program: Type.Union([ProgramCodeSchema, Type.Null()]),
  component: Type.String({ description: 'contribution, recomposition, discount, wage_cap or declared_income' }),
  payer: Type.Union([Type.String(), Type.Null()], { description: 'participant, employer, worker or government' }),
  basis: Type.String({ description: 'percent_of_income, flat, wage_cap, income_min, income_max or discount_percent' }),
  value: Type.String({ description: 'A decimal percent ("0.24") or whole Rupiah ("6800"), per unit' }),
  unit: Type.Union([Type.Literal('percent'), Type.Literal('rupiah')]),
  fundedFrom: Type.Union([ProgramCodeSchema, Type.Null()], { description: 'Recomposition: the program whose contribution funds this share' }),
  condition: Type.Object({}, { additionalProperties: true, description: 'Facts the row applies to (occupation group, funding, risk class, industry)' }),
  effectiveFrom: IsoDateString,
  effectiveTo: Type.Union([IsoDateString, Type.Null()]),
  regulation: Type.String(),
  confirmed: Type.Boolean({ description: 'False: figure or dates still to verify (docs/rates.md)' }),
  note: Type.Union([Type.String(), Type.Null()]),
})

const PackageSchema = Type.Object({
  programs: Type.Array(ProgramCodeSchema),
  occupationGroup: Type.String(),
  monthlyIncome: Rupiah,
  month: YearMonthString,
  total: Rupiah,
  lines: Type.Array(Type.Object({ program: ProgramCodeSchema, amount: Rupiah, baseAmount: Rupiah, discount: Rupiah, rateIds: Type.Array(Type.Integer()) })),
})

const RatesQuery = Type.Object({
  date: Type.Optional(Type.String({ ...IsoDateString, description: 'YYYY-MM-DD; default today in Jakarta' })),
  segment: Type.Optional(SegmentSchema),
})

const RatesResponse = Type.Object({
  date: IsoDateString,
  segment: Type.Union([SegmentSchema, Type.Null()]),
  rates: Type.Array(RateSchema),
  bpuPackages: Type.Array(PackageSchema, {
    description: 'The cheapest BPU packages at the lowest declared income for the month of the date (rates of its 1st day), self-paid',
  }),
})

function rateView(r: RateRow): Static<typeof RateSchema> {
  return { ...r, ...displayValue(r), condition: { ...r.condition } }
}

const PACKAGES: readonly ProgramCode[][] = [['JKK', 'JKM'], ['JKK', 'JKM', 'JHT']]
const OCCUPATION_GROUPS = ['general', 'transport'] as const

/** JKK+JKM and JKK+JKM+JHT at the lowest declared income in the month of the date, general and transport. */
export function cheapestBpuPackages(rows: readonly RateRow[], date: IsoDate): Static<typeof PackageSchema>[] {
  const month = monthOf(date)
  const minIncome = ratesForMonth(rows, month).find((r) => r.segment === 'BPU' && r.basis === 'income_min')
  if (!minIncome) return []
  return OCCUPATION_GROUPS.flatMap((occupationGroup) =>
    PACKAGES.map((programs) => {
      const bill = bpuMonthly(rows, { income: minIncome.value, programs, occupationGroup, funding: 'self' }, month)
      return {
        programs: [...programs],
        occupationGroup,
        monthlyIncome: minIncome.value,
        month,
        total: bill.total,
        lines: bill.lines.map(({ program, amount, baseAmount, discount, rateIds }) => ({ program, amount, baseAmount, discount, rateIds })),
      }
    }),
  )
}

export async function programRoutes(app: App): Promise<void> {
  app.get(
    '/programs',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['rates'],
        operationId: 'listPrograms',
        summary: 'Social security programs (JKK, JKM, JHT, JP, JKP) and who may join them',
        response: { 200: Type.Array(ProgramSchema) },
      },
    },
    async () => loadPrograms(app.ctx.db),
  )

  app.get(
    '/rates',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['rates'],
        operationId: 'getRates',
        summary: 'Contribution rates, caps, income bounds and discounts in force on a date',
        querystring: RatesQuery,
        response: { 200: RatesResponse },
      },
    },
    async (req) => {
      const { date = todayJakarta(app.ctx.now()), segment } = req.query
      if (!isIsoDate(date)) {
        throw new AppError(PlatformErrors.VALIDATION_FAILED, {
          fields: [{ path: 'date', code: PlatformErrors.INVALID_VALUE, reason: `${date} is not a calendar date` }],
        })
      }
      const rows = await loadRateTable(app.ctx.db)
      const inForce = ratesInForce(rows, date).filter((r) => !segment || r.segment === segment)
      return {
        date,
        segment: segment ?? null,
        rates: inForce.map(rateView),
        bpuPackages: segment === 'PU' ? [] : cheapestBpuPackages(rows, date),
      }
    },
  )
}
