// The frame of every screen: a skip link, the header (name, menu, who is signed in, sign-out,
// language) and the main region, which takes the focus when the route changes so that keyboard
// and screen-reader users start at the new content.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { useQueryClient } from '@tanstack/preact-query'
import { api } from '../api/client.ts'
import { useI18n } from '../app/i18n.tsx'
import { homeFor } from '../app/home.ts'
import { ME_KEY, type Me } from '../app/session.ts'
import { LanguageSelect } from './LanguageSelect.tsx'

export function Layout({ me, title, children }: { me: Me | null; title: string; children: ComponentChildren }) {
  const { t } = useI18n()
  const { route, path } = useLocation()
  const qc = useQueryClient()
  const main = useRef<HTMLElement>(null)
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`
  }, [title, t])
  const first = useRef(true)
  useEffect(() => {
    if (first.current) first.current = false
    else main.current?.focus()
  }, [path])

  async function signOut() {
    await api.POST('/api/v1/auth/logout').catch(() => undefined)
    qc.clear()
    qc.setQueryData(ME_KEY, null)
    route('/login', true)
  }

  return (
    <>
      <a class="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="top">
        <div class="top-inner">
          <a class="brand" href={me ? homeFor(me.role) : '/login'}>
            {t('app.name')}
          </a>
          {me && me.role !== 'participant' && (
            <nav aria-label={t('app.mainNav')}>
              <a href="/members" aria-current={path.startsWith('/members') ? 'page' : undefined}>
                {t('nav.search')}
              </a>
              {/* Registering is for the roles that write to the registry (POST /participants). */}
              {['admin', 'branch_officer', 'agent', 'partner'].includes(me.role) && (
                <a href="/register" aria-current={path === '/register' ? 'page' : undefined}>
                  {t('nav.register')}
                </a>
              )}
              {me.role === 'admin' && (
                <a href="/admin/users" aria-current={path.startsWith('/admin') ? 'page' : undefined}>
                  {t('nav.users')}
                </a>
              )}
            </nav>
          )}
          <div class="top-tools">
            <LanguageSelect />
            {me && (
              <div class="who">
                <span class="who-name">{t('nav.signedInAs', { name: me.name, role: t(`role.${me.role}`) })}</span>
                <button type="button" class="button-secondary" onClick={signOut}>
                  {t('nav.signOut')}
                </button>
              </div>
            )}
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  )
}
