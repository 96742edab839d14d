// User administration (admin only; the API refuses anyone else with 403): the accounts by id in
// cursor pages, creating one with its role and branches (a generated password is shown once),
// disabling one, and resetting a password (shown once).
import { useState } from 'preact/hooks'
import { useQueryClient } from '@tanstack/preact-query'
import { ApiError } from '../../../api/client.ts'
import { Loading, RequireSession } from '../../../app/guard.tsx'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import { Layout } from '../../../components/Layout.tsx'
import { createUser, disableUser, resetPassword, useUsers, type Role, type User } from '../api/users.ts'

/** Roles an administrator creates here; partner, sponsor and member accounts carry links made elsewhere. */
const ROLES: Role[] = ['branch_officer', 'management', 'admin']

export function UsersPage() {
  return <RequireSession>{(me) => <Users me={me} />}</RequireSession>
}

function Users({ me }: { me: Me }) {
  const { t, errorText, day } = useI18n()
  const qc = useQueryClient()
  const [q, setQ] = useState('')
  const [filter, setFilter] = useState('')
  const users = useUsers(filter)
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const apiText = (e: unknown) => (e instanceof ApiError ? errorText(e.code, e.apiMessage) : errorText('NETWORK'))

  async function act(fn: () => Promise<unknown>) {
    setActionError(null)
    try {
      await fn()
      await qc.invalidateQueries({ queryKey: ['users'] })
    } catch (e) {
      setActionError(apiText(e))
    }
  }

  if (me.role !== 'admin') {
    return (
      <Layout me={me} title={t('admin.title')}>
        <h1>{t('admin.title')}</h1>
        <Alert>{t('admin.onlyAdmins')}</Alert>
      </Layout>
    )
  }

  const rows = users.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <Layout me={me} title={t('admin.title')}>
      <h1>{t('admin.title')}</h1>
      {secret && (
        <div class="panel" role="status">
          <p>{t('admin.passwordOnce', { username: secret.username })}</p>
          <p class="mono" data-testid="generated-password">
            {secret.password}
          </p>
        </div>
      )}
      {actionError && <Alert>{actionError}</Alert>}
      <CreateUser onCreated={(username, password) => {
        if (password) setSecret({ username, password })
        void qc.invalidateQueries({ queryKey: ['users'] })
      }} />
      <section aria-labelledby="users-title" class="panel">
        <h2 id="users-title">{t('admin.users')}</h2>
        <form class="search-form" role="search" onSubmit={(e) => (e.preventDefault(), setFilter(q.trim()))}>
          <div class="field">
            <label for="user-q">{t('admin.search')}</label>
            <input id="user-q" value={q} maxLength={100} onInput={(e) => setQ(e.currentTarget.value)} />
          </div>
          <div class="actions">
            <button type="submit">{t('admin.searchSubmit')}</button>
          </div>
        </form>
        {users.isPending && <Loading />}
        {users.isError && <Alert>{apiText(users.error)}</Alert>}
        <ul class="plain user-list">
          {rows.map((u) => (
            <UserRow key={u.id} u={u} self={u.id === me.user?.id} day={day} onDisable={() => act(() => disableUser(u.id))} onReset={() => act(async () => {
              const r = await resetPassword(u.id)
              if (r.generatedPassword) setSecret({ username: u.username, password: r.generatedPassword })
            })} />
          ))}
        </ul>
        {users.hasNextPage && (
          <button type="button" class="button-secondary" onClick={() => users.fetchNextPage()} disabled={users.isFetchingNextPage}>
            {t('admin.more')}
          </button>
        )}
      </section>
    </Layout>
  )
}

function UserRow({ u, self, day, onDisable, onReset }: { u: User; self: boolean; day: (i: string) => string; onDisable: () => void; onReset: () => void }) {
  const { t } = useI18n()
  return (
    <li class="user-row" data-username={u.username}>
      <div>
        <strong>{u.displayName}</strong> <span class="mono">{u.username}</span>
        <br />
        {t(`role.${u.role}`)}
        {u.branchCodes.length > 0 && <> · {u.branchCodes.join(', ')}</>}
        {u.disabledAt && <> · <span class="badge badge-lapsed">{t('admin.disabledOn', { date: day(u.disabledAt) })}</span></>}
      </div>
      {!self && !u.disabledAt && (
        <div class="row-actions">
          <button type="button" class="button-small button-secondary" onClick={onReset} aria-label={t('admin.resetFor', { username: u.username })}>
            {t('admin.reset')}
          </button>
          <button type="button" class="button-small button-secondary" onClick={onDisable} aria-label={t('admin.disableFor', { username: u.username })}>
            {t('admin.disable')}
          </button>
        </div>
      )}
    </li>
  )
}

function CreateUser({ onCreated }: { onCreated: (username: string, password: string | undefined) => void }) {
  const { t, errorText } = useI18n()
  const [username, setUsername] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [role, setRole] = useState<Role>('branch_officer')
  const [branches, setBranches] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: Event) {
    e.preventDefault()
    setError(null)
    const branchCodes = branches.split(/[\s,]+/).map((b) => b.trim().toUpperCase()).filter(Boolean)
    if (!username.trim() || !displayName.trim() || (role === 'branch_officer' && !branchCodes.length)) {
      setError(t('admin.createMissing'))
      return
    }
    setBusy(true)
    try {
      const r = await createUser({ username: username.trim().toLowerCase(), displayName: displayName.trim(), role, ...(role === 'branch_officer' ? { branchCodes } : {}) })
      onCreated(r.user.username, r.generatedPassword)
      setUsername('')
      setDisplayName('')
      setBranches('')
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err.code, err.apiMessage) : errorText('NETWORK'))
    }
    setBusy(false)
  }

  return (
    <section aria-labelledby="create-title" class="panel">
      <h2 id="create-title">{t('admin.create')}</h2>
      {error && <Alert>{error}</Alert>}
      <form class="stack" onSubmit={submit} noValidate>
        <div class="field">
          <label for="new-username">{t('admin.username')}</label>
          <p class="hint" id="new-username-hint">{t('admin.usernameHint')}</p>
          <input id="new-username" autocapitalize="none" spellcheck={false} maxLength={64} value={username} aria-describedby="new-username-hint" onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="new-name">{t('admin.displayName')}</label>
          <input id="new-name" maxLength={150} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="new-role">{t('admin.role')}</label>
          <select id="new-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        {role === 'branch_officer' && (
          <div class="field">
            <label for="new-branches">{t('admin.branches')}</label>
            <p class="hint" id="new-branches-hint">{t('admin.branchesHint')}</p>
            <input id="new-branches" autocapitalize="characters" value={branches} aria-describedby="new-branches-hint" onInput={(e) => setBranches(e.currentTarget.value)} />
          </div>
        )}
        <button type="submit" disabled={busy}>
          {t('admin.createSubmit')}
        </button>
      </form>
    </section>
  )
}
