// The member page's bills (payment code, months, amount, state) and payments (received when, by
// which channel, the months each holds; months paid twice are refunded, docs/coverage.md).
import { ApiError } from '../../api/client.ts'
import { Loading } from '../../app/guard.tsx'
import { useI18n } from '../../app/i18n.tsx'
import type { Me } from '../../app/session.ts'
import { Alert } from '../../components/Alert.tsx'
import type { MessageKey } from '../../i18n/messages.ts'
import { BILL_ROLES, useBills, usePaymentChannels, usePayments, type Bill } from './api.ts'

export const BILL_STATUS_KEY: Record<Bill['status'], MessageKey> = {
  open: 'bill.status.open',
  paid: 'bill.status.paid',
  expired: 'bill.status.expired',
  superseded: 'bill.status.superseded',
}

function months(periods: string[], month: (m: string) => string): string {
  return periods.map(month).join(', ')
}

export function BillsSection({ me, kpj }: { me: Me; kpj: string }) {
  const { t, rupiah, month, dateTime, errorText } = useI18n()
  const bills = useBills(kpj)
  return (
    <section aria-labelledby="bills-title" class="panel">
      <h2 id="bills-title">{t('bill.title')}</h2>
      {BILL_ROLES.includes(me.role) && (
        <p>
          <a class="button button-secondary" href={`/members/${kpj}/bill`}>
            {t('bill.create')}
          </a>
        </p>
      )}
      {bills.isPending && <Loading />}
      {bills.isError && <Alert>{bills.error instanceof ApiError ? errorText(bills.error.code, bills.error.apiMessage) : errorText('NETWORK')}</Alert>}
      {bills.data && bills.data.length === 0 && <p>{t('bill.none')}</p>}
      {bills.data && bills.data.length > 0 && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="bills-title">
          <table class="results">
            <thead>
              <tr>
                <th scope="col">{t('bill.paymentCode')}</th>
                <th scope="col">{t('bill.period')}</th>
                <th scope="col">{t('bill.total')}</th>
                <th scope="col">{t('bill.state')}</th>
                <th scope="col">{t('bill.issuedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {bills.data.map((b) => (
                <tr key={b.id}>
                  <td class="mono">{b.paymentCode}</td>
                  <td>{months(b.periods, month)}</td>
                  <td>{rupiah(b.amount)}</td>
                  <td>
                    <span class={`badge badge-bill-${b.status}`}>{t(BILL_STATUS_KEY[b.status])}</span>
                  </td>
                  <td>{dateTime(b.issuedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

export function PaymentsSection({ kpj }: { kpj: string }) {
  const { t, rupiah, month, dateTime, errorText, locale } = useI18n()
  const payments = usePayments(kpj)
  const channels = usePaymentChannels()
  // A channel by its name in the chosen language; its code until the list arrives, or if it lacks it.
  const channelName = (code: string) => {
    const c = channels.data?.items.find((x) => x.code === code)
    return c ? (locale === 'id' ? c.nameId : c.nameEn) : code
  }
  return (
    <section aria-labelledby="payments-title" class="panel">
      <h2 id="payments-title">{t('participant.payments')}</h2>
      {payments.isPending && <Loading />}
      {payments.isError && <Alert>{payments.error instanceof ApiError ? errorText(payments.error.code, payments.error.apiMessage) : errorText('NETWORK')}</Alert>}
      {payments.data && payments.data.length === 0 && <p>{t('participant.noPayments')}</p>}
      {payments.data && payments.data.length > 0 && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="payments-title">
          <table class="results">
            <thead>
              <tr>
                <th scope="col">{t('participant.payment.receivedAt')}</th>
                <th scope="col">{t('participant.payment.months')}</th>
                <th scope="col">{t('participant.payment.amount')}</th>
                <th scope="col">{t('participant.payment.channel')}</th>
                <th scope="col">{t('participant.payment.reference')}</th>
              </tr>
            </thead>
            <tbody>
              {payments.data.map((p) => {
                const refunded = p.periods.filter((x) => !p.covered.includes(x))
                return (
                  <tr key={p.id}>
                    <td>{dateTime(p.receivedAt)}</td>
                    <td>
                      {months(p.covered, month)}
                      {refunded.length > 0 && <p class="hint">{t('participant.payment.refunded', { months: months(refunded, month) })}</p>}
                    </td>
                    <td>{rupiah(p.amount)}</td>
                    <td>{channelName(p.channel)}</td>
                    <td class="mono">{p.reference}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
