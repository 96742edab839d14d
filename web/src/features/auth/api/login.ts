// Browser sign-in (POST /auth/login): the API sets the httpOnly session cookie and the readable
// CSRF cookie that api/client.ts echoes on every change.
import { api, unwrap } from '../../../api/client.ts'

export function signIn(username: string, password: string) {
  return unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }))
}
