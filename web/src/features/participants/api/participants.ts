// The participant reads and actions the screens use, through the typed client.
import { useQuery } from '@tanstack/preact-query'
import { api, unwrap, type paths } from '../../../api/client.ts'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
export type SearchQuery = NonNullable<paths['/api/v1/participants']['get']['parameters']['query']>
export type SearchPage = Json<paths['/api/v1/participants']['get']['responses']['200']>
export type SearchItem = SearchPage['items'][number]
export type Participant = Json<paths['/api/v1/participants/{kpj}']['get']['responses']['200']>
export type Coverage = Json<paths['/api/v1/participants/{kpj}/coverage']['get']['responses']['200']>
export type Branch = Json<paths['/api/v1/branches']['get']['responses']['200']>['items'][number]

/** Members per page of a search. */
export const PAGE_SIZE = 20

export function useParticipantSearch(q: SearchQuery, enabled: boolean) {
  return useQuery({
    queryKey: ['participants', q],
    queryFn: () => unwrap(api.GET('/api/v1/participants', { params: { query: { ...q, limit: PAGE_SIZE } } })),
    enabled,
  })
}

export function useParticipant(kpj: string) {
  return useQuery({
    queryKey: ['participant', kpj],
    queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}', { params: { path: { kpj } } })),
  })
}

export function useCoverage(kpj: string) {
  return useQuery({
    queryKey: ['coverage', kpj],
    queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}/coverage', { params: { path: { kpj } } })),
  })
}

/** The full NIK: a POST (audited, needs nik:reveal), never cached. */
export function revealNik(kpj: string) {
  return unwrap(api.POST('/api/v1/participants/{kpj}/reveal-nik', { params: { path: { kpj } } }))
}

export function useBranches() {
  return useQuery({
    queryKey: ['branches'],
    queryFn: () => unwrap(api.GET('/api/v1/branches')),
    staleTime: 3_600_000, // reference data
  })
}
