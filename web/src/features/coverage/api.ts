// The coverage answer with its explanation (GET …/coverage?explain=true), through the typed client.
import { useQuery } from '@tanstack/preact-query'
import { api, unwrap, type paths } from '../../api/client.ts'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
export type ExplainedCoverage = Json<paths['/api/v1/participants/{kpj}/coverage']['get']['responses']['200']>
export type Explanation = NonNullable<ExplainedCoverage['explanation']>
export type MonthExplanation = Explanation['months'][number]

export function useExplainedCoverage(kpj: string) {
  return useQuery({
    queryKey: ['coverage', kpj, 'explain'],
    queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}/coverage', { params: { path: { kpj }, query: { explain: true } } })),
  })
}
