// Accounts: creating users, logging in (with per-account lock-out and per-address throttling),
// sessions and bearer tokens, password changes, resets and disabling. Every change is audited.
import { ROLES, SYSTEM_ACTOR, type Actor, type Permission, type Role } from '../platform/actor.ts'
import { inTransaction, outsideRequestTransaction, type Db } from '../platform/db.ts'
import { AppError, PlatformErrors, sqlState, type FieldError } from '../platform/errors.ts'
import { recordAudit } from '../audit/index.ts'
import { AuthErrors as E } from './errors.ts'
import { dummyHash, generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.ts'
import { randomToken, sha256 } from './secrets.ts'
import type { AuthSettings } from './settings.ts'
import { accountRetryAt, clientNet, windowRetryAt } from './throttle.ts'
import * as q from './queries.ts'
import type { UserView } from './views.ts'

export interface AuthContext {
  db: Db
  settings: AuthSettings
  now: Date
}

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{2,63}$'

export interface NewUser {
  username: string
  displayName: string
  role: Role
  branchCodes?: string[] | undefined
  agentId?: number | null | undefined
  partnerId?: number | null | undefined
  sponsorId?: number | null | undefined
  participantId?: number | null | undefined
  permissions?: Permission[] | undefined
  /** Generated (and returned once) when omitted. */
  password?: string | undefined
}

/** A user as the API shows it (never the password hash): the User schema of views.ts. */
export type { UserView } from './views.ts'

export function userView(u: q.UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    branchCodes: u.branch_codes,
    agentId: u.agent_id,
    partnerId: u.partner_id,
    sponsorId: u.sponsor_id,
    participantId: u.participant_id,
    permissions: u.permissions,
    disabledAt: u.disabled_at?.toISOString() ?? null,
    lockedUntil: u.locked_until?.toISOString() ?? null,
    createdAt: u.created_at.toISOString(),
    passwordChangedAt: u.password_changed_at.toISOString(),
  }
}

/** What the audit trail keeps of a user (no password hash). */
function auditedUser(u: q.UserRow) {
  const { password_hash: _h, ...rest } = u
  return rest
}

/** The actor a signed-in user acts as. */
export function actorFromUser(u: q.UserRow, ip: string | null): Actor {
  return {
    kind: 'user',
    userId: u.id,
    name: u.username,
    role: u.role,
    branchCodes: u.role === 'branch_officer' ? u.branch_codes : [],
    agentId: u.agent_id,
    partnerId: u.partner_id,
    sponsorId: u.sponsor_id,
    participantId: u.participant_id,
    permissions: u.permissions,
    ip,
  }
}

/** The scope link each role needs, as field errors. Pure. */
export function roleLinkProblems(u: NewUser): FieldError[] {
  const need: Partial<Record<Role, [keyof NewUser, string]>> = {
    agent: ['agentId', 'an agent account needs agentId'],
    partner: ['partnerId', 'a partner account needs partnerId'],
    sponsor: ['sponsorId', 'a sponsor account needs sponsorId'],
    participant: ['participantId', 'a participant account needs participantId'],
  }
  const out: FieldError[] = []
  if (!ROLES.includes(u.role)) out.push({ path: 'role', code: PlatformErrors.INVALID_VALUE, reason: `one of ${ROLES.join(', ')}` })
  if (u.role === 'branch_officer' && !(u.branchCodes ?? []).length)
    out.push({ path: 'branchCodes', code: E.ROLE_LINK_MISSING, reason: 'a branch officer needs at least one branch code' })
  const n = need[u.role]
  if (n && (u[n[0]] === undefined || u[n[0]] === null)) out.push({ path: n[0], code: E.ROLE_LINK_MISSING, reason: n[1] })
  return out
}

export async function createUser(c: AuthContext, actor: Actor, input: NewUser): Promise<{ user: UserView; generatedPassword?: string }> {
  const username = input.username.trim().toLowerCase()
  if (!new RegExp(USERNAME_PATTERN).test(username))
    throw AppError.field(PlatformErrors.INVALID_FORMAT, 'username', '3 to 64 of a-z, 0-9, dot, dash, underscore; starting with a letter or digit')
  const problems = roleLinkProblems(input)
  if (problems.length) throw new AppError(PlatformErrors.VALIDATION_FAILED, { fields: problems })
  const password = input.password ?? generatePassword()
  const weak = passwordProblem(password, username)
  if (weak) throw AppError.field(E.PASSWORD_TOO_WEAK, 'password', weak)
  const hash = await hashPassword(password, c.settings.scryptCost)
  try {
    const row = await inTransaction(c.db, async (tx) => {
      const row = await q.insertUser(tx, {
        username,
        display_name: input.displayName.trim(),
        role: input.role,
        branch_codes: input.role === 'branch_officer' ? [...new Set(input.branchCodes ?? [])] : [],
        agent_id: input.agentId ?? null,
        partner_id: input.partnerId ?? null,
        sponsor_id: input.sponsorId ?? null,
        participant_id: input.participantId ?? null,
        permissions: [...new Set(input.permissions ?? [])],
        password_hash: hash,
        password_changed_at: c.now,
        created_at: c.now,
        created_by: actor.userId,
      })
      await recordAudit(tx, actor, { action: 'user.create', entityType: 'user', entityId: row.id, branchCode: row.branch_codes[0] ?? null, after: auditedUser(row) })
      return row
    })
    return { user: userView(row), ...(input.password === undefined ? { generatedPassword: password } : {}) }
  } catch (e) {
    if (sqlState(e) === '23505') throw AppError.field(E.USERNAME_TAKEN, 'username', `"${username}" exists`)
    throw e
  }
}

let dummy: { cost: number; hash: Promise<string> } | undefined
function dummyFor(cost: number): Promise<string> {
  if (!dummy || dummy.cost !== cost) dummy = { cost, hash: dummyHash(cost) }
  return dummy.hash
}

/**
 * Checks a username and password, throttled per address, per (account, address) and per account
 * (src/auth/throttle.ts; docs/security.md §2).
 *
 * Every attempt is counted before its password is checked, under advisory locks on its address and
 * its username, so parallel guesses cannot all pass a check made before any of them was counted:
 * at most `lockAfterFailures` passwords in a row are tested per (account, address) and
 * `ipMaxFailures` per address in the window. The right password withdraws the count.
 *
 * An unknown username goes through exactly the same counts and answers (they are keyed by the
 * name, not the account) and a dummy scrypt check, so no answer tells whether an account exists.
 */
export async function checkCredentials(c: AuthContext, username: string, password: string, ip: string): Promise<q.UserRow> {
  const s = c.settings
  const name = username.trim().toLowerCase().slice(0, 100)
  const net = clientNet(ip)
  const attempt = await claimAttempt(c, net, name)
  const user = await q.findUserByUsername(c.db, name)
  if (!user || !(await verifyPassword(password, user.password_hash))) {
    if (!user) await verifyPassword(password, await dummyFor(s.scryptCost))
    throw await attemptFailed(c, attempt, user, ip)
  }
  await q.withdrawAuthFailures(c.db, net, name, attempt.id)
  if (user.disabled_at) throw new AppError(E.ACCOUNT_DISABLED)
  await q.rememberAddress(c.db, name, net, c.now)
  if (needsRehash(user.password_hash, s.scryptCost)) await q.rehashPassword(c.db, user.id, await hashPassword(password, s.scryptCost))
  return user
}

/** A counted attempt: its auth_failure row, and the lock its failure would set on (account, address). */
export interface Attempt {
  id: number
  net: string
  username: string
  lockedUntilIfWrong: Date | undefined
}

const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000)

/**
 * Counts a login attempt as a failure before its password is checked, unless a throttle refuses
 * it: the address (429 AUTH_THROTTLED), the (account, address) lock (423 AUTH_LOCKED), or the
 * account-wide delay for addresses the account has not signed in from (429 AUTH_ACCOUNT_THROTTLED).
 */
export async function claimAttempt(c: AuthContext, net: string, username: string): Promise<Attempt> {
  const s = c.settings
  const now = c.now
  // Counted whatever becomes of the request: a password change sent with an Idempotency-Key runs
  // in the key's transaction (src/platform/idempotency.ts), and a wrong guess must not roll back
  // with it, nor be invisible to withdrawAuthFailures on the pool.
  return outsideRequestTransaction(() => inTransaction(c.db, async (tx) => {
    await q.lockAttempt(tx, net, username)
    const f = await q.recentFailures(tx, {
      net,
      username,
      addressSince: minutesBefore(now, s.ipWindowMinutes),
      pairSince: minutesBefore(now, s.lockMinutes),
      accountSince: minutesBefore(now, s.accountWindowHours * 60),
      knownSince: minutesBefore(now, s.knownAddressDays * 24 * 60),
    })
    const addressAt = windowRetryAt(f.address, now, { max: s.ipMaxFailures, windowMinutes: s.ipWindowMinutes })
    if (addressAt) throw retryError(E.AUTH_THROTTLED, addressAt, now)
    const pair = { max: s.lockAfterFailures, windowMinutes: s.lockMinutes }
    const lockedAt = windowRetryAt(f.pair, now, pair)
    if (lockedAt) throw lockedError(lockedAt, now)
    // An address the account signed in from lately is its owner's, most likely: an attack spread
    // over other addresses does not keep the owner out.
    const accountAt = f.known ? undefined : accountRetryAt(f.perAddress, f.latest, now, s)
    if (accountAt) throw retryError(E.AUTH_ACCOUNT_THROTTLED, accountAt, now)
    const id = await q.insertAuthFailure(tx, net, username, now)
    return { id, net, username, lockedUntilIfWrong: windowRetryAt([...f.pair, now], now, pair) }
  }))
}

/** A counted attempt was wrong: the error to answer, and the lock audited if this attempt set it. */
export async function attemptFailed(c: AuthContext, attempt: Attempt, user: q.UserRow | undefined, ip: string, wrong: AppError = new AppError(E.AUTH_INVALID_CREDENTIALS)): Promise<AppError> {
  const until = attempt.lockedUntilIfWrong
  if (!until) return wrong
  if (user) {
    // Jamsos locks the account for that address, on behalf of nobody; the address is what the
    // trail can say. Unknown usernames are locked alike, with nothing to record.
    // Like the attempt itself, the lock holds whatever becomes of the request (claimAttempt).
    await outsideRequestTransaction(() => inTransaction(c.db, async (tx) => {
      await q.noteAccountLock(tx, user.id, until)
      await recordAudit(tx, { ...SYSTEM_ACTOR, name: 'login throttle', ip }, {
        action: 'user.lock',
        entityType: 'user',
        entityId: user.id,
        branchCode: user.branch_codes[0] ?? null,
        after: { locked_until: until, address: attempt.net },
      })
    }))
  }
  return lockedError(until, c.now)
}

function retryError(code: typeof E.AUTH_THROTTLED | typeof E.AUTH_ACCOUNT_THROTTLED, at: Date, now: Date): AppError {
  return new AppError(code, {
    reason: `try again after ${at.toISOString()}`,
    details: { retryAt: at.toISOString(), retryAfterSeconds: Math.ceil((at.getTime() - now.getTime()) / 1000) },
  })
}

function lockedError(until: Date, now: Date): AppError {
  return new AppError(E.AUTH_LOCKED, {
    reason: `until ${until.toISOString()}`,
    details: { lockedUntil: until.toISOString(), retryAfterSeconds: Math.ceil((until.getTime() - now.getTime()) / 1000) },
  })
}

export interface IssuedSession {
  token: string
  /** Cookie sessions only: the CSRF token the browser echoes in X-CSRF-Token. */
  csrfToken: string | null
  sessionId: number
  expiresAt: Date
}

/** Opens a cookie session or issues a bearer token for a user who just proved who they are. */
export async function issueSession(c: AuthContext, user: { id: number }, kind: 'cookie' | 'bearer', ip: string | null): Promise<IssuedSession> {
  const token = randomToken(kind === 'bearer' ? 'jbt_' : 'jcs_')
  const csrfToken = kind === 'cookie' ? randomToken('', 24) : null
  const ttl = kind === 'bearer' ? c.settings.bearerTtlSeconds : c.settings.sessionTtlSeconds
  const expiresAt = new Date(c.now.getTime() + ttl * 1000)
  const row = await q.insertSession(c.db, {
    tokenHash: sha256(token),
    kind,
    userId: user.id,
    csrfHash: csrfToken ? sha256(csrfToken) : null,
    createdAt: c.now,
    expiresAt,
    ip,
  })
  // Housekeeping rides along now and then instead of needing a job.
  if (row.id % 200 === 0) {
    await q.deleteExpiredSessions(c.db, new Date(c.now.getTime() - 86_400_000))
    const s = c.settings
    await q.deleteOldFailures(c.db, minutesBefore(c.now, Math.max(s.ipWindowMinutes, s.lockMinutes, s.accountWindowHours * 60)))
    await q.deleteStaleAddresses(c.db, minutesBefore(c.now, s.knownAddressDays * 24 * 60))
  }
  return { token, csrfToken, sessionId: row.id, expiresAt }
}

/** Resolves a presented token to its session and user, or says exactly why it is refused. */
export async function resolveSession(c: AuthContext, token: string, kind: 'cookie' | 'bearer'): Promise<q.SessionWithUser> {
  const s = await q.findSession(c.db, sha256(token), kind)
  if (!s) throw new AppError(E.TOKEN_INVALID)
  if (s.revoked_at) throw new AppError(E.TOKEN_REVOKED)
  if (s.expires_at.getTime() <= c.now.getTime()) throw new AppError(E.TOKEN_EXPIRED)
  if (s.user.disabled_at) throw new AppError(E.ACCOUNT_DISABLED)
  return s
}

export async function endSession(c: AuthContext, sessionId: number): Promise<void> {
  // In a transaction, so that a logout sent with an Idempotency-Key commits with its key.
  await inTransaction(c.db, (tx) => q.revokeSession(tx, sessionId, c.now))
}

/** A user changes their own password; their other sessions end. */
export async function changePassword(c: AuthContext, actor: Actor, sessionId: number | null, current: string, next: string): Promise<void> {
  if (actor.kind !== 'user' || actor.userId === null) throw new AppError(E.NOT_A_USER)
  const user = (await q.findUserById(c.db, actor.userId))!
  // A session is no licence to guess the current password: the same counts and locks as a login,
  // from the address the request comes from.
  const net = clientNet(actor.ip ?? 'unknown')
  const attempt = await claimAttempt(c, net, user.username)
  if (!(await verifyPassword(current, user.password_hash))) {
    throw await attemptFailed(c, attempt, user, actor.ip ?? 'unknown', AppError.field(E.PASSWORD_WRONG, 'currentPassword'))
  }
  await q.withdrawAuthFailures(c.db, net, user.username, attempt.id)
  const weak = passwordProblem(next, user.username)
  if (weak) throw AppError.field(E.PASSWORD_TOO_WEAK, 'newPassword', weak)
  if (await verifyPassword(next, user.password_hash)) throw AppError.field(E.PASSWORD_TOO_WEAK, 'newPassword', 'must differ from the current password')
  const hash = await hashPassword(next, c.settings.scryptCost)
  await inTransaction(c.db, async (tx) => {
    await q.setPasswordHash(tx, user.id, hash, c.now)
    await q.revokeUserSessions(tx, user.id, c.now, sessionId ?? undefined)
    // Whoever knew the old password may have signed in from elsewhere: only this address stays known.
    await q.forgetAddresses(tx, user.username, net)
    await recordAudit(tx, actor, { action: 'user.password_change', entityType: 'user', entityId: user.id, branchCode: user.branch_codes[0] ?? null })
  })
}

async function requireUser(db: Db, id: number): Promise<q.UserRow> {
  const u = await q.findUserById(db, id, { forUpdate: true })
  if (!u) throw new AppError(E.USER_NOT_FOUND)
  return u
}

/** An administrator sets a new password (given, or generated and returned once); sessions end. */
export async function resetPassword(c: AuthContext, actor: Actor, userId: number, password?: string): Promise<{ user: UserView; generatedPassword?: string }> {
  // An administrator's own password changes only with the current one (POST /auth/password):
  // otherwise a stolen admin session or token (not the password) could take the account over for
  // good, ending its owner's sessions on the way (issue 12 §7). The console (`jamsos user
  // reset-password`) acts as the system and stays the way back for a forgotten password.
  if (actor.userId !== null && actor.userId === userId) throw new AppError(E.PASSWORD_RESET_SELF, { reason: 'use POST /api/v1/auth/password' })
  const pw = password ?? generatePassword()
  return inTransaction(c.db, async (tx) => {
    const u = await requireUser(tx, userId)
    const weak = passwordProblem(pw, u.username)
    if (weak) throw AppError.field(E.PASSWORD_TOO_WEAK, 'password', weak)
    await q.setPasswordHash(tx, u.id, await hashPassword(pw, c.settings.scryptCost), c.now)
    await q.revokeUserSessions(tx, u.id, c.now)
    // A reset unlocks the account from every address, and no address stays known to it.
    await q.deleteAccountFailures(tx, u.username)
    await q.forgetAddresses(tx, u.username)
    await recordAudit(tx, actor, {
      action: 'user.reset_password',
      entityType: 'user',
      entityId: u.id,
      branchCode: u.branch_codes[0] ?? null,
      before: { locked_until: u.locked_until },
      after: { locked_until: null },
    })
    const after = (await q.findUserById(tx, u.id))!
    return { user: userView(after), ...(password === undefined ? { generatedPassword: pw } : {}) }
  })
}

/** Disables an account for good: it can no longer log in and its sessions end at once. */
export async function disableAccount(c: AuthContext, actor: Actor, userId: number): Promise<UserView> {
  if (actor.userId === userId) throw new AppError(E.FORBIDDEN, { reason: 'you cannot disable your own account' })
  return inTransaction(c.db, async (tx) => {
    const u = await requireUser(tx, userId)
    const after = (await q.disableUser(tx, u.id, c.now))!
    await q.revokeUserSessions(tx, u.id, c.now)
    if (!u.disabled_at)
      await recordAudit(tx, actor, {
        action: 'user.disable',
        entityType: 'user',
        entityId: u.id,
        branchCode: u.branch_codes[0] ?? null,
        before: { disabled_at: null },
        after: { disabled_at: after.disabled_at },
      })
    return userView(after)
  })
}

export async function findUserByName(db: Db, username: string): Promise<q.UserRow | undefined> {
  return q.findUserByUsername(db, username.trim().toLowerCase())
}
