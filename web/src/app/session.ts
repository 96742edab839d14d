// Who is signed in: GET /auth/me through the query cache (a 401 means nobody, not an error).
import { useQuery } from '@tanstack/preact-query'
import { api, ApiError, unwrap } from '../api/client.ts'
import type { paths } from '../api/schema'

export type Me = paths['/api/v1/auth/me']['get']['responses']['200']['content']['application/json']
export const ME_KEY = ['me'] as const

export async function fetchMe(): Promise<Me | null> {
  try {
    return await unwrap(api.GET('/api/v1/auth/me'))
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null
    throw e
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: false })
}
