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

/**
 * The name of the caller's kind of scope ('admin', 'branch_officer', …, 'system', 'anonymous'), for
 * a statement whose best plan depends on it. The policies read the scope from settings, not
 * parameters, and a pooled connection keeps the plan of a statement built for whoever ran it first;
 * naming the scope in the statement's text gives each kind of caller plans of its own (issue 12 §4).
 */
export function planScope(actor: Actor): string {
  return actor.kind === 'system' || actor.kind === 'anonymous' ? actor.kind : (actor.role ?? 'anonymous')
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || actor.role === 'admin' || actor.permissions.includes(permission)
}

/**
 * Runs fn in a transaction whose jamsos.* settings describe the actor. Row-level security policies
 * (see the identity migration) decide from them which rows the statements may read and write.
 * Inside a caller's transaction, the settings join it.
 *
 * Round trips (issue 12 §4): the settings are sent without waiting for their answer, in one write
 * with fn's first statement (PostgreSQL runs a connection's statements in the order they were
 * sent), so a one-statement read costs three round trips (BEGIN, its statements, COMMIT) instead
 * of four. postgres.js's sql.begin waits for BEGIN's answer before it runs fn; sending BEGIN
 * unawaited too, on a connection reserved by hand, gained another 10-15 % on a KPJ read, but
 * postgres.js 3.4 cannot give such a connection back once its server process is gone (it is put
 * back as open, and the next write to its closed socket ends the process), so it is not done.
 */
export async function withActor<T>(db: Db, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db, (tx) => asActor(tx, actor, fn))
}

async function asActor<T>(tx: Tx, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // A request's statements run on the plan PostgreSQL keeps for each of them on the connection
  // (force_generic_plan), not a plan made for every execution: with the policies' conditions in
  // every query, planning costs several times the execution (a member's bills: 4.5 ms planned
  // each time against 0.9 ms on the kept plan, and PostgreSQL's own choice, 'auto', kept
  // planning them for ever). The statements are written so that one plan serves every caller:
  // point reads go by primary key, and searches whose best plan depends on the caller's scope
  // name it in their text (planScope), so each kind of caller keeps a plan of its own
  // (src/registry/reads.test.ts checks them). Jamsos's own work (bulk loads, jobs) keeps
  // PostgreSQL's choice: its batches vary in size and it is planned without the policies.
  //
  // Sent now but not awaited (see withActor): fn's statements fail if these did (the transaction
  // is then aborted), and this failure is the one reported.
  const settings = tx`
    SELECT set_config('jamsos.actor_kind', ${actor.kind}, true),
           set_config('jamsos.role', ${actor.role ?? ''}, true),
           set_config('jamsos.user_id', ${actor.userId === null ? '' : String(actor.userId)}, true),
           set_config('jamsos.branches', ${actor.branchCodes.join(',')}, true),
           set_config('jamsos.agent_id', ${actor.agentId === null ? '' : String(actor.agentId)}, true),
           set_config('jamsos.partner_id', ${actor.partnerId === null ? '' : String(actor.partnerId)}, true),
           set_config('jamsos.sponsor_id', ${actor.sponsorId === null ? '' : String(actor.sponsorId)}, true),
           set_config('jamsos.participant_id', ${actor.participantId === null ? '' : String(actor.participantId)}, true),
           set_config('plan_cache_mode', coalesce(${actor.kind === 'system' ? null : 'force_generic_plan'}, current_setting('plan_cache_mode')), true)`.execute()
  settings.catch(() => {})
  let result: T
  try {
    result = await fn(tx)
  } catch (e) {
    throw await settings.then(() => e, (s: unknown) => s)
  }
  await settings
  return result
}
