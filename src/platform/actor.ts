// Who is asking. Every request resolves to an Actor, and every query a request makes runs inside
// withActor(), which opens a transaction and hands the actor's role and scope to PostgreSQL as
// transaction-local settings (jamsos.*). Row-level security policies read those settings, so a
// scoped caller cannot see or touch a row outside its scope whatever the URL or filter: the rule
// lives in the queries' own execution, not only at the routes.
import type { Db, Tx } from './db.ts'
import { inTransaction } from './db.ts'

export type Role = 'admin' | 'management' | 'branch_officer' | 'agent' | 'partner' | 'sponsor' | 'participant'

export const ROLES: readonly Role[] = ['admin', 'management', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant']

/** Fine-grained rights beyond a role's reach (e.g. seeing a NIK in clear). */
export type Permission = 'nik:reveal'

/** What bounds an actor's reach: its branches, its agent/partner/sponsor/participant links, its rights. */
export interface ActorScope {
  /** Branch codes a branch officer works in. */
  branchCodes: string[]
  agentId: number | null
  partnerId: number | null
  sponsorId: number | null
  participantId: number | null
  permissions: Permission[]
}

export interface Actor extends ActorScope {
  /** 'system' is Jamsos itself (start-up, seeding, jobs); 'anonymous' has no credentials. */
  kind: 'user' | 'partner_key' | 'system' | 'anonymous'
  userId: number | null
  /** Display name for logs and the audit trail. */
  name: string
  role: Role | null
  /** Caller address, for the audit trail. */
  ip: string | null
}

export const SYSTEM_ACTOR: Actor = Object.freeze({
  kind: 'system',
  userId: null,
  name: 'system',
  role: null,
  branchCodes: [],
  agentId: null,
  partnerId: null,
  sponsorId: null,
  participantId: null,
  permissions: ['nik:reveal'],
  ip: null,
}) as Actor

export const ANONYMOUS_ACTOR: Actor = Object.freeze({ ...SYSTEM_ACTOR, kind: 'anonymous', name: 'anonymous', permissions: [] }) as Actor

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || actor.role === 'admin' || actor.permissions.includes(permission)
}

/**
 * Runs fn in a transaction whose jamsos.* settings describe the actor. Row-level security policies
 * (see the identity migration) decide from them which rows the statements may read and write.
 */
export async function withActor<T>(db: Db, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db, async (tx) => {
    await tx`
      SELECT set_config('jamsos.actor_kind', ${actor.kind}, true),
             set_config('jamsos.role', ${actor.role ?? ''}, true),
             set_config('jamsos.user_id', ${actor.userId === null ? '' : String(actor.userId)}, true),
             set_config('jamsos.branches', ${actor.branchCodes.join(',')}, true),
             set_config('jamsos.agent_id', ${actor.agentId === null ? '' : String(actor.agentId)}, true),
             set_config('jamsos.partner_id', ${actor.partnerId === null ? '' : String(actor.partnerId)}, true),
             set_config('jamsos.sponsor_id', ${actor.sponsorId === null ? '' : String(actor.sponsorId)}, true),
             set_config('jamsos.participant_id', ${actor.participantId === null ? '' : String(actor.participantId)}, true)`
    return fn(tx)
  })
}
