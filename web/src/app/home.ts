// Where each role lands after signing in (and on `/` when signed in). Pure, tested in home.test.ts.
export type Role = 'admin' | 'management' | 'branch_officer' | 'agent' | 'partner' | 'sponsor' | 'participant'

/**
 * Staff land on the member search, the work they come for (administration has no screen yet, so
 * an administrator lands there too); a member lands on their own page.
 */
export function homeFor(role: Role): string {
  return role === 'participant' ? '/me' : '/members'
}

/**
 * Where to go after signing in: the page the visitor was sent away from, if it is one of ours
 * (a path on this site, never another origin or the API), else the role's home.
 */
export function afterSignIn(role: Role, next: string | undefined): string {
  if (next && /^\/(?!\/)/.test(next) && !/^\/(api|verify)(\/|$)/.test(next) && !next.startsWith('/login')) return next
  return homeFor(role)
}
