// The village (desa/kelurahan) of the address, picked from the official regions: optionally narrow
// to a province, type part of the village's name, choose one of the matches (each shown with its
// district, regency and province, since many villages share a name). Matches come a page at a
// time with the API's cursor. Radio buttons, so keyboard and screen readers need nothing special.
import { useState } from 'preact/hooks'
import { ApiError } from '../../../api/client.ts'
import { useI18n } from '../../../app/i18n.tsx'
import { useProvinces, useVillageSearch, type RegionHit } from '../api/registration.ts'

export interface PickedVillage {
  code: string
  label: string
}

/** "JATEN, Kec. …, Kab. …, Jawa Timur": the village and its ancestors, nearest first. */
export function villageLabel(hit: Pick<RegionHit, 'name' | 'ancestors'>): string {
  return [hit.name, ...[...hit.ancestors].reverse().map((a) => a.name)].join(', ')
}

export function VillagePicker(props: { value: PickedVillage | null; onChange(v: PickedVillage | null): void; error?: string | undefined }) {
  const { t, errorText } = useI18n()
  const [province, setProvince] = useState('')
  const [q, setQ] = useState('')
  const provinces = useProvinces()
  const search = useVillageSearch(q.trim(), province)
  const hits = search.data?.pages.flatMap((p) => p.items) ?? []

  return (
    <fieldset class="field-group" aria-describedby={props.error ? 'villageCode-error' : undefined}>
      <legend>{t('register.village')}</legend>
      <div class="field">
        <label for="village-province">{t('register.villageProvince')}</label>
        <select id="village-province" value={province} onChange={(e) => setProvince(e.currentTarget.value)}>
          <option value="">{t('register.anyProvince')}</option>
          {(provinces.data?.items ?? []).map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="village-q">{t('register.villageSearch')}</label>
        <input id="village-q" type="search" autocomplete="off" maxLength={100} aria-describedby="village-q-hint" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <p class="hint" id="village-q-hint">
          {t('register.villageSearchHint')}
        </p>
      </div>
      {props.value && (
        <p class="picked" role="status">
          {t('register.villagePicked', { village: props.value.label, code: props.value.code })}
        </p>
      )}
      {search.isError && (
        <p class="field-error" role="alert">
          {search.error instanceof ApiError ? errorText(search.error.code, search.error.apiMessage) : errorText('NETWORK')}
        </p>
      )}
      {search.isSuccess && hits.length === 0 && <p role="status">{t('register.villageNone')}</p>}
      {hits.length > 0 && (
        <div class="choices" role="radiogroup" aria-label={t('register.villageMatches')}>
          {hits.map((h) => (
            <label key={h.code} class="choice">
              <input
                type="radio"
                name="villageCode"
                value={h.code}
                checked={props.value?.code === h.code}
                onChange={() => props.onChange({ code: h.code, label: villageLabel(h) })}
              />
              <span>
                {villageLabel(h)} <span class="muted mono">{h.code}</span>
              </span>
            </label>
          ))}
        </div>
      )}
      {search.hasNextPage && (
        <button type="button" class="button-secondary" disabled={search.isFetchingNextPage} onClick={() => search.fetchNextPage()}>
          {t('register.villageMore')}
        </button>
      )}
      {props.error && (
        <p class="field-error" id="villageCode-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  )
}
