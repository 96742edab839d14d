// What a timeline cell says, pure so node:test checks it: the short symbol beside the colour (a
// status is never told by colour alone, WCAG 1.4.1), and the message keys and values of the
// month's reason, from the API's explanation (src/coverage/explain.ts).
import type { MessageKey } from '../../i18n/messages.ts'

export type Status = 'active' | 'grace' | 'lapsed' | 'unpaid'

/** A symbol per status, drawn in the cell next to the month: the cell's pattern says it again. */
export const STATUS_SYMBOL: Record<Status, string> = { active: '✓', grace: '!', lapsed: '✕', unpaid: '–' }

export interface MonthFacts {
  period: string
  status: Status
  rule: 'paid' | 'paid_ahead' | 'arrears_paid' | 'grace' | 'lapsed' | 'restart' | 'unpaid'
  regulation: string
  paidBy: { paymentId: number | null; knownAt: string; knownOn: string; billedPeriod: string | null } | null
  lastPaid: string | null
  unpaidMonths: number
  graceMonthsLeft: number | null
  graceUntil: string | null
  lapsedOn: string | null
}

/** A sentence of the reason: a message key and its values, each value tagged with how to format it. */
export interface Sentence {
  key: MessageKey
  values: Record<string, { date: string } | { month: string } | { number: number } | { text: string }>
}

/** The sentences explaining one month, in reading order. */
export function reasonOf(m: MonthFacts, graceMonths: number): Sentence[] {
  const pay = m.paidBy
  const payment = { text: pay?.paymentId != null ? String(pay.paymentId) : '–' }
  const out: Sentence[] = []
  switch (m.rule) {
    case 'paid':
      out.push({ key: 'coverage.rule.paid', values: { date: { date: pay!.knownOn }, payment } })
      break
    case 'paid_ahead':
      out.push({ key: 'coverage.rule.paid_ahead', values: { date: { date: pay!.knownOn }, payment } })
      break
    case 'arrears_paid':
      out.push({ key: 'coverage.rule.arrears_paid', values: { date: { date: pay!.knownOn }, payment } })
      break
    case 'restart':
      out.push({ key: 'coverage.rule.restart', values: { date: { date: pay!.knownOn }, payment } })
      if (pay?.billedPeriod && pay.billedPeriod !== m.period) out.push({ key: 'coverage.rule.movedFrom', values: { billed: { month: pay.billedPeriod } } })
      break
    case 'grace':
      out.push({
        key: 'coverage.rule.grace',
        values: { unpaid: { number: m.unpaidMonths }, lastPaid: { month: m.lastPaid ?? '' }, left: { number: m.graceMonthsLeft ?? 0 }, until: { date: m.graceUntil ?? '' } },
      })
      break
    case 'lapsed':
      out.push({ key: 'coverage.rule.lapsed', values: { lapsedOn: { date: m.lapsedOn ?? '' }, grace: { number: graceMonths }, lastPaid: { month: m.lastPaid ?? '' } } })
      break
    case 'unpaid':
      out.push({ key: 'coverage.rule.unpaid', values: {} })
      break
  }
  out.push({ key: 'coverage.regulation', values: { regulation: { text: m.regulation } } })
  return out
}
