// Screens that need a signed-in caller: while /auth/me is asked, a loading line; nobody signed in,
// the sign-in page (remembering where the visitor was going).
import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { useI18n } from './i18n.tsx'
import { useMe, type Me } from './session.ts'
import { Alert } from '../components/Alert.tsx'
import { ApiError } from '../api/client.ts'

export function Loading() {
  const { t } = useI18n()
  return (
    <p class="loading" role="status">
      {t('app.loading')}
    </p>
  )
}

export function RequireSession({ children }: { children: (me: Me) => ComponentChildren }) {
  const me = useMe()
  const { route, url } = useLocation()
  const { errorText } = useI18n()
  const signedOut = me.isSuccess && me.data === null
  useEffect(() => {
    if (signedOut) route(`/login?next=${encodeURIComponent(url)}`, true)
  }, [signedOut, url])
  if (me.isError) {
    const e = me.error
    return <Alert>{e instanceof ApiError ? errorText(e.code, e.apiMessage) : errorText('NETWORK')}</Alert>
  }
  if (!me.data) return <Loading />
  return <>{children(me.data)}</>
}
