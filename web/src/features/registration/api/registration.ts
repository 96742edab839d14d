// What the registration screen reads and sends, through the typed client.
import { useInfiniteQuery, useQuery } from '@tanstack/preact-query'
import { api, unwrap, type paths } from '../../../api/client.ts'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
export type NewParticipant = NonNullable<paths['/api/v1/participants']['post']['requestBody']>['content']['application/json']
export type Registered = Json<paths['/api/v1/participants']['post']['responses']['201']>
export type RegistrationCodes = Json<paths['/api/v1/registration-codes']['get']['responses']['200']>
export type RegionHit = Json<paths['/api/v1/regions/search']['get']['responses']['200']>['items'][number]

const REFERENCE = 3_600_000 // reference data: an hour

export function useRegistrationCodes() {
  return useQuery({ queryKey: ['registration-codes'], queryFn: () => unwrap(api.GET('/api/v1/registration-codes')), staleTime: REFERENCE })
}

export function useProvinces() {
  return useQuery({ queryKey: ['provinces'], queryFn: () => unwrap(api.GET('/api/v1/regions/provinces')), staleTime: REFERENCE })
}

/** The BPU rate rows in force on the first day of `month`: the rows that govern its contributions (docs/rates.md). */
export function useBpuRates(month: string) {
  return useQuery({
    queryKey: ['rates', 'BPU', month],
    queryFn: () => unwrap(api.GET('/api/v1/rates', { params: { query: { date: `${month}-01`, segment: 'BPU' } } })),
    staleTime: REFERENCE,
  })
}

/** Villages whose name matches, optionally within a province, a page at a time (the API's cursor). */
export const VILLAGES_PER_PAGE = 10

export function useVillageSearch(q: string, province: string) {
  return useInfiniteQuery({
    queryKey: ['villages', q, province],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/regions/search', {
          params: { query: { q, level: 'village', limit: VILLAGES_PER_PAGE, ...(province ? { parent: province } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: q.trim().length >= 2,
    staleTime: REFERENCE,
  })
}

export function registerParticipant(body: NewParticipant): Promise<Registered> {
  return unwrap(api.POST('/api/v1/participants', { body }))
}
