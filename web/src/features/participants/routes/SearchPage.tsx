// Member search: by KPJ, NIK or the start of a name, by village or by branch office, a page at a
// time with the API's cursor. The API answers only what the caller's scope holds (row-level
// security), so a branch officer of KC Blitar never sees a Malang member, whatever is typed here.
import { useEffect, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { ApiError } from '../../../api/client.ts'
import { RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { useBranches, useParticipantSearch } from '../api/participants.ts'
import { ResultsTable } from '../components/ResultsTable.tsx'
import { apiQuery, hasCriteria, nextPage, parseSearch, previousPage, searchUrl, type SearchState } from '../search-params.ts'

export function SearchPage() {
  const { t } = useI18n()
  return <RequireSession>{(me) => <Layout me={me} title={t('search.title')}><Search me={me} /></Layout>}</RequireSession>
}

function Search({ me }: { me: Me }) {
  const { t, errorText } = useI18n()
  const { query, route } = useLocation()
  const state = parseSearch(query)
  const [form, setForm] = useState<SearchState>(state)
  // The URL changed (back button, a link): the form shows what is searched.
  useEffect(() => setForm(state), [query.q, query.village, query.branch])
  const branches = useBranches()
  const result = useParticipantSearch(apiQuery(state), hasCriteria(state))
  const mine = me.role === 'branch_officer' ? new Set(me.branchCodes) : null
  const branchOptions = (branches.data?.items ?? []).filter((b) => (mine ? mine.has(b.code) : b.active)).sort((a, b) => a.name.localeCompare(b.name))

  function submit(e: Event) {
    e.preventDefault()
    route(searchUrl({ ...form, trail: [] }))
  }
  const set = (k: 'q' | 'village' | 'branch') => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value })
  const page = state.trail.length + 1

  return (
    <>
      <h1>{t('search.title')}</h1>
      <form class="search-form" role="search" onSubmit={submit}>
        <div class="field field-wide">
          <label for="q">{t('search.query')}</label>
          <input id="q" name="q" type="search" maxLength={100} autocomplete="off" aria-describedby="q-hint" value={form.q} onInput={set('q')} />
          <p class="hint" id="q-hint">
            {t('search.queryHint')}
          </p>
        </div>
        <div class="field">
          <label for="village">{t('search.village')}</label>
          <input id="village" name="village" inputMode="decimal" maxLength={13} pattern="[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}" aria-describedby="village-hint" value={form.village} onInput={set('village')} />
          <p class="hint" id="village-hint">
            {t('search.villageHint')}
          </p>
        </div>
        <div class="field">
          <label for="branch">{t('search.branch')}</label>
          <select id="branch" name="branch" value={form.branch} onChange={set('branch')}>
            <option value="">{t('search.anyBranch')}</option>
            {branchOptions.map((b) => (
              <option key={b.code} value={b.code}>
                {b.name} ({b.code})
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{t('search.submit')}</button>
        </div>
      </form>

      {hasCriteria(state) && (
        <section aria-labelledby="results-title" aria-busy={result.isFetching}>
          <h2 id="results-title">
            {t('search.results')}
            {page > 1 && <span class="muted"> · {t('search.page', { page })}</span>}
          </h2>
          {result.isError && <Alert>{result.error instanceof ApiError ? errorText(result.error.code, result.error.apiMessage) : errorText('NETWORK')}</Alert>}
          {result.data && result.data.items.length === 0 && <p role="status">{t('search.none')}</p>}
          {result.data && result.data.items.length > 0 && (
            <>
              <p role="status" class="muted">
                {t('search.shown', { count: result.data.items.length })}
              </p>
              <ResultsTable items={result.data.items} />
            </>
          )}
          <div class="pager">
            {state.trail.length > 0 && (
              <a class="button button-secondary" href={searchUrl(previousPage(state))}>
                {t('search.previous')}
              </a>
            )}
            {result.data?.nextCursor && (
              <a class="button" href={searchUrl(nextPage(state, result.data.nextCursor))}>
                {t('search.next')}
              </a>
            )}
          </div>
        </section>
      )}
    </>
  )
}
