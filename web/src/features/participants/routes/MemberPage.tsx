// A member's page: identity with the NIK masked (a reveal button for callers with nik:reveal,
// each reveal audited by the API), programs, declared income, today's coverage and the heirs.
// Loaded on demand (its own chunk), outside the first screen's budget.
import { useState } from 'preact/hooks'
import { useRoute } from 'preact-iso'
import { ApiError } from '../../../api/client.ts'
import { Loading, RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { revealNik, useCoverage, useParticipant, type Participant } from '../api/participants.ts'
import type { MessageKey } from '../../../i18n/messages.ts'
import { isMessageKey } from '../../../i18n/translate.ts'
import { CoverageTimeline } from '../../coverage/Timeline.tsx'
import { BillsSection, PaymentsSection } from '../../bills/BillsSection.tsx'
import { Heirs } from '../components/Heirs.tsx'
import { History } from '../components/History.tsx'
import { EDITING_ROLES } from '../edit/change.ts'

export function MemberPage() {
  const { params, query } = useRoute()
  return <RequireSession>{(me) => <Member me={me} kpj={params.kpj ?? ''} saved={query.saved === '1'} />}</RequireSession>
}

function Member({ me, kpj, saved }: { me: Me; kpj: string; saved: boolean }) {
  const { t, errorText } = useI18n()
  const p = useParticipant(kpj)
  const title = p.data?.fullName ?? t('participant.kpj') + ' ' + kpj
  return (
    <Layout me={me} title={title}>
      {me.role !== 'participant' && (
        <p>
          <a href="/members">← {t('participant.backToSearch')}</a>
        </p>
      )}
      {p.isPending && <Loading />}
      {p.isError &&
        (p.error instanceof ApiError && (p.error.status === 404 || p.error.status === 400) ? (
          <>
            <h1>{t('participant.kpj')} {kpj}</h1>
            <Alert>{t('participant.notFound')}</Alert>
          </>
        ) : (
          <Alert>{p.error instanceof ApiError ? errorText(p.error.code, p.error.apiMessage) : errorText('NETWORK')}</Alert>
        ))}
      {saved && p.data && (
        <p class="panel" role="status">
          {t('participant.edit.saved')}
        </p>
      )}
      {p.data && <Card me={me} p={p.data} />}
    </Layout>
  )
}

/** A message key built from an API value, when the catalogue has it (program codes, statuses). */
function known(key: string): MessageKey | undefined {
  return isMessageKey(key) ? key : undefined
}

function Card({ me, p }: { me: Me; p: Participant }) {
  const { t, rupiah, date, day, month, errorText } = useI18n()
  const coverage = useCoverage(p.kpj)
  const [nik, setNik] = useState<string | null>(null)
  const [revealError, setRevealError] = useState<string | null>(null)
  const canReveal = me.permissions.includes('nik:reveal')

  async function reveal() {
    setRevealError(null)
    try {
      setNik((await revealNik(p.kpj)).nik)
    } catch (e) {
      setRevealError(e instanceof ApiError ? errorText(e.code, e.apiMessage) : errorText('NETWORK'))
    }
  }
  const gender = known(`gender.${p.gender}`)
  const status = coverage.data ? known(`coverage.${coverage.data.status}`) : undefined

  return (
    <>
      <h1>{p.fullName}</h1>
      <p class="subtitle">
        {t('participant.kpj')} <span class="mono">{p.kpj}</span>
      </p>
      <p>
        <a href={`/members/${p.kpj}/card`}>{t('card.open')}</a>
      </p>
      {(EDITING_ROLES as readonly string[]).includes(me.role) && (
        <p>
          <a class="button button-secondary" href={`/members/${p.kpj}/edit`}>
            {t('participant.edit.open')}
          </a>
        </p>
      )}

      <section aria-labelledby="coverage-title" class="panel">
        <h2 id="coverage-title">{t('participant.coverage')}</h2>
        {coverage.isPending && <Loading />}
        {coverage.data && (
          <p>
            <span class={`badge badge-${coverage.data.status}`}>{status ? t(status) : coverage.data.status}</span>{' '}
            {coverage.data.paidThrough ? t('participant.paidThrough', { month: month(coverage.data.paidThrough) }) : t('participant.notPaidYet')}
          </p>
        )}
      </section>

      <CoverageTimeline kpj={p.kpj} />

      <section aria-labelledby="identity-title" class="panel">
        <h2 id="identity-title">{t('participant.identity')}</h2>
        <dl class="facts">
          <dt>{t('participant.nik')}</dt>
          <dd>
            <span class="mono" data-testid="nik">
              {nik ?? p.nik}
            </span>
            {canReveal && !nik && (
              <button type="button" class="button-small button-secondary" onClick={reveal}>
                {t('participant.revealNik')}
              </button>
            )}
            {nik && <p class="hint">{t('participant.nikRevealed')}</p>}
            {revealError && <Alert>{revealError}</Alert>}
          </dd>
          <dt>{t('participant.birth')}</dt>
          <dd>
            {p.birthPlace}, {date(p.birthDate)}
          </dd>
          <dt>{t('participant.gender')}</dt>
          <dd>{gender ? t(gender) : p.gender}</dd>
          <dt>{t('participant.phone')}</dt>
          <dd>{p.phone}</dd>
          <dt>{t('participant.address')}</dt>
          <dd>{p.address}</dd>
          <dt>{t('participant.place')}</dt>
          <dd>{p.place ? `${p.place.village}, ${p.place.district}, ${p.place.regency}, ${p.place.province}` : p.villageCode}</dd>
          <dt>{t('participant.branch')}</dt>
          <dd>{p.place ? `${p.place.branch} (${p.branchCode})` : p.branchCode}</dd>
        </dl>
      </section>

      <section aria-labelledby="membership-title" class="panel">
        <h2 id="membership-title">{t('participant.membership')}</h2>
        <dl class="facts">
          <dt>{t('participant.programs')}</dt>
          <dd>
            <ul class="plain">
              {p.programs.map((code) => {
                const k = known(`program.${code}`)
                return <li key={code}>{k ? t(k) : code}</li>
              })}
            </ul>
          </dd>
          <dt>{t('participant.income')}</dt>
          <dd data-testid="income">{t('participant.incomePerMonth', { amount: rupiah(p.monthlyIncome) })}</dd>
          <dt>{t('participant.occupation')}</dt>
          <dd>{p.occupation}</dd>
          <dt>{t('participant.segment')}</dt>
          <dd>{p.segment}</dd>
          <dt>{t('participant.ecosystem')}</dt>
          <dd>{p.ecosystem}</dd>
          <dt>{t('participant.channel')}</dt>
          <dd>{p.channel}</dd>
          <dt>{t('participant.registeredAt')}</dt>
          <dd>{day(p.registeredAt)}</dd>
        </dl>
      </section>

      <BillsSection me={me} kpj={p.kpj} />
      <PaymentsSection kpj={p.kpj} />
      <Heirs me={me} p={p} />
      <History kpj={p.kpj} />
    </>
  )
}
