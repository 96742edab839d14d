// Registration of an informal worker (BPU) by an officer, agent or partner. The NIK is checked as
// it is typed by the server's own rules and fills the birth date and gender; the village is picked
// from the official regions; the monthly contribution is priced live by the server's calculator
// over the rate table (PP 50/2025 discounts included). The API decides: its field errors are shown
// beside their fields, a duplicate NIK links to the member who holds it when the caller may see
// them, and a registration lands on the new member's page.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../../api/client.ts'
import { RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { translate as serverText, type Lang } from '../../../../../src/platform/errors.ts'
import { monthOf, todayJakarta } from '../../../../../src/platform/dates.ts'
import { registerParticipant, useBpuRates, useProvinces, useRegistrationCodes, type NewParticipant } from '../api/registration.ts'
import { cleanNik, nikFeedback } from '../nik-feedback.ts'
import { contributionPreview, rateRowsFromApi } from '../preview.ts'
import { VillagePicker, type PickedVillage } from '../components/VillagePicker.tsx'
import { CodeSelect, ContributionPanel, FieldError, IncomeField, TextField, ProgramsField, parseIncome, programsWith } from '../components/MembershipFields.tsx'

/** Who may register (POST /participants): the roles that write to the registry. */
export const REGISTERING_ROLES = ['admin', 'branch_officer', 'agent', 'partner'] as const

/** The channel a registration comes through, by who enters it (the API checks it against its list). */
const CHANNEL_OF_ROLE: Record<string, string> = { admin: 'branch', branch_officer: 'branch', agent: 'perisai', partner: 'partner' }

export function RegisterPage() {
  const { t } = useI18n()
  return (
    <RequireSession>
      {(me) => (
        <Layout me={me} title={t('register.title')}>
          {(REGISTERING_ROLES as readonly string[]).includes(me.role) ? <RegisterForm me={me} /> : <Alert>{t('error.FORBIDDEN')}</Alert>}
        </Layout>
      )}
    </RequireSession>
  )
}

type Text = 'fullName' | 'birthPlace' | 'birthDate' | 'motherMaidenName' | 'phone' | 'address' | 'occupation' | 'monthlyIncome' | 'ecosystem' | 'channel'

interface Form {
  nik: string
  fullName: string
  birthPlace: string
  birthDate: string
  gender: '' | 'M' | 'F'
  motherMaidenName: string
  phone: string
  address: string
  village: PickedVillage | null
  occupation: string
  monthlyIncome: string
  jht: boolean
  ecosystem: string
  channel: string
}

function RegisterForm({ me }: { me: Me }) {
  const { t, locale, date, errorText } = useI18n()
  const { route } = useLocation()
  const qc = useQueryClient()
  const lang: Lang = locale
  const today = todayJakarta()
  const month = monthOf(today)
  const codes = useRegistrationCodes()
  const provinces = useProvinces()
  const rates = useBpuRates(month)

  const [form, setForm] = useState<Form>({
    nik: '', fullName: '', birthPlace: '', birthDate: '', gender: '', motherMaidenName: '', phone: '', address: '', village: null,
    occupation: '', monthlyIncome: '', jht: false, ecosystem: '', channel: CHANNEL_OF_ROLE[me.role] ?? 'branch',
  })
  const [nikLeft, setNikLeft] = useState(false)
  /** The API's errors by field path, shown beside the field until it is changed. */
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({})
  const [failure, setFailure] = useState<{ text: string; holderKpj?: string } | null>(null)
  const [sending, setSending] = useState(false)

  const provinceCodes = useMemo(() => new Set((provinces.data?.items ?? []).map((p) => p.code)), [provinces.data])
  const nik = provinces.data ? nikFeedback(form.nik, provinceCodes, today, nikLeft) : null
  const nikText = nik?.state === 'invalid' ? `${serverText(nik.code, lang)}: ${nik.reason}` : undefined
  // The NIK says when and as whom its holder was born (regulations.md §6): each new good NIK fills
  // both (once the province list has come, whichever was first), and the officer may still correct them.
  const readNik = nik?.state === 'valid' ? nik : null
  useEffect(() => {
    if (readNik) setForm((f) => ({ ...f, birthDate: readNik.birthDate, gender: readNik.gender }))
  }, [readNik?.nik])

  const occupation = codes.data?.occupations.find((o) => o.code === form.occupation)
  const programs = programsWith(form.jht)
  const rows = useMemo(() => (rates.data ? rateRowsFromApi(rates.data.rates) : null), [rates.data])
  const preview = rows ? contributionPreview(rows, { income: parseIncome(form.monthlyIncome), programs, occupationGroup: occupation?.group ?? null }, month) : null
  const incomeText = preview?.state === 'refused' && preview.field === 'monthlyIncome' ? `${serverText(preview.code, lang)}: ${preview.reason}` : undefined

  function set<K extends keyof Form>(key: K, value: Form[K]) {
    setForm((f) => ({ ...f, [key]: value }))
    const path = key === 'village' ? 'villageCode' : key === 'jht' ? 'programs' : key
    if (fieldErrors[path]) setFieldErrors(({ [path]: _, ...rest }) => rest)
  }
  const onText = (key: Text | 'nik') => (e: Event) => set(key, (e.currentTarget as HTMLInputElement).value)

  async function submit(e: Event) {
    e.preventDefault()
    setNikLeft(true)
    setFailure(null)
    const body: NewParticipant = {
      nik: cleanNik(form.nik),
      fullName: form.fullName,
      birthPlace: form.birthPlace,
      birthDate: form.birthDate,
      // Not chosen: sent empty, and the API's refusal names the field beside it.
      gender: form.gender as 'M' | 'F',
      motherMaidenName: form.motherMaidenName,
      phone: form.phone,
      address: form.address,
      villageCode: form.village?.code ?? '',
      occupation: form.occupation,
      monthlyIncome: parseIncome(form.monthlyIncome) ?? 0,
      programs,
      ecosystem: form.ecosystem,
      channel: form.channel,
    }
    setSending(true)
    try {
      const p = await registerParticipant(body)
      qc.setQueryData(['participant', p.kpj], p)
      route(`/members/${p.kpj}`)
    } catch (err) {
      setSending(false)
      if (!(err instanceof ApiError)) throw err
      const byField: Record<string, string> = {}
      for (const f of err.fields) byField[f.path] ??= f.message
      setFieldErrors(byField)
      const holder = err.code === 'DUPLICATE_PARTICIPANT' && typeof err.details.kpj === 'string' ? err.details.kpj : undefined
      setFailure({ text: err.fields.length && err.code !== 'DUPLICATE_PARTICIPANT' ? t('register.fixFields') : errorText(err.code, err.apiMessage), ...(holder ? { holderKpj: holder } : {}) })
      document.getElementById('register-failure')?.focus()
    }
  }

  const errorOf = (path: string) => fieldErrors[path]
  const described = (path: string, hint?: string) => [hint, errorOf(path) ? `${path}-error` : undefined].filter(Boolean).join(' ') || undefined
  const textField = (path: Text, label: string, props: Record<string, unknown> = {}) => (
    <TextField path={path} label={label} value={form[path] as string} onInput={(v) => set(path, v)} error={errorOf(path)} {...props} />
  )
  const nikError = nikText ?? errorOf('nik')

  return (
    <>
      <h1>{t('register.title')}</h1>
      <p class="muted">{t('register.intro')}</p>
      <div id="register-failure" tabIndex={-1}>
        {failure && (
          <Alert>
            {failure.text}
            {failure.holderKpj && (
              <>
                {' '}
                <a href={`/members/${failure.holderKpj}`}>{t('register.openHolder', { kpj: failure.holderKpj })}</a>
              </>
            )}
          </Alert>
        )}
      </div>
      <form class="register-form" onSubmit={submit} noValidate>
        <fieldset class="field-group">
          <legend>{t('participant.identity')}</legend>
          <div class="field">
            <label for="nik">{t('participant.nik')}</label>
            <input
              id="nik"
              name="nik"
              inputMode="numeric"
              autocomplete="off"
              maxLength={24}
              class="mono"
              value={form.nik}
              onInput={onText('nik')}
              onBlur={() => setNikLeft(true)}
              aria-invalid={nikError ? true : undefined}
              aria-describedby={nikError ? 'nik-error' : 'nik-hint'}
            />
            {nikError ? (
              <FieldError path="nik" text={nikError} />
            ) : (
              <p class="hint" id="nik-hint" aria-live="polite">
                {nik?.state === 'typing'
                  ? t('register.nikTyping', { count: nik.digits })
                  : nik?.state === 'valid'
                    ? t('register.nikRead', { date: date(nik.birthDate), gender: t(`gender.${nik.gender}`) })
                    : t('register.nikHint')}
              </p>
            )}
          </div>
          {textField('fullName', t('participant.name'), { autocomplete: 'name', maxLength: 100 })}
          {textField('birthPlace', t('register.birthPlace'), { maxLength: 60 })}
          {textField('birthDate', t('participant.birthDate'), { type: 'date', max: today })}
          <fieldset class="field inline-choices" aria-describedby={described('gender')}>
            <legend>{t('participant.gender')}</legend>
            {(['M', 'F'] as const).map((g) => (
              <label key={g} class="choice">
                <input type="radio" name="gender" value={g} checked={form.gender === g} onChange={() => set('gender', g)} /> {t(`gender.${g}`)}
              </label>
            ))}
            <FieldError path="gender" text={errorOf('gender')} />
          </fieldset>
          {textField('motherMaidenName', t('register.motherMaidenName'), { maxLength: 100, autocomplete: 'off' })}
        </fieldset>

        <fieldset class="field-group">
          <legend>{t('register.contact')}</legend>
          {textField('phone', t('participant.phone'), { type: 'tel', autocomplete: 'tel', maxLength: 20 })}
          {textField('address', t('participant.address'), { autocomplete: 'street-address', maxLength: 200 })}
          <VillagePicker value={form.village} onChange={(v) => set('village', v)} error={errorOf('villageCode')} />
        </fieldset>

        <fieldset class="field-group">
          <legend>{t('participant.membership')}</legend>
          <CodeSelect path="occupation" label={t('participant.occupation')} value={form.occupation} options={codes.data?.occupations ?? []} onChange={(v) => set('occupation', v)} error={errorOf('occupation')} placeholder={t('register.choose')} />
          <IncomeField value={form.monthlyIncome} onInput={(v) => set('monthlyIncome', v)} error={incomeText ?? errorOf('monthlyIncome')} />
          <ProgramsField jht={form.jht} onChange={(v) => set('jht', v)} error={errorOf('programs')} />
          <CodeSelect path="ecosystem" label={t('participant.ecosystem')} value={form.ecosystem} options={codes.data?.ecosystems ?? []} onChange={(v) => set('ecosystem', v)} error={errorOf('ecosystem')} placeholder={t('register.choose')} />
          <CodeSelect path="channel" label={t('participant.channel')} value={form.channel} options={codes.data?.channels ?? []} onChange={(v) => set('channel', v)} error={errorOf('channel')} />
        </fieldset>

        <ContributionPanel preview={preview} month={month} />

        <div class="actions">
          <button type="submit" disabled={sending}>
            {sending ? t('register.sending') : t('register.submit')}
          </button>
        </div>
      </form>
    </>
  )
}
