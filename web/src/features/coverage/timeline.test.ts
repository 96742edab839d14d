import { test } from 'node:test'
import assert from 'node:assert/strict'
import { reasonOf, type MonthFacts } from './timeline.ts'
import { translate } from '../../i18n/translate.ts'
import { formatDate, formatMonth, formatNumber } from '../../lib/format.ts'
import type { Locale } from '../../i18n/messages.ts'

const base: MonthFacts = {
  period: '2024-05', status: 'active', rule: 'restart', regulation: 'Perdir 22/PERDIR.02/072022',
  paidBy: { paymentId: 2, knownAt: '2024-05-02T03:00:00.000Z', knownOn: '2024-05-02', billedPeriod: '2024-02' },
  lastPaid: null, unpaidMonths: 0, graceMonthsLeft: null, graceUntil: null, lapsedOn: null,
}

/** The reason as the page prints it. */
function say(m: MonthFacts, locale: Locale): string {
  return reasonOf(m, 3).map((s) => translate(locale, s.key, Object.fromEntries(Object.entries(s.values).map(([k, v]) => [k,
    'date' in v ? formatDate(v.date, locale) : 'month' in v ? formatMonth(v.month, locale) : 'number' in v ? formatNumber(v.number, locale) : v.text])))).join(' ')
}

test('a restart after a lapse names the payment, its day, the month billed and the regulation, in both languages', () => {
  assert.equal(say(base, 'en'), 'Protection again after the membership ended: counted from the month the payment was received, 2 May 2024 (payment 2). Billed as February 2024, moved to this month because the payment arrived after the membership had ended. Rule: Perdir 22/PERDIR.02/072022.')
  assert.equal(say(base, 'id'), 'Terlindungi kembali setelah kepesertaan berakhir: dihitung mulai bulan pembayaran diterima, 2 Mei 2024 (pembayaran 2). Ditagih sebagai Februari 2024, dipindah ke bulan ini karena pembayaran diterima setelah kepesertaan berakhir. Dasar: Perdir 22/PERDIR.02/072022.')
})

test('grace names the unpaid months, the months left and the last day to pay arrears', () => {
  const grace: MonthFacts = { ...base, period: '2024-03', status: 'grace', rule: 'grace', paidBy: null, lastPaid: '2024-01', unpaidMonths: 2, graceMonthsLeft: 1, graceUntil: '2024-04-30' }
  assert.equal(say(grace, 'en'), 'Not paid: unpaid month 2 since January 2024, the last month paid. 1 month(s) of grace left: arrears can be paid until 30 April 2024. Rule: Perdir 22/PERDIR.02/072022.')
  const lapsed: MonthFacts = { ...grace, period: '2024-05', status: 'lapsed', rule: 'lapsed', unpaidMonths: 4, graceMonthsLeft: null, graceUntil: null, lapsedOn: '2024-05-01' }
  assert.equal(say(lapsed, 'id'), 'Kepesertaan berakhir pada 1 Mei 2024: lebih dari 3 bulan berturut-turut tanpa iuran sejak Januari 2024. Dasar: Perdir 22/PERDIR.02/072022.')
})
