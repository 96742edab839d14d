// A member activates their own account: KPJ, NIK, birth date and mother's maiden name (what the
// branch counter asks), and a new password. The API answers one error whichever detail was
// wrong (ACTIVATION_FAILED), so the page never says which; on success the member is signed in
// and lands on their own page.
import { useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../../api/client.ts'
import { useI18n } from '../../../app/i18n.tsx'
import { homeFor } from '../../../app/home.ts'
import { fetchMe, ME_KEY } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { activate, type ActivationBody } from '../api/activate.ts'

type Field = keyof ActivationBody | 'confirm'

const EMPTY: Record<Field, string> = { kpj: '', nik: '', birthDate: '', motherMaidenName: '', password: '', confirm: '' }

export function ActivationPage() {
  const { t, errorText } = useI18n()
  const { route } = useLocation()
  const qc = useQueryClient()
  const [v, setV] = useState(EMPTY)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [problem, setProblem] = useState<{ field: Field; text: string } | null>(null)

  const set = (f: Field) => (e: Event) => setV({ ...v, [f]: (e.currentTarget as HTMLInputElement).value })

  /** Checks the shape of each detail before asking the API (the API checks them again). */
  function firstProblem(): { field: Field; text: string } | null {
    if (!/^[0-9]{11}$/.test(v.kpj.trim())) return { field: 'kpj', text: t('activation.kpjFormat') }
    if (!/^[0-9]{16}$/.test(v.nik.trim())) return { field: 'nik', text: t('activation.nikFormat') }
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v.birthDate)) return { field: 'birthDate', text: t('activation.birthDateMissing') }
    if (!v.motherMaidenName.trim()) return { field: 'motherMaidenName', text: t('activation.motherMissing') }
    if (v.password.length < 10) return { field: 'password', text: t('activation.passwordShort') }
    if (v.password !== v.confirm) return { field: 'confirm', text: t('activation.passwordMismatch') }
    return null
  }

  async function submit(e: Event) {
    e.preventDefault()
    setError(null)
    const p = firstProblem()
    setProblem(p)
    if (p) {
      document.getElementById(p.field)?.focus()
      return
    }
    setBusy(true)
    try {
      const r = await activate({ kpj: v.kpj.trim(), nik: v.nik.trim(), birthDate: v.birthDate, motherMaidenName: v.motherMaidenName.trim(), password: v.password })
      qc.clear()
      qc.setQueryData(ME_KEY, await fetchMe())
      route(homeFor(r.user.role), true)
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'NETWORK', '', undefined))
      setV({ ...v, password: '', confirm: '' })
      setBusy(false)
    }
  }

  const input = (f: Field, label: string, props: Record<string, unknown> = {}, hint?: string) => (
    <div class="field">
      <label for={f}>{label}</label>
      {hint && (
        <p class="hint" id={`${f}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={f}
        name={f}
        required
        value={v[f]}
        onInput={set(f)}
        aria-invalid={problem?.field === f ? true : undefined}
        aria-describedby={hint ? `${f}-hint` : undefined}
        {...props}
      />
    </div>
  )

  return (
    <Layout me={null} title={t('activation.title')}>
      <div class="narrow">
        <h1>{t('activation.title')}</h1>
        <p>{t('activation.intro')}</p>
        {problem && !error && <Alert>{problem.text}</Alert>}
        {error && (
          <Alert>
            <span data-code={error.code}>{errorText(error.code, error.apiMessage)}</span>
            {error.retryAfterSeconds !== undefined && <> {t('signIn.retryAfterMinutes', { minutes: Math.ceil(error.retryAfterSeconds / 60) })}</>}
          </Alert>
        )}
        <form class="stack" onSubmit={submit} noValidate>
          {input('kpj', t('activation.kpj'), { inputMode: 'numeric', autocomplete: 'username', maxLength: 11 }, t('activation.kpjHint'))}
          {input('nik', t('activation.nik'), { inputMode: 'numeric', autocomplete: 'off', maxLength: 16 }, t('activation.nikHint'))}
          {input('birthDate', t('activation.birthDate'), { type: 'date', autocomplete: 'bday' })}
          {input('motherMaidenName', t('activation.mother'), { autocomplete: 'off', maxLength: 150 })}
          {input('password', t('activation.password'), { type: 'password', autocomplete: 'new-password', maxLength: 200 }, t('activation.passwordHint'))}
          {input('confirm', t('activation.confirm'), { type: 'password', autocomplete: 'new-password', maxLength: 200 })}
          <button type="submit" disabled={busy}>
            {busy ? t('activation.submitting') : t('activation.submit')}
          </button>
        </form>
        <p>
          <a href="/login">{t('activation.haveAccount')}</a>
        </p>
      </div>
    </Layout>
  )
}
