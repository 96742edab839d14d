// Search results: a table on wide screens; on a phone each row stacks into a card, every value
// with its column's name (data-label), so nothing scrolls sideways at 360 px.
import { useI18n } from '../../../app/i18n.tsx'
import type { SearchItem } from '../api/participants.ts'

export function ResultsTable({ items }: { items: SearchItem[] }) {
  const { t, date, day } = useI18n()
  const cols = {
    name: t('participant.name'),
    kpj: t('participant.kpj'),
    nik: t('participant.nik'),
    birth: t('participant.birthDate'),
    village: t('participant.village'),
    branch: t('participant.branch'),
    registered: t('participant.registeredAt'),
  }
  return (
    <table class="results">
      <thead>
        <tr>
          {Object.values(cols).map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((p) => (
          <tr key={p.kpj}>
            <td data-label={cols.name}>
              <a href={`/members/${p.kpj}`}>{p.fullName}</a>
            </td>
            <td data-label={cols.kpj} class="mono">
              {p.kpj}
            </td>
            <td data-label={cols.nik} class="mono">
              {p.nik}
            </td>
            <td data-label={cols.birth}>{date(p.birthDate)}</td>
            <td data-label={cols.village} class="mono">
              {p.villageCode}
            </td>
            <td data-label={cols.branch}>{p.branchCode}</td>
            <td data-label={cols.registered}>{day(p.registeredAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
