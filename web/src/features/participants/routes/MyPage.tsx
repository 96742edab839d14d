// A member's home: their own page. The API scopes a member's search to themself (row-level
// security), so the first row of an unfiltered search is their card.
import { useEffect } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { useQuery } from '@tanstack/preact-query'
import { api, ApiError, unwrap } from '../../../api/client.ts'
import { Loading, RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'

export function MyPage() {
  return <RequireSession>{(me) => <Mine me={me} />}</RequireSession>
}

function Mine({ me }: { me: Me }) {
  const { t, errorText } = useI18n()
  const { route } = useLocation()
  const own = useQuery({ queryKey: ['own-card'], queryFn: () => unwrap(api.GET('/api/v1/participants', { params: { query: { limit: 1 } } })) })
  const kpj = own.data?.items[0]?.kpj
  useEffect(() => {
    if (kpj) route(`/members/${kpj}`, true)
  }, [kpj])
  return (
    <Layout me={me} title={t('role.participant')}>
      {own.isPending && <Loading />}
      {own.data && !kpj && <Alert>{t('participant.notFound')}</Alert>}
      {own.isError && <Alert>{own.error instanceof ApiError ? errorText(own.error.code, own.error.apiMessage) : errorText('NETWORK')}</Alert>}
    </Layout>
  )
}
