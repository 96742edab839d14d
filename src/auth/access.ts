// Who may call a route. Every route under /api/v1 declares `config: { access }`; a route without
// one stops the server at start-up, so a new route cannot forget. The declaration is also what the
// authorization matrix test reads to know which role must get in and which must be refused.
// Pure rules: no I/O.
import { can, ROLES, type Actor, type Permission, type Role } from '../platform/actor.ts'

/**
 * A route's access declaration (`config: { access: RouteAccess }`).
 *
 * - `{ public: true }`: anyone, signed in or not (login, health of the API).
 * - `{ roles: 'any-authenticated' }`: any signed-in user or partner key. On a write, the read-only
 *   role (management) is left out.
 * - `{ roles: ['admin', 'branch_officer'] }`: exactly these roles. Admin is not implied: list it.
 * - `write`: whether the route changes data; defaults to true for POST/PUT/PATCH/DELETE. A write
 *   may not list management (it reads everything and changes nothing).
 * - `permission`: a right beyond the role, e.g. 'nik:reveal' (admins hold every permission). The
 *   route itself records the audit event of what the right let it do, in its own transaction.
 */
export interface RouteAccess {
  public?: boolean
  roles?: 'any-authenticated' | readonly Role[]
  write?: boolean
  permission?: Permission
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
}

/** Methods that may change state: writes by default, CSRF-checked, and Idempotency-Key aware. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const PERMISSIONS: readonly Permission[] = ['nik:reveal']
/** Roles that read but never change. */
export const READ_ONLY_ROLES: readonly Role[] = ['management']

export function isWrite(access: RouteAccess, method: string): boolean {
  return access.write ?? UNSAFE_METHODS.has(method.toUpperCase())
}

/** Why a declaration is unusable, or undefined when it is sound. Thrown at start-up. */
export function accessProblem(access: unknown, method: string): string | undefined {
  if (!access || typeof access !== 'object') return 'config.access is missing'
  const a = access as RouteAccess
  const known = new Set(['public', 'roles', 'write', 'permission'])
  const unknown = Object.keys(a).filter((k) => !known.has(k))
  if (unknown.length) return `config.access has unknown keys: ${unknown.join(', ')}`
  if (a.public !== undefined && typeof a.public !== 'boolean') return 'config.access.public must be a boolean'
  if (a.write !== undefined && typeof a.write !== 'boolean') return 'config.access.write must be a boolean'
  if (a.permission !== undefined && !PERMISSIONS.includes(a.permission)) return `config.access.permission "${String(a.permission)}" is not a known permission`
  if (a.public) {
    if (a.roles !== undefined || a.permission !== undefined) return 'a public route declares no roles or permission'
    return undefined
  }
  if (a.roles === undefined) return 'config.access needs public: true or roles'
  if (a.roles !== 'any-authenticated') {
    if (!Array.isArray(a.roles) || a.roles.length === 0) return "config.access.roles must be 'any-authenticated' or a non-empty list of roles"
    const bad = a.roles.filter((r) => !ROLES.includes(r))
    if (bad.length) return `config.access.roles has unknown roles: ${bad.join(', ')}`
    if (isWrite(a, method)) {
      const ro = a.roles.filter((r) => READ_ONLY_ROLES.includes(r))
      if (ro.length) return `a write route cannot admit the read-only role ${ro.join(', ')} (declare write: false if it changes nothing)`
    }
  }
  return undefined
}

export type AccessDecision = 'allow' | 'unauthenticated' | 'forbidden'

/** Whether this actor may call a route with this declaration and method. */
export function decideAccess(access: RouteAccess, actor: Actor, method: string): AccessDecision {
  if (access.public) return 'allow'
  if (actor.kind === 'system') return 'allow'
  if (actor.kind === 'anonymous' || actor.role === null) return 'unauthenticated'
  if (!roleAllowed(access, actor.role, method)) return 'forbidden'
  if (access.permission && !can(actor, access.permission)) return 'forbidden'
  return 'allow'
}

/** Whether a role (permissions aside) passes a declaration. */
export function roleAllowed(access: RouteAccess, role: Role, method: string): boolean {
  if (access.public) return true
  if (access.roles === 'any-authenticated') return !(isWrite(access, method) && READ_ONLY_ROLES.includes(role))
  return (access.roles ?? []).includes(role)
}
