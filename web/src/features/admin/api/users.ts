// Accounts, for administrators: list (cursor pages), create, disable, reset a password.
import { useInfiniteQuery } from '@tanstack/preact-query'
import { api, unwrap, type paths } from '../../../api/client.ts'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
export type UserPage = Json<paths['/api/v1/users']['get']['responses']['200']>
export type User = UserPage['items'][number]
export type NewUser = paths['/api/v1/users']['post']['requestBody']['content']['application/json']
export type Role = User['role']

export const USERS_PAGE = 25

export function useUsers(q: string) {
  return useInfiniteQuery({
    queryKey: ['users', q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/users', { params: { query: { limit: USERS_PAGE, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export const createUser = (body: NewUser) => unwrap(api.POST('/api/v1/users', { body }))
export const disableUser = (id: number) => unwrap(api.POST('/api/v1/users/{id}/disable', { params: { path: { id } } }))
export const resetPassword = (id: number) => unwrap(api.POST('/api/v1/users/{id}/reset-password', { params: { path: { id } }, body: {} }))
