// Public surface of contributions: bills and the one payment posting path.
export { ContributionErrors } from './errors.ts'
export { billPeriods, priceBill, billExpiry, type BillLine, type PricedBill } from './bills.ts'
export { createBill, importBills, listBills, postPayment, postPayments, listPayments, type BillView, type PaymentNotice, type PaymentView, type PostedPayment, type ImportedBill } from './billing.ts'
export { contributionRoutes } from './routes.ts'
