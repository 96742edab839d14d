// The member's change request (PATCH /participants/{kpj}) through the typed client, which adds the
// session's CSRF token; the API checks it exactly as it checks a registration.
import { api, unwrap, type paths } from '../../../api/client.ts'
import type { Participant } from '../api/participants.ts'

export type ParticipantChange = NonNullable<paths['/api/v1/participants/{kpj}']['patch']['requestBody']>['content']['application/json']

export function updateParticipant(kpj: string, body: ParticipantChange): Promise<Participant> {
  return unwrap(api.PATCH('/api/v1/participants/{kpj}', { params: { path: { kpj } }, body }))
}
