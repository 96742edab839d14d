// Public surface of coverage: the status rule, the facts each payment leaves, and the reads of them.
export {
  coverageAt, coverageOn, coverageHistory, nextBillStart, creditPayment, DEFAULT_COVERAGE_POLICY,
  type CoverageAt, type CoverageStatus, type CoverageState, type CoveragePolicy, type PaidMonth, type CreditedMonth, type StatusPeriod,
} from './status.ts'
export {
  paidMonthsOf, recordPayments, coverageKnownSince, monthsHeldBy, coverageReport, billStartFor, storedStatuses, memberCounts, countActiveMembers, knownBy,
  type CoverageReport, type PaymentForCoverage, type MemberCountQuery, type MemberCounts,
} from './coverage.ts'
export { coverageRoutes } from './routes.ts'
export { CoverageErrors } from './errors.ts'
