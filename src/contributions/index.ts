// Public surface of contributions: bills and the one payment posting path.
export { ContributionErrors } from './errors.ts'
export { billPeriods, priceBill, billExpiry, type BillLine, type PricedBill } from './bills.ts'
export {
  createBill, importBills, listBills, postPayment, postPayments, listPayments, listPaymentChannels, bindPartnerPaymentChannel, DEFAULT_SETTLEMENT_DAYS,
  type BillView, type PaymentNotice, type PaymentView, type PostedPayment, type ImportedBill, type PaymentChannelView, type PartnerChannelView,
} from './billing.ts'
export { channelFor, type PaymentChannel, type ChannelKind } from './channels.ts'
export { contributionRoutes } from './routes.ts'
