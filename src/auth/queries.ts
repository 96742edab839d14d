// All SQL of the identity module. Times come from the caller's clock (ctx.now) so that expiry and
// lock-outs follow the same clock the tests control.
import { inTransaction, type Db } from '../platform/db.ts'
import type { Permission, Role } from '../platform/actor.ts'
import type { AppUserRow, AuthSessionRow, PartnerKeyRow } from '../platform/db-types.ts'
import { likeLiteral } from '../platform/sql-text.ts'

/**
 * A stored account, as `SELECT *` reads it (generated from the migrations, src/platform/db-types.ts).
 * `permissions` is text[] in the table; only Permission values are ever written (createUser checks them).
 */
export type UserRow = Omit<AppUserRow, 'permissions'> & { permissions: Permission[] }

/** What creating an account writes: every column but the id and the lock-out state, which start empty. */
export type NewUserRow = Omit<UserRow, 'id' | 'locked_until' | 'disabled_at'>

export const insertUser = async (db: Db, u: NewUserRow): Promise<UserRow> =>
  (await db<UserRow[]>`
    INSERT INTO app_user (username, display_name, role, branch_codes, agent_id, partner_id, sponsor_id, participant_id,
                          permissions, password_hash, password_changed_at, created_at, created_by)
    VALUES (${u.username}, ${u.display_name}, ${u.role}, ${u.branch_codes}::text[], ${u.agent_id}, ${u.partner_id}, ${u.sponsor_id},
            ${u.participant_id}, ${u.permissions}::text[], ${u.password_hash}, ${u.password_changed_at}, ${u.created_at}, ${u.created_by})
    RETURNING *`)[0]!

export const findUserByUsername = async (db: Db, username: string): Promise<UserRow | undefined> =>
  (await db<UserRow[]>`SELECT * FROM app_user WHERE username = ${username}`)[0]

export const findUserById = async (db: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<UserRow | undefined> =>
  opts.forUpdate
    ? (await db<UserRow[]>`SELECT * FROM app_user WHERE id = ${id} FOR UPDATE`)[0]
    : (await db<UserRow[]>`SELECT * FROM app_user WHERE id = ${id}`)[0]

export const countAdmins = async (db: Db): Promise<number> =>
  (await db<{ n: number }[]>`SELECT count(*)::int AS n FROM app_user WHERE role = 'admin' AND disabled_at IS NULL`)[0]!.n

export interface UserFilter {
  role?: Role | undefined
  branchCode?: string | undefined
  q?: string | undefined
  limit: number
  afterId?: number | undefined
}

export const listUsers = (db: Db, f: UserFilter): Promise<UserRow[]> =>
  db<UserRow[]>`
    SELECT * FROM app_user
    WHERE true
      ${f.role ? db`AND role = ${f.role}` : db``}
      ${f.branchCode ? db`AND ${f.branchCode} = ANY (branch_codes)` : db``}
      ${f.q ? db`AND (username LIKE ${likeLiteral(f.q.toLowerCase()) + '%'} OR jamsos_fold(display_name) LIKE '%' || jamsos_fold(${likeLiteral(f.q)}) || '%')` : db``}
      ${f.afterId ? db`AND id > ${f.afterId}` : db``}
    ORDER BY id
    LIMIT ${f.limit}`

/**
 * Shows the end of the latest (account, address) lock on the account (information for
 * administrators: the lock itself holds only for that address, in auth_failure).
 */
export const noteAccountLock = (db: Db, id: number, until: Date) =>
  db`UPDATE app_user SET locked_until = greatest(locked_until, ${until}) WHERE id = ${id}`

export const setPasswordHash = (db: Db, id: number, hash: string, at: Date) =>
  db`UPDATE app_user SET password_hash = ${hash}, password_changed_at = ${at}, locked_until = NULL WHERE id = ${id}`

export const rehashPassword = (db: Db, id: number, hash: string) => db`UPDATE app_user SET password_hash = ${hash} WHERE id = ${id}`

export const disableUser = async (db: Db, id: number, at: Date): Promise<UserRow | undefined> =>
  (await db<UserRow[]>`UPDATE app_user SET disabled_at = coalesce(disabled_at, ${at}) WHERE id = ${id} RETURNING *`)[0]

// Sessions and bearer tokens ---------------------------------------------------------------------

/** A session as read back: every column but the token's hash and the address. */
export type SessionRow = Omit<AuthSessionRow, 'token_hash' | 'ip'>

export const insertSession = async (
  db: Db,
  s: { tokenHash: Buffer; kind: 'cookie' | 'bearer'; userId: number; csrfHash: Buffer | null; createdAt: Date; expiresAt: Date; ip: string | null },
): Promise<SessionRow> =>
  (await db<SessionRow[]>`
    INSERT INTO auth_session (token_hash, kind, user_id, csrf_hash, created_at, expires_at, ip)
    VALUES (${s.tokenHash}, ${s.kind}, ${s.userId}, ${s.csrfHash}, ${s.createdAt}, ${s.expiresAt}, ${s.ip})
    RETURNING id, kind, user_id, csrf_hash, created_at, expires_at, revoked_at`)[0]!

export type SessionWithUser = SessionRow & { user: UserRow }

export async function findSession(db: Db, tokenHash: Buffer, kind: 'cookie' | 'bearer'): Promise<SessionWithUser | undefined> {
  const [row] = await db<(UserRow & { s_id: number; s_csrf_hash: Buffer | null; s_created_at: Date; s_expires_at: Date; s_revoked_at: Date | null })[]>`
    SELECT u.*, s.id AS s_id, s.csrf_hash AS s_csrf_hash, s.created_at AS s_created_at, s.expires_at AS s_expires_at, s.revoked_at AS s_revoked_at
    FROM auth_session s JOIN app_user u ON u.id = s.user_id
    WHERE s.token_hash = ${tokenHash} AND s.kind = ${kind}`
  if (!row) return undefined
  const { s_id, s_csrf_hash, s_created_at, s_expires_at, s_revoked_at, ...user } = row
  return { id: s_id, kind, user_id: user.id, csrf_hash: s_csrf_hash, created_at: s_created_at, expires_at: s_expires_at, revoked_at: s_revoked_at, user }
}

export const revokeSession = (db: Db, id: number, at: Date) =>
  db`UPDATE auth_session SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`

export const revokeUserSessions = (db: Db, userId: number, at: Date, exceptId?: number) =>
  db`UPDATE auth_session SET revoked_at = ${at}
     WHERE user_id = ${userId} AND revoked_at IS NULL ${exceptId ? db`AND id <> ${exceptId}` : db``}`

/** Sessions long expired are of no use to anyone; a day's grace keeps "expired" distinct from "unknown". */
export const deleteExpiredSessions = (db: Db, before: Date) => db`DELETE FROM auth_session WHERE expires_at < ${before}`

// Login throttles: failures per address, per (account, address) and per account ---------------

/** A login attempt, counted as a failure before its password is checked. `ip` holds the client's network (clientNet). */
export const insertAuthFailure = async (db: Db, net: string, username: string | null, at: Date): Promise<number> =>
  (await db<{ id: number }[]>`INSERT INTO auth_failure (ip, username, at) VALUES (${net}, ${username}, ${at}) RETURNING id`)[0]!.id

/**
 * The right password withdraws its own count and the failures from its address before it (the
 * count is of failures in a row); an attempt counted after it, a parallel guess, keeps its count.
 */
export const withdrawAuthFailures = (db: Db, net: string, username: string, id: number) =>
  db`DELETE FROM auth_failure WHERE ip = ${net} AND username = ${username} AND id <= ${id}`

/** A password reset lifts every lock on the account. */
export const deleteAccountFailures = (db: Db, username: string) => db`DELETE FROM auth_failure WHERE username = ${username}`

/** Advisory-lock classes of the throttles (two-key form: apart from the one-key locks). */
const ADDRESS_LOCK_CLASS = 7204
const ACCOUNT_LOCK_CLASS = 7205

/**
 * Serializes the throttles' check-and-count for one address and one username until the
 * transaction ends. Always address first, then username, so two attempts never wait on each other
 * in opposite orders.
 */
export async function lockAttempt(tx: Db, net: string, username: string): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${ADDRESS_LOCK_CLASS}::int, hashtext(${net})), pg_advisory_xact_lock(${ACCOUNT_LOCK_CLASS}::int, hashtext(${username}))`
}

export interface RecentFailures {
  /** The address's failures in its window, any username, oldest first. */
  address: Date[]
  /** This (username, address)'s failures in the lock window, oldest first. */
  pair: Date[]
  /** The username's failures in the account window, counted per address. */
  perAddress: number[]
  latest: Date | null
  /** The account signed in from this address within the known-address window. */
  known: boolean
}

/** What the three throttles need, in one round trip. */
export async function recentFailures(
  db: Db,
  k: { net: string; username: string; addressSince: Date; pairSince: Date; accountSince: Date; knownSince: Date },
): Promise<RecentFailures> {
  const [row] = await db<{ address: Date[] | null; pair: Date[] | null; per_address: number[] | null; latest: Date | null; known: boolean }[]>`
    SELECT
      (SELECT array_agg(at ORDER BY at) FROM auth_failure WHERE ip = ${k.net} AND at > ${k.addressSince}) AS address,
      (SELECT array_agg(at ORDER BY at) FROM auth_failure WHERE ip = ${k.net} AND username = ${k.username} AND at > ${k.pairSince}) AS pair,
      (SELECT array_agg(n) FROM (SELECT count(*)::int AS n FROM auth_failure WHERE username = ${k.username} AND at > ${k.accountSince} GROUP BY ip) g) AS per_address,
      (SELECT max(at) FROM auth_failure WHERE username = ${k.username} AND at > ${k.accountSince}) AS latest,
      EXISTS (SELECT 1 FROM auth_known_address WHERE username = ${k.username} AND net = ${k.net} AND last_success_at > ${k.knownSince}) AS known`
  return { address: row!.address ?? [], pair: row!.pair ?? [], perAddress: row!.per_address ?? [], latest: row!.latest, known: row!.known }
}

/** The account signed in from this network: it is exempt from the account-wide delay for a while. */
export const rememberAddress = (db: Db, username: string, net: string, at: Date) =>
  db`INSERT INTO auth_known_address (username, net, last_success_at) VALUES (${username}, ${net}, ${at})
     ON CONFLICT (username, net) DO UPDATE SET last_success_at = greatest(auth_known_address.last_success_at, excluded.last_success_at)`

/** After a password change or reset, only the address it was made from (if any) stays known. */
export const forgetAddresses = (db: Db, username: string, exceptNet?: string) =>
  db`DELETE FROM auth_known_address WHERE username = ${username} ${exceptNet ? db`AND net <> ${exceptNet}` : db``}`

export const deleteOldFailures = (db: Db, before: Date) => db`DELETE FROM auth_failure WHERE at <= ${before}`

export const deleteStaleAddresses = (db: Db, before: Date) => db`DELETE FROM auth_known_address WHERE last_success_at <= ${before}`

// Partner keys -----------------------------------------------------------------------------------

export type { PartnerKeyRow }

export const insertPartnerKey = async (
  db: Db,
  k: { keyId: string; partnerId: number; secretCipher: Buffer; createdAt: Date; createdBy: number | null },
): Promise<PartnerKeyRow> =>
  (await db<PartnerKeyRow[]>`
    INSERT INTO partner_key (key_id, partner_id, secret_cipher, created_at, created_by)
    VALUES (${k.keyId}, ${k.partnerId}, ${k.secretCipher}, ${k.createdAt}, ${k.createdBy})
    RETURNING *`)[0]!

export const findPartnerKey = async (db: Db, keyId: string, opts: { forUpdate?: boolean } = {}): Promise<PartnerKeyRow | undefined> =>
  opts.forUpdate
    ? (await db<PartnerKeyRow[]>`SELECT * FROM partner_key WHERE key_id = ${keyId} FOR UPDATE`)[0]
    : (await db<PartnerKeyRow[]>`SELECT * FROM partner_key WHERE key_id = ${keyId}`)[0]

export const listPartnerKeys = (db: Db, partnerId: number): Promise<PartnerKeyRow[]> =>
  db<PartnerKeyRow[]>`SELECT * FROM partner_key WHERE partner_id = ${partnerId} ORDER BY created_at, key_id`

export const expirePartnerKey = async (db: Db, keyId: string, expiresAt: Date, replacedBy: string): Promise<PartnerKeyRow> =>
  (await db<PartnerKeyRow[]>`
    UPDATE partner_key SET expires_at = least(coalesce(expires_at, ${expiresAt}), ${expiresAt}), replaced_by = ${replacedBy}
    WHERE key_id = ${keyId} RETURNING *`)[0]!

export const revokePartnerKey = async (db: Db, keyId: string, at: Date): Promise<PartnerKeyRow> =>
  (await db<PartnerKeyRow[]>`UPDATE partner_key SET revoked_at = coalesce(revoked_at, ${at}) WHERE key_id = ${keyId} RETURNING *`)[0]!

/** Remembers a signature; false when it was already seen (a replay). */
export const claimSignature = async (db: Db, signature: string, expiresAt: Date): Promise<boolean> =>
  (await db`INSERT INTO signature_replay (signature, expires_at) VALUES (${signature}, ${expiresAt}) ON CONFLICT DO NOTHING RETURNING 1`)
    .length === 1

export const deleteExpiredSignatures = (db: Db, before: Date) => db`DELETE FROM signature_replay WHERE expires_at < ${before}`

// Agent territory --------------------------------------------------------------------------------

/** One transaction: a reader never sees the agent with no territory between the two statements. */
export async function replaceAgentTerritory(db: Db, agentId: number, villageCodes: string[]): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx`DELETE FROM agent_territory WHERE agent_id = ${agentId}`
    if (villageCodes.length)
      await tx`INSERT INTO agent_territory (agent_id, village_code) SELECT ${agentId}, v FROM unnest(${villageCodes}::text[]) AS v ON CONFLICT DO NOTHING`
  })
}

/** The accounts linked to a participant (member self-service: is one already active?). */
export const findUsersOfParticipant = (db: Db, participantId: number): Promise<UserRow[]> =>
  db<UserRow[]>`SELECT * FROM app_user WHERE participant_id = ${participantId} ORDER BY id`
