// Create a bill for 1–12 months (the API picks the first month: arrears first while in grace, the
// current month after a lapse) and show it: the payment code to quote, the amount per month and the
// total, and until when it can be paid. Loaded on demand, from the member page.
import { useState } from 'preact/hooks'
import { useRoute } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../api/client.ts'
import { RequireSession } from '../../app/guard.tsx'
import { useI18n } from '../../app/i18n.tsx'
import type { Me } from '../../app/session.ts'
import { Alert } from '../../components/Alert.tsx'
import { Layout } from '../../components/Layout.tsx'
import { amountsPerMonth, createBill, type Bill } from './api.ts'
import { BILL_STATUS_KEY } from './BillsSection.tsx'

export function BillPage() {
  const { params } = useRoute()
  return <RequireSession>{(me) => <NewBill me={me} kpj={params.kpj ?? ''} />}</RequireSession>
}

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

function NewBill({ me, kpj }: { me: Me; kpj: string }) {
  const { t, rupiah, month, dateTime, errorText } = useI18n()
  const client = useQueryClient()
  const [months, setMonths] = useState(1)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [bill, setBill] = useState<Bill | null>(null)

  async function submit(e: Event) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const created = await createBill(kpj, months)
      setBill(created)
      // The member page's bills list is stale now.
      await client.invalidateQueries({ queryKey: ['bills', kpj] })
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code, err.apiMessage) : errorText('NETWORK'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Layout me={me} title={t('bill.createTitle')}>
      <p>
        <a href={`/members/${kpj}`}>← {t('bill.back')}</a>
      </p>
      <h1>{t('bill.createTitle')}</h1>
      <p class="subtitle">
        {t('participant.kpj')} <span class="mono">{kpj}</span>
      </p>
      <form class="panel stack" onSubmit={submit} noValidate>
        <div class="field">
          <label for="bill-months">{t('bill.months')}</label>
          <select id="bill-months" aria-describedby="bill-months-hint" value={String(months)} onChange={(e) => setMonths(Number((e.target as HTMLSelectElement).value))}>
            {MONTHS.map((n) => (
              <option key={n} value={String(n)}>
                {t('bill.monthsOption', { count: n })}
              </option>
            ))}
          </select>
          <p id="bill-months-hint" class="hint">
            {t('bill.monthsHint')}
          </p>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? t('bill.submitting') : t('bill.create')}
        </button>
        {error && <Alert>{error}</Alert>}
      </form>
      {bill && (
        <section aria-labelledby="bill-title" class="panel" data-testid="bill">
          <h2 id="bill-title">{t('bill.paymentCode')}</h2>
          <Alert kind="info">{t('bill.created')}</Alert>
          <p class="payment-code mono" data-testid="payment-code">
            {bill.paymentCode}
          </p>
          <p>
            <span class={`badge badge-bill-${bill.status}`}>{t(BILL_STATUS_KEY[bill.status])}</span> {t('bill.expiresAt', { date: dateTime(bill.expiresAt) })}
          </p>
          <table class="results">
            <caption class="visually-hidden">{t('bill.perMonth')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('bill.period')}</th>
                <th scope="col">{t('bill.perMonth')}</th>
              </tr>
            </thead>
            <tbody>
              {amountsPerMonth(bill).map((m) => (
                <tr key={m.period}>
                  <td>{month(m.period)}</td>
                  <td>{rupiah(m.amount)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('bill.total')}</th>
                <td data-testid="bill-total">
                  <strong>{rupiah(bill.amount)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </section>
      )}
    </Layout>
  )
}
