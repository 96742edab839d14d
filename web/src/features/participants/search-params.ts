// The member search lives in the URL (a deep link, a reload, the back button all give the same
// page): ?q=…&village=…&branch=…&after=c1,c2 where `after` is the trail of cursors the API gave
// for the pages before this one (its last entry is this page's cursor). Pure, tested.

export interface SearchState {
  /** KPJ (11 digits), NIK (16 digits) or a name prefix: the API tells them apart. */
  q: string
  village: string
  branch: string
  /** Cursors of the pages walked through; empty on the first page. */
  trail: string[]
}

export const EMPTY_SEARCH: SearchState = { q: '', village: '', branch: '', trail: [] }

const CURSOR = /^[A-Za-z0-9_-]{1,64}$/

export function parseSearch(query: Record<string, string | undefined>): SearchState {
  return {
    q: (query.q ?? '').trim(),
    village: (query.village ?? '').trim(),
    branch: (query.branch ?? '').trim(),
    trail: (query.after ?? '').split(',').filter((c) => CURSOR.test(c)),
  }
}

export function searchUrl(s: SearchState): string {
  const p = new URLSearchParams()
  if (s.q) p.set('q', s.q)
  if (s.village) p.set('village', s.village)
  if (s.branch) p.set('branch', s.branch)
  if (s.trail.length) p.set('after', s.trail.join(','))
  const qs = p.toString()
  return qs ? `/members?${qs}` : '/members'
}

export function hasCriteria(s: SearchState): boolean {
  return Boolean(s.q || s.village || s.branch)
}

/** The API's query for this page. */
export function apiQuery(s: SearchState): { query?: string; village?: string; branch?: string; cursor?: string } {
  const cursor = s.trail[s.trail.length - 1]
  return {
    ...(s.q ? { query: s.q } : {}),
    ...(s.village ? { village: s.village } : {}),
    ...(s.branch ? { branch: s.branch } : {}),
    ...(cursor ? { cursor } : {}),
  }
}

export const nextPage = (s: SearchState, cursor: string): SearchState => ({ ...s, trail: [...s.trail, cursor] })
export const previousPage = (s: SearchState): SearchState => ({ ...s, trail: s.trail.slice(0, -1) })
