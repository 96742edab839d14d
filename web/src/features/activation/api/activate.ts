// Member self-service activation (POST /auth/activate): the API creates the member's account and
// sets the same session and CSRF cookies as a sign-in.
import { api, unwrap, type paths } from '../../../api/client.ts'

export type ActivationBody = paths['/api/v1/auth/activate']['post']['requestBody']['content']['application/json']

export function activate(body: ActivationBody) {
  return unwrap(api.POST('/api/v1/auth/activate', { body }))
}
