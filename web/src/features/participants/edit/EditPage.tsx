// Changing a member from their page: contact, address and village, occupation, declared income and
// programs. The same parts as registration (MembershipFields, VillagePicker) and the same live
// checks: the income's bounds and the monthly contribution from the rate table through the server's
// own calculator (PP 50/2025 discounts included). Only the fields that differ are sent, with the
// version read, so a change made meanwhile by someone else is refused (VERSION_CONFLICT) rather
// than overwritten; the API's field errors are shown beside their fields. On success the member's
// page shows the new values, and its history the change. Loaded on demand (its own chunk).
import { useMemo, useState } from 'preact/hooks'
import { useLocation, useRoute } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../../api/client.ts'
import { Loading, RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { translate as serverText, type Lang } from '../../../../../src/platform/errors.ts'
import { monthOf, todayJakarta } from '../../../../../src/platform/dates.ts'
import { useParticipant, type Participant } from '../api/participants.ts'
import { useBpuRates, useRegistrationCodes } from '../../registration/api/registration.ts'
import { contributionPreview, rateRowsFromApi } from '../../registration/preview.ts'
import { VillagePicker, type PickedVillage } from '../../registration/components/VillagePicker.tsx'
import { CodeSelect, ContributionPanel, IncomeField, TextField, ProgramsField, parseIncome, programsWith } from '../../registration/components/MembershipFields.tsx'
import { updateParticipant } from './api.ts'
import { EDITING_ROLES, changeOf } from './change.ts'

export function EditPage() {
  const { params } = useRoute()
  return <RequireSession>{(me) => <EditLoader me={me} kpj={params.kpj ?? ''} />}</RequireSession>
}

function EditLoader({ me, kpj }: { me: Me; kpj: string }) {
  const { t, errorText } = useI18n()
  const p = useParticipant(kpj)
  return (
    <Layout me={me} title={t('participant.edit.title')}>
      <p>
        <a href={`/members/${kpj}`}>← {t('participant.edit.back')}</a>
      </p>
      {p.isPending && <Loading />}
      {p.isError && <Alert>{p.error instanceof ApiError && (p.error.status === 404 || p.error.status === 400) ? t('participant.notFound') : p.error instanceof ApiError ? errorText(p.error.code, p.error.apiMessage) : errorText('NETWORK')}</Alert>}
      {p.data && ((EDITING_ROLES as readonly string[]).includes(me.role) ? <EditForm key={p.data.version} p={p.data} /> : <Alert>{t('error.FORBIDDEN')}</Alert>)}
    </Layout>
  )
}

interface Form {
  phone: string
  address: string
  village: PickedVillage | null
  occupation: string
  monthlyIncome: string
  jht: boolean
}

const FIELD_OF: Record<keyof Form, string> = { phone: 'phone', address: 'address', village: 'villageCode', occupation: 'occupation', monthlyIncome: 'monthlyIncome', jht: 'programs' }

function EditForm({ p }: { p: Participant }) {
  const { t, locale, errorText } = useI18n()
  const { route } = useLocation()
  const qc = useQueryClient()
  const lang: Lang = locale
  const month = monthOf(todayJakarta())
  const codes = useRegistrationCodes()
  const rates = useBpuRates(month)

  const [form, setForm] = useState<Form>({
    phone: p.phone,
    address: p.address,
    village: { code: p.villageCode, label: p.place ? `${p.place.village}, ${p.place.district}, ${p.place.regency}, ${p.place.province}` : p.villageCode },
    occupation: p.occupation,
    monthlyIncome: String(p.monthlyIncome),
    jht: p.programs.includes('JHT'),
  })
  /** The API's errors by field path, shown beside the field until it is changed. */
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [sending, setSending] = useState(false)

  const occupation = codes.data?.occupations.find((o) => o.code === form.occupation)
  const income = parseIncome(form.monthlyIncome)
  const rows = useMemo(() => (rates.data ? rateRowsFromApi(rates.data.rates) : null), [rates.data])
  const preview = rows ? contributionPreview(rows, { income, programs: programsWith(form.jht), occupationGroup: occupation?.group ?? null }, month) : null
  const incomeText = preview?.state === 'refused' && preview.field === 'monthlyIncome' ? `${serverText(preview.code, lang)}: ${preview.reason}` : undefined

  function set<K extends keyof Form>(key: K, value: Form[K]) {
    setForm((f) => ({ ...f, [key]: value }))
    const path = FIELD_OF[key]
    if (fieldErrors[path]) setFieldErrors(({ [path]: _, ...rest }) => rest)
  }
  const errorOf = (path: string) => fieldErrors[path]

  async function submit(e: Event) {
    e.preventDefault()
    setFailure(null)
    const change = changeOf(p, { ...form, villageCode: form.village?.code ?? '' }, income)
    if (!change) {
      setFailure(t('participant.edit.nothingChanged'))
      document.getElementById('edit-failure')?.focus()
      return
    }
    setSending(true)
    try {
      const updated = await updateParticipant(p.kpj, change)
      qc.setQueryData(['participant', p.kpj], updated)
      await qc.invalidateQueries({ queryKey: ['history', p.kpj] })
      route(`/members/${p.kpj}?saved=1`)
    } catch (err) {
      setSending(false)
      if (!(err instanceof ApiError)) throw err
      const byField: Record<string, string> = {}
      for (const f of err.fields) if (f.path !== 'version') byField[f.path] ??= f.message
      setFieldErrors(byField)
      setFailure(Object.keys(byField).length ? t('participant.edit.fixFields') : errorText(err.code, err.apiMessage))
      document.getElementById('edit-failure')?.focus()
    }
  }

  return (
    <>
      <h1>{t('participant.edit.title')}</h1>
      <p class="subtitle">
        {p.fullName} · {t('participant.kpj')} <span class="mono">{p.kpj}</span>
      </p>
      <p class="muted">{t('participant.edit.intro')}</p>
      <div id="edit-failure" tabIndex={-1}>
        {failure && <Alert>{failure}</Alert>}
      </div>
      <form class="register-form" onSubmit={submit} noValidate>
        <fieldset class="field-group">
          <legend>{t('register.contact')}</legend>
          <TextField path="phone" label={t('participant.phone')} value={form.phone} onInput={(v) => set('phone', v)} error={errorOf('phone')} type="tel" autocomplete="tel" maxLength={20} />
          <TextField path="address" label={t('participant.address')} value={form.address} onInput={(v) => set('address', v)} error={errorOf('address')} autocomplete="street-address" maxLength={200} />
          <VillagePicker value={form.village} onChange={(v) => set('village', v)} error={errorOf('villageCode')} />
        </fieldset>

        <fieldset class="field-group">
          <legend>{t('participant.membership')}</legend>
          <CodeSelect path="occupation" label={t('participant.occupation')} value={form.occupation} options={codes.data?.occupations ?? []} onChange={(v) => set('occupation', v)} error={errorOf('occupation')} />
          <IncomeField value={form.monthlyIncome} onInput={(v) => set('monthlyIncome', v)} error={incomeText ?? errorOf('monthlyIncome')} />
          <ProgramsField jht={form.jht} onChange={(v) => set('jht', v)} error={errorOf('programs')} />
        </fieldset>

        <ContributionPanel preview={preview} month={month} />

        <div class="actions">
          <button type="submit" disabled={sending}>
            {sending ? t('participant.edit.sending') : t('participant.edit.submit')}
          </button>
          <a class="button button-secondary" href={`/members/${p.kpj}`}>
            {t('participant.edit.cancel')}
          </a>
        </div>
      </form>
    </>
  )
}
