// Sign-in. Errors come from the API's codes in the chosen language: a wrong password, a lock on
// the account from this address (423), too many attempts (429, with how long to wait).
import { useEffect, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../../api/client.ts'
import { useI18n } from '../../../app/i18n.tsx'
import { afterSignIn, homeFor } from '../../../app/home.ts'
import { fetchMe, ME_KEY, useMe } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { signIn } from '../api/login.ts'

export function SignInPage() {
  const { t, errorText } = useI18n()
  const { route, query } = useLocation()
  const qc = useQueryClient()
  const me = useMe()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [missing, setMissing] = useState(false)

  // Already signed in (a reload, a bookmark): straight to the role's home.
  useEffect(() => {
    if (me.data) route(homeFor(me.data.role), true)
  }, [me.data])

  // A lock lasts minutes (JAMSOS_LOCK_MINUTES), a throttle seconds: say it in the unit that reads.
  const retryText = (seconds: number) =>
    seconds >= 120 ? t('signIn.retryAfterMinutes', { minutes: Math.ceil(seconds / 60) }) : t('signIn.retryAfter', { seconds })

  async function submit(e: Event) {
    e.preventDefault()
    setError(null)
    // Said in words rather than by a greyed-out button, which tells nobody what is missing.
    if (!username.trim() || !password) {
      setMissing(true)
      document.getElementById(username.trim() ? 'password' : 'username')?.focus()
      return
    }
    setMissing(false)
    setBusy(true)
    try {
      const r = await signIn(username.trim(), password)
      qc.clear()
      qc.setQueryData(ME_KEY, await fetchMe())
      route(afterSignIn(r.user.role, query.next), true)
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'NETWORK', '', undefined))
      setPassword('')
      setBusy(false)
    }
  }

  return (
    <Layout me={null} title={t('signIn.title')}>
      <div class="narrow">
        <p class="tagline">{t('app.tagline')}</p>
        <h1>{t('signIn.title')}</h1>
        <p>{t('signIn.intro')}</p>
        {missing && !error && <Alert>{t('signIn.missing')}</Alert>}
        {error && (
          <Alert>
            <span data-code={error.code}>{errorText(error.code, error.apiMessage)}</span>
            {error.retryAfterSeconds !== undefined && <> {retryText(error.retryAfterSeconds)}</>}
          </Alert>
        )}
        <form class="stack" onSubmit={submit} noValidate>
          <div class="field">
            <label for="username">{t('signIn.username')}</label>
            <input
              id="username"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              aria-invalid={missing && !username.trim() ? true : undefined}
              maxLength={64}
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="password">{t('signIn.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              aria-invalid={missing && !password ? true : undefined}
              maxLength={200}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          <button type="submit" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </form>
        <p>
          <a href="/activate">{t('signIn.activate')}</a>
        </p>
      </div>
    </Layout>
  )
}
