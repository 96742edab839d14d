// The heirs (ahli waris) of a member: listed, added and removed through the API (POST/DELETE
// …/heirs, the same checks as the API; a removed heir stays in the change history).
import { useState } from 'preact/hooks'
import { useQueryClient } from '@tanstack/preact-query'
import { api, ApiError, unwrap } from '../../../api/client.ts'
import { useI18n } from '../../../app/i18n.tsx'
import type { Me } from '../../../app/session.ts'
import { Alert } from '../../../components/Alert.tsx'
import type { MessageKey } from '../../../i18n/messages.ts'
import type { Participant } from '../api/participants.ts'

type Relationship = 'spouse' | 'child' | 'parent' | 'sibling' | 'grandchild' | 'other'
const RELATIONSHIP_KEY: Record<Relationship, MessageKey> = {
  spouse: 'participant.relationship.spouse',
  child: 'participant.relationship.child',
  parent: 'participant.relationship.parent',
  sibling: 'participant.relationship.sibling',
  grandchild: 'participant.relationship.grandchild',
  other: 'participant.relationship.other',
}
/** Roles the API lets add and remove heirs. */
const HEIR_ROLES = ['admin', 'branch_officer', 'agent', 'participant']

export function Heirs({ me, p }: { me: Me; p: Participant }) {
  const { t, date, errorText } = useI18n()
  const client = useQueryClient()
  const [name, setName] = useState('')
  const [relationship, setRelationship] = useState<Relationship>('spouse')
  const [birthDate, setBirthDate] = useState('')
  const [phone, setPhone] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const canEdit = HEIR_ROLES.includes(me.role)

  async function run(action: () => Promise<unknown>, doneText: string) {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      await action()
      setDone(doneText)
      await Promise.all([client.invalidateQueries({ queryKey: ['participant', p.kpj] }), client.invalidateQueries({ queryKey: ['history', p.kpj] })])
      return true
    } catch (e) {
      setError(e instanceof ApiError ? errorText(e.code, e.apiMessage) : errorText('NETWORK'))
      return false
    } finally {
      setBusy(false)
    }
  }

  async function add(e: Event) {
    e.preventDefault()
    const body = { fullName: name.trim(), relationship, ...(birthDate ? { birthDate } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) }
    const ok = await run(() => unwrap(api.POST('/api/v1/participants/{kpj}/heirs', { params: { path: { kpj: p.kpj } }, body })), t('participant.heir.added'))
    if (ok) {
      setName('')
      setBirthDate('')
      setPhone('')
    }
  }

  const remove = (heirId: number) =>
    run(() => unwrap(api.DELETE('/api/v1/participants/{kpj}/heirs/{heirId}', { params: { path: { kpj: p.kpj, heirId } } })), t('participant.heir.removed'))

  return (
    <section aria-labelledby="heirs-title" class="panel">
      <h2 id="heirs-title">{t('participant.heirs')}</h2>
      {p.heirs.length === 0 ? (
        <p>{t('participant.noHeirs')}</p>
      ) : (
        <ul class="plain heirs">
          {p.heirs.map((h) => {
            const rel = RELATIONSHIP_KEY[h.relationship as Relationship]
            return (
              <li key={h.id}>
                {h.fullName} ({rel ? t(rel) : h.relationship}){h.birthDate ? `, ${date(h.birthDate)}` : ''}
                {canEdit && (
                  <button type="button" class="button-small button-secondary" disabled={busy} onClick={() => remove(h.id)}>
                    {t('participant.heir.remove', { name: h.fullName })}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {done && <Alert kind="info">{done}</Alert>}
      {error && <Alert>{error}</Alert>}
      {canEdit && (
        <form class="heir-form" onSubmit={add}>
          <h3>{t('participant.heir.add')}</h3>
          <div class="field">
            <label for="heir-name">{t('participant.heir.name')}</label>
            <input id="heir-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="heir-relationship">{t('participant.heir.relationship')}</label>
            <select id="heir-relationship" value={relationship} onChange={(e) => setRelationship((e.target as HTMLSelectElement).value as Relationship)}>
              {(Object.keys(RELATIONSHIP_KEY) as Relationship[]).map((r) => (
                <option key={r} value={r}>
                  {t(RELATIONSHIP_KEY[r])}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="heir-birth">{t('participant.heir.birthDate')}</label>
            <input id="heir-birth" type="date" value={birthDate} onInput={(e) => setBirthDate((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="heir-phone">{t('participant.heir.phone')}</label>
            <input id="heir-phone" type="tel" maxLength={20} value={phone} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit" disabled={busy}>
            {t('participant.heir.add')}
          </button>
        </form>
      )}
    </section>
  )
}
