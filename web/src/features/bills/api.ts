// Bills and payments of a member, through the typed client.
import { useQuery } from '@tanstack/preact-query'
import { api, unwrap, type paths } from '../../api/client.ts'

export { amountsPerMonth } from './amounts.ts'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
export type Bill = Json<paths['/api/v1/participants/{kpj}/bills']['get']['responses']['200']>[number]
export type Payment = Json<paths['/api/v1/participants/{kpj}/payments']['get']['responses']['200']>[number]

export function useBills(kpj: string) {
  return useQuery({ queryKey: ['bills', kpj], queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}/bills', { params: { path: { kpj } } })) })
}

export function usePayments(kpj: string) {
  return useQuery({ queryKey: ['payments', kpj], queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}/payments', { params: { path: { kpj } } })) })
}

/** The payment channels with their names (reference data: fetched once per session). */
export function usePaymentChannels() {
  return useQuery({
    queryKey: ['payment-channels'],
    queryFn: () => unwrap(api.GET('/api/v1/payment-channels')),
    staleTime: Infinity,
  })
}

/** Bills the next `months` months (the API picks the first: arrears first while in grace). */
export function createBill(kpj: string, months: number) {
  return unwrap(api.POST('/api/v1/participants/{kpj}/bills', { params: { path: { kpj } }, body: { months } }))
}

/** Roles the API lets create a bill (POST …/bills). */
export const BILL_ROLES = ['admin', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant']
