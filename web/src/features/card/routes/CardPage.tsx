// The digital membership card: name, KPJ, programs, today's coverage status and the QR code that
// a clinic or an employer scans to reach the public /verify page. Printable (styles.css @media
// print shows the card alone) and downloadable as the API's PDF. A member sees only their own
// card: the API's scope answers 404 for anyone else's. Loaded on demand.
import { useState } from 'preact/hooks'
import { useRoute } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../../api/client.ts'
import { Loading, RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { isMessageKey } from '../../../i18n/translate.ts'
import { issueCard, pdfUrl, qrImage, useCard } from '../api/card.ts'

/** Who may issue a card (src/card/routes.ts CARD_WRITERS). */
const ISSUERS = ['admin', 'branch_officer', 'agent', 'participant']

export function CardPage() {
  const { params } = useRoute()
  return <RequireSession>{(me) => <CardScreen me={me} kpj={params.kpj ?? ''} />}</RequireSession>
}

function CardScreen({ me, kpj }: { me: Me; kpj: string }) {
  const { t, locale, errorText, date, month } = useI18n()
  const qc = useQueryClient()
  const card = useCard(kpj, locale)
  const [issueError, setIssueError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function issue() {
    setIssueError(null)
    setBusy(true)
    try {
      await issueCard(kpj, locale)
      await qc.invalidateQueries({ queryKey: ['card', kpj] })
    } catch (e) {
      setIssueError(e instanceof ApiError ? errorText(e.code, e.apiMessage) : errorText('NETWORK'))
    }
    setBusy(false)
  }

  const err = card.error instanceof ApiError ? card.error : null
  const c = card.data
  const statusKey = c ? `coverage.${c.coverage.status}` : ''
  return (
    <Layout me={me} title={t('card.title')}>
      <p class="no-print">
        <a href={`/members/${kpj}`}>← {t('card.backToMember')}</a>
      </p>
      <h1 class="no-print">{t('card.title')}</h1>
      {card.isPending && <Loading />}
      {err?.code === 'CARD_NOT_ISSUED' && (
        <div class="panel">
          <p>{t('card.none')}</p>
          {ISSUERS.includes(me.role) && (
            <button type="button" onClick={issue} disabled={busy}>
              {t('card.issue')}
            </button>
          )}
          {issueError && <Alert>{issueError}</Alert>}
        </div>
      )}
      {err && err.code !== 'CARD_NOT_ISSUED' && <Alert>{err.status === 404 ? t('participant.notFound') : errorText(err.code, err.apiMessage)}</Alert>}
      {card.isError && !err && <Alert>{errorText('NETWORK')}</Alert>}
      {c && (
        <>
          <article class="member-card" aria-labelledby="card-name">
            <p class="member-card-brand">{t('card.brand')}</p>
            <h2 id="card-name">{c.fullName}</h2>
            <dl class="facts">
              <dt>{t('participant.kpj')}</dt>
              <dd class="mono" data-testid="card-kpj">
                {c.kpj}
              </dd>
              <dt>{t('participant.programs')}</dt>
              <dd>{c.programs.map((p) => (locale === 'en' ? p.nameEn : p.nameId)).join(', ')}</dd>
              <dt>{t('participant.coverage')}</dt>
              <dd>
                <span class={`badge badge-${c.coverage.status}`} data-testid="card-status">
                  {isMessageKey(statusKey) ? t(statusKey) : c.coverage.status}
                </span>{' '}
                {c.coverage.paidThrough ? t('participant.paidThrough', { month: month(c.coverage.paidThrough) }) : t('participant.notPaidYet')}
                <span class="hint"> {t('card.statusOn', { date: date(c.coverage.date) })}</span>
              </dd>
            </dl>
            <img class="member-card-qr" src={qrImage(c.qrSvg)} alt={t('card.qrAlt', { kpj: c.kpj })} width={180} height={180} data-testid="card-qr" data-verify-url={c.verifyUrl} />
            <p class="hint">{t('card.qrHint')}</p>
          </article>
          <div class="actions no-print">
            <a class="button" href={pdfUrl(kpj, locale)} download={`kartu-${kpj}.pdf`}>
              {t('card.downloadPdf')}
            </a>
            <button type="button" class="button-secondary" onClick={() => window.print()}>
              {t('card.print')}
            </button>
          </div>
        </>
      )}
    </Layout>
  )
}
