// The coverage timeline: one cell per month (the last 24 and those paid ahead), coloured by status
// with a symbol and a pattern too (never colour alone), each a button: choosing one (click, tap,
// Enter or Space) shows why the month has its status, from the API's explanation, in the panel
// below the cells (announced politely to screen readers). The current month is chosen at first.
import { useState } from 'preact/hooks'
import { ApiError } from '../../api/client.ts'
import { Loading } from '../../app/guard.tsx'
import { useI18n } from '../../app/i18n.tsx'
import { Alert } from '../../components/Alert.tsx'
import type { MessageKey } from '../../i18n/messages.ts'
import { useExplainedCoverage, type Explanation } from './api.ts'
import { reasonOf, STATUS_SYMBOL, type MonthFacts, type Sentence, type Status } from './timeline.ts'

const STATUS_KEY: Record<Status, MessageKey> = { active: 'coverage.active', grace: 'coverage.grace', lapsed: 'coverage.lapsed', unpaid: 'coverage.unpaid' }
const EVENT_KEY: Record<string, MessageKey> = {
  first_payment: 'coverage.event.first_payment',
  grace_started: 'coverage.event.grace_started',
  arrears_paid: 'coverage.event.arrears_paid',
  lapsed: 'coverage.event.lapsed',
  reactivated: 'coverage.event.reactivated',
  renewed: 'coverage.event.renewed',
}

export function CoverageTimeline({ kpj }: { kpj: string }) {
  const { t, errorText } = useI18n()
  const q = useExplainedCoverage(kpj)
  return (
    <section aria-labelledby="timeline-title" class="panel">
      <h2 id="timeline-title">{t('coverage.timeline')}</h2>
      <p class="hint">{t('coverage.timelineIntro')}</p>
      {q.isPending && <Loading />}
      {q.isError && <Alert>{q.error instanceof ApiError ? errorText(q.error.code, q.error.apiMessage) : errorText('NETWORK')}</Alert>}
      {q.data?.explanation && <Cells e={q.data.explanation} today={q.data.date.slice(0, 7)} />}
    </section>
  )
}

function Cells({ e, today }: { e: Explanation; today: string }) {
  const { t, month, date, number } = useI18n()
  const [chosen, setChosen] = useState(today)
  const m = (e.months.find((x) => x.period === chosen) ?? e.months.find((x) => x.period === today)!) as MonthFacts & { events: { from: string; event: string }[] }
  return (
    <>
      <ol class="timeline" aria-label={t('coverage.timeline')}>
        {e.months.map((c) => {
          const label = t('coverage.cellLabel', { month: month(c.period), status: t(STATUS_KEY[c.status]) })
          return (
            <li key={c.period}>
              <button
                type="button"
                class={`cell cell-${c.status}${c.period === today ? ' cell-today' : ''}`}
                aria-pressed={c.period === m.period}
                aria-controls="timeline-why"
                title={label}
                data-period={c.period}
                onClick={() => setChosen(c.period)}
              >
                <span aria-hidden="true" class="cell-month">{shortMonth(month(c.period))}</span>
                <span aria-hidden="true" class="cell-symbol">{STATUS_SYMBOL[c.status]}</span>
                {/* The accessible name: the month in full and its status (the face above is its short form). */}
                <span class="visually-hidden">{label}</span>
              </button>
            </li>
          )
        })}
      </ol>
      <ul class="legend plain" aria-label={t('coverage.legend')}>
        {(Object.keys(STATUS_KEY) as Status[]).map((s) => (
          <li key={s}>
            <span aria-hidden="true" class={`cell cell-${s} cell-swatch`}>{STATUS_SYMBOL[s]}</span> {t(STATUS_KEY[s])}
          </li>
        ))}
      </ul>
      <div id="timeline-why" class="why" aria-live="polite" data-testid="timeline-why">
        <h3>{t('coverage.why', { month: month(m.period), status: t(STATUS_KEY[m.status]) })}</h3>
        {reasonOf(m, e.graceMonths).map((s) => (
          <p key={s.key}>{say(s)}</p>
        ))}
        {m.events.length > 0 && (
          <>
            <h4>{t('coverage.events')}</h4>
            <ul>
              {m.events.map((ev) => (
                <li key={ev.from + ev.event}>{EVENT_KEY[ev.event] ? t(EVENT_KEY[ev.event]!, { date: date(ev.from) }) : `${ev.from}: ${ev.event}`}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    </>
  )

  function say(s: Sentence) {
    return t(s.key, Object.fromEntries(Object.entries(s.values).map(([k, v]) => [k, 'date' in v ? date(v.date) : 'month' in v ? month(v.month) : 'number' in v ? number(v.number) : v.text])))
  }
}

/** "Januari 2025" → "Jan 25": the cell's short face (its full name is its accessible label). */
function shortMonth(full: string): string {
  const parts = full.split(' ')
  const year = parts.at(-1) ?? ''
  return `${(parts[0] ?? '').slice(0, 3)} ${year.slice(-2)}`
}
