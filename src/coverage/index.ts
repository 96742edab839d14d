// Public surface of coverage: the status rule and the paid-month facts it reads.
export { coverageAt, coverageOn, coverageHistory, nextBillStart, type CoverageAt, type CoverageStatus, type CoveragePolicy, type PaidMonth } from './status.ts'
export { paidMonthsOf, recordPaidMonths, coverageReport, billStartFor, type CoverageReport } from './coverage.ts'
export { coverageRoutes } from './routes.ts'
export { CoverageErrors } from './errors.ts'
