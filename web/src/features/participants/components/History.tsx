// Every change to a member: who, when, what was before and after (GET …/history).
import { useQuery } from '@tanstack/preact-query'
import { api, ApiError, unwrap } from '../../../api/client.ts'
import { Loading } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import { isMessageKey } from '../../../i18n/translate.ts'
import { Alert } from '../../../components/Alert.tsx'

/** A value of a before/after object as one line: lists joined, nested objects as JSON. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return '–'
  if (Array.isArray(v)) return v.map(showValue).join(', ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export function History({ kpj }: { kpj: string }) {
  const { t, dateTime, errorText } = useI18n()
  const q = useQuery({ queryKey: ['history', kpj], queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}/history', { params: { path: { kpj } } })) })
  return (
    <section aria-labelledby="history-title" class="panel">
      <h2 id="history-title">{t('participant.history')}</h2>
      {q.isPending && <Loading />}
      {q.isError && <Alert>{q.error instanceof ApiError ? errorText(q.error.code, q.error.apiMessage) : errorText('NETWORK')}</Alert>}
      {q.data && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="history-title">
          <table class="results">
            <thead>
              <tr>
                <th scope="col">{t('participant.history.when')}</th>
                <th scope="col">{t('participant.history.who')}</th>
                <th scope="col">{t('participant.history.what')}</th>
                <th scope="col">{t('participant.history.before')}</th>
                <th scope="col">{t('participant.history.after')}</th>
              </tr>
            </thead>
            <tbody>
              {[...q.data].reverse().map((c, i) => {
                const keys = [...new Set([...Object.keys(c.before ?? {}), ...Object.keys(c.after)])]
                return (
                  <tr key={`${c.at}-${i}`}>
                    <td>{dateTime(c.at)}</td>
                    <td>{c.by === null ? t('participant.history.system') : t('participant.history.user', { id: c.by })}</td>
                    <td>
                      {/* A kind this screen does not know yet (a newer server) shows as its code. */}
                      {isMessageKey(`changeKind.${c.kind}`) ? t(`changeKind.${c.kind}` as 'changeKind.contact') : <span class="mono">{c.kind}</span>}
                    </td>
                    <td>{c.before ? keys.map((k) => <div key={k}>{k}: {showValue(c.before![k])}</div>) : '–'}</td>
                    <td>{keys.map((k) => <div key={k}>{k}: {showValue(c.after[k])}</div>)}</td>
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
