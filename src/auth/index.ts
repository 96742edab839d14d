// The identity module's public surface: route access declarations, the security plugin, routes,
// first-start, CLI commands, and what other modules need about scopes.
import type { Db } from '../platform/db.ts'
import * as q from './queries.ts'

export type { RouteAccess, AccessDecision } from './access.ts'
export { securityPlugin, declaredRoutes, type DeclaredRoute, SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER, KEY_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER } from './plugin.ts'
export { authRoutes } from './routes.ts'
export { ensureAdmin } from './first-start.ts'
export { userCommands } from './commands.ts'
export { signRequest } from './signature.ts'
export { createUser, issueSession, actorFromUser, type NewUser, type UserView, type AuthContext } from './accounts.ts'
export { createPartnerKey, type KeyContext } from './partner-keys.ts'
export { loadAuthSettings, type AuthSettings, type AuthServices } from './settings.ts'
export { ensureAuthKey } from './secrets.ts'

/** Sets the villages a Perisai agent covers (its participants: those it registered plus these). */
export async function setAgentTerritory(db: Db, agentId: number, villageCodes: string[]): Promise<void> {
  await q.replaceAgentTerritory(db, agentId, [...new Set(villageCodes)])
}
