// The app: providers, then the router. Each path is a deep link that survives a reload (the server
// answers every app path with index.html). The member page loads on demand, so the first screen
// carries only the sign-in and search code.
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/preact-query'
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso'
import { useEffect } from 'preact/hooks'
import { ApiError } from '../api/client.ts'
import { I18nProvider, useI18n } from './i18n.tsx'
import { homeFor } from './home.ts'
import { Loading } from './guard.tsx'
import { ME_KEY, useMe } from './session.ts'
import { SignInPage } from '../features/auth/routes/SignInPage.tsx'
import { SearchPage } from '../features/participants/routes/SearchPage.tsx'
import { Layout } from '../components/Layout.tsx'

const MemberPage = lazy(() => import('../features/participants/routes/MemberPage.tsx').then((m) => m.MemberPage))
const RegisterPage = lazy(() => import('../features/registration/routes/RegisterPage.tsx').then((m) => m.RegisterPage))
const ActivationPage = lazy(() => import('../features/activation/routes/ActivationPage.tsx').then((m) => m.ActivationPage))
const CardPage = lazy(() => import('../features/card/routes/CardPage.tsx').then((m) => m.CardPage))
const UsersPage = lazy(() => import('../features/admin/routes/UsersPage.tsx').then((m) => m.UsersPage))
const MyPage = lazy(() => import('../features/participants/routes/MyPage.tsx').then((m) => m.MyPage))
const BillPage = lazy(() => import('../features/bills/BillPage.tsx').then((m) => m.BillPage))
const EditPage = lazy(() => import('../features/participants/edit/EditPage.tsx').then((m) => m.EditPage))

const queryClient: QueryClient = new QueryClient({
  // A session that ended (expired, revoked, signed out elsewhere) answers 401 to whatever asks:
  // nobody is signed in any more, so the guarded screens send the visitor to sign in again.
  queryCache: new QueryCache({
    onError: (e) => {
      if (e instanceof ApiError && e.status === 401) queryClient.setQueryData(ME_KEY, null)
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A refusal (4xx) is an answer, not a glitch: only network failures and 5xx are retried.
      retry: (count, e) => count < 2 && (!(e instanceof ApiError) || e.status === 0 || e.status >= 500),
      refetchOnWindowFocus: false,
    },
  },
})

/** `/`: the sign-in page for a visitor, the role's home for a signed-in caller. */
function Home() {
  const me = useMe()
  const { route } = useLocation()
  useEffect(() => {
    if (me.isSuccess) route(me.data ? homeFor(me.data.role) : '/login', true)
  }, [me.isSuccess, me.data])
  return <Loading />
}

function NotFound() {
  const { t } = useI18n()
  const me = useMe()
  return (
    <Layout me={me.data ?? null} title={t('notFound.title')}>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p>
        <a href="/">{t('notFound.home')}</a>
      </p>
    </Layout>
  )
}

export function App() {
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        {/* Links to the API and the /verify pages are ordinary page loads, never app routes. */}
        <LocationProvider scope={/^\/(?!api\/|verify\/|healthz|readyz)/}>
          <ErrorBoundary>
            <Router>
              <Route path="/" component={Home} />
              <Route path="/login" component={SignInPage} />
              <Route path="/members" component={SearchPage} />
              <Route path="/register" component={RegisterPage} />
              <Route path="/members/:kpj" component={MemberPage} />
              <Route path="/members/:kpj/bill" component={BillPage} />
              <Route path="/members/:kpj/edit" component={EditPage} />
              <Route path="/me" component={MyPage} />
              <Route path="/members/:kpj/card" component={CardPage} />
              <Route path="/activate" component={ActivationPage} />
              <Route path="/admin/users" component={UsersPage} />
              <Route default component={NotFound} />
            </Router>
          </ErrorBoundary>
        </LocationProvider>
      </QueryClientProvider>
    </I18nProvider>
  )
}
