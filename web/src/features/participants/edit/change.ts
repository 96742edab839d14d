// What the edit form sends: only the fields that differ from the member as read. Pure, so the
// member page can ask EDITING_ROLES without loading the edit screen.
// (Its types are stated here, not taken from the generated client, so that its test typechecks
// with the server's settings; the client's ParticipantChange accepts this shape.)

/** Who may change a member (PATCH /participants/{kpj}, src/registry/routes.ts); the API also checks the member's scope. */
export const EDITING_ROLES = ['admin', 'branch_officer', 'agent', 'partner', 'participant'] as const

/** The member's editable fields as the API answered them (ParticipantView). */
export interface MemberAsRead {
  phone: string
  address: string
  villageCode: string
  occupation: string
  monthlyIncome: number
  programs: string[]
  version: number
}

/** The body of PATCH /participants/{kpj}: only what changes, with the version read. */
export interface MemberChange {
  version?: number
  phone?: string
  address?: string
  villageCode?: string
  occupation?: string
  monthlyIncome?: number
  programs?: string[]
}

/** What the edit form holds: the editable fields as typed (the income, read by parseIncome, apart). */
export interface EditForm {
  phone: string
  address: string
  villageCode: string
  occupation: string
  jht: boolean
}

/**
 * Only what differs from the member as read, with the version read (the API refuses with
 * VERSION_CONFLICT when someone changed the member since), or null when nothing differs.
 * An income that is not a number is sent as 0, so the API's refusal names the field.
 */
export function changeOf(p: MemberAsRead, f: EditForm, income: number | null): MemberChange | null {
  const c: MemberChange = {}
  if (f.phone !== p.phone) c.phone = f.phone
  if (f.address !== p.address) c.address = f.address
  if (f.villageCode !== p.villageCode) c.villageCode = f.villageCode
  if (f.occupation !== p.occupation) c.occupation = f.occupation
  if (income !== p.monthlyIncome) c.monthlyIncome = income ?? 0
  const programs = f.jht ? ['JKK', 'JKM', 'JHT'] : ['JKK', 'JKM']
  if ([...programs].sort().join() !== [...p.programs].sort().join()) c.programs = programs
  return Object.keys(c).length ? { ...c, version: p.version } : null
}
