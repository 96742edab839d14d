// Public surface of coverage: the status rule and the paid-month facts it reads.
export { coverageOn, coverageHistory, nextBillStart, type CoverageStatus } from './status.ts'
export { paidMonthsOf, recordPaidMonths, coverageReport, billStartFor, type CoveragePolicy, type PaidMonth, type CoverageReport } from './coverage.ts'
export { coverageRoutes } from './routes.ts'
export { CoverageErrors } from './errors.ts'
