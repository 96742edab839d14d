// Public surface of the programs module: program codes, the versioned rate table and the pure
// contribution calculator. Other modules (registration, bills) use only what is exported here.
export type {
  Funding,
  MemberFacts,
  Payer,
  Program,
  ProgramCode,
  RateBasis,
  RateComponent,
  RateCondition,
  RateRow,
  Segment,
} from './rates.ts'
export { PROGRAM_CODES, displayValue, matchesCondition, percentString, ratesForMonth, ratesInForce } from './rates.ts'
export type { BpuLine, BpuMember, BpuMonth, PuLine, PuMonth, PuWorker } from './contribution.ts'
export { bpuMonthly, percentOf, puMonthly, validateBpuIncome, validateBpuPrograms } from './contribution.ts'
export { loadPrograms, loadRateTable } from './queries.ts'
export { ProgramErrors } from './errors.ts'
export { cheapestBpuPackages, programRoutes } from './routes.ts'
