// Accounts: creating users, logging in (with per-account lock-out and per-address throttling),
// sessions and bearer tokens, password changes, resets and disabling. Every change is audited.
import { ROLES, SYSTEM_ACTOR, type Actor, type ActorScope, type Permission, type Role } from '../platform/actor.ts'
import { inTransaction, type Db } from '../platform/db.ts'
import { AppError, PlatformErrors, sqlState, type FieldError } from '../platform/errors.ts'
import { recordAudit } from '../audit/index.ts'
import { AuthErrors as E } from './errors.ts'
import { dummyHash, generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.ts'
import { randomToken, sha256 } from './secrets.ts'
import type { AuthSettings } from './settings.ts'
import { addressRetryAt, afterFailure, lockedUntil } from './throttle.ts'
import * as q from './queries.ts'

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

/** A user as the API shows it: never the password hash. */
export interface UserView extends ActorScope {
  id: number
  username: string
  displayName: string
  role: Role
  disabledAt: string | null
  lockedUntil: string | null
  createdAt: string
  passwordChangedAt: string
}

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

/** What the audit trail keeps of a user (no hash, no counters). */
function auditedUser(u: q.UserRow) {
  const { password_hash: _h, failed_attempts: _f, ...rest } = u
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
 * Checks a username and password. Throttled per address (sliding window) and per account
 * (lock-out after repeated failures).
 *
 * Every attempt is counted before its password is checked, each count under a lock (the address's
 * advisory lock, the account's row lock), so parallel guesses cannot all pass a check made before
 * any of them was counted: at most `lockAfterFailures` passwords are ever tested in a row, and at
 * most `ipMaxFailures` per address in the window. The right password withdraws its own count.
 */
export async function checkCredentials(c: AuthContext, username: string, password: string, ip: string): Promise<q.UserRow> {
  const s = c.settings
  const name = username.trim().toLowerCase()
  const addressAttempt = await claimAddressAttempt(c, ip, name.slice(0, 100))
  const user = await q.findUserByUsername(c.db, name)
  if (!user) {
    await verifyPassword(password, await dummyFor(s.scryptCost))
    throw new AppError(E.AUTH_INVALID_CREDENTIALS)
  }
  const attempt = await claimAccountAttempt(c, user.id)
  if (!(await verifyPassword(password, user.password_hash))) {
    const locked = await accountAttemptFailed(c, user, attempt, ip)
    throw locked ? lockedError(locked, c.now) : new AppError(E.AUTH_INVALID_CREDENTIALS)
  }
  await q.recordLoginSuccess(c.db, user.id, attempt.failedAttempts)
  await q.deleteAuthFailure(c.db, addressAttempt)
  if (user.disabled_at) throw new AppError(E.ACCOUNT_DISABLED)
  if (needsRehash(user.password_hash, s.scryptCost)) await q.rehashPassword(c.db, user.id, await hashPassword(password, s.scryptCost))
  return { ...user, failed_attempts: 0, locked_until: null }
}

/**
 * Records a login attempt from an address as a failure before its password is checked, unless the
 * address is throttled. Returns the record's id, withdrawn if the password proves right.
 */
async function claimAddressAttempt(c: AuthContext, ip: string, username: string): Promise<number> {
  const s = c.settings
  return inTransaction(c.db, async (tx) => {
    await q.lockAddress(tx, ip)
    const failures = await q.recentFailures(tx, ip, new Date(c.now.getTime() - s.ipWindowMinutes * 60_000))
    const retryAt = addressRetryAt(failures, c.now, s)
    if (retryAt) {
      throw new AppError(E.AUTH_THROTTLED, {
        reason: `try again after ${retryAt.toISOString()}`,
        details: { retryAt: retryAt.toISOString(), retryAfterSeconds: Math.ceil((retryAt.getTime() - c.now.getTime()) / 1000) },
      })
    }
    return q.insertAuthFailure(tx, ip, username, c.now)
  })
}

/** The account's count after this attempt was counted, and whether counting it set the lock. */
interface AccountAttempt {
  failedAttempts: number
  lockedUntil: Date | null
  justLocked: boolean
  before: { failedAttempts: number; lockedUntil: Date | null }
}

/**
 * Counts an attempt against the account before its password is checked, or refuses it while the
 * account is locked (the right password too). The attempt that reaches the limit sets the lock
 * then, so no attempt after it is tested while it runs; if its password proves right it lifts the
 * lock again (recordLoginSuccess), and if not the lock stands and is audited.
 */
async function claimAccountAttempt(c: AuthContext, userId: number): Promise<AccountAttempt> {
  return inTransaction(c.db, async (tx) => {
    const u = (await q.findUserById(tx, userId, { forUpdate: true }))!
    const state = { failedAttempts: u.failed_attempts, lockedUntil: u.locked_until }
    const until = lockedUntil(state, c.now)
    if (until) throw lockedError(until, c.now)
    const next = afterFailure(state, c.now, c.settings)
    await q.recordLoginAttempt(tx, u.id, next.failedAttempts, next.lockedUntil)
    return { ...next, before: state }
  })
}

/** A counted attempt had the wrong password; returns the lock's end if this attempt locked the account. */
async function accountAttemptFailed(c: AuthContext, u: q.UserRow, attempt: AccountAttempt, ip: string): Promise<Date | undefined> {
  if (!attempt.justLocked) return undefined
  // Jamsos locks the account, on behalf of nobody; the address is what the trail can say.
  await inTransaction(c.db, (tx) =>
    recordAudit(tx, { ...SYSTEM_ACTOR, name: 'login throttle', ip }, {
      action: 'user.lock',
      entityType: 'user',
      entityId: u.id,
      branchCode: u.branch_codes[0] ?? null,
      before: { locked_until: attempt.before.lockedUntil, failed_attempts: attempt.before.failedAttempts },
      after: { locked_until: attempt.lockedUntil, failed_attempts: attempt.failedAttempts },
    }),
  )
  return attempt.lockedUntil!
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
    await q.deleteOldFailures(c.db, new Date(c.now.getTime() - c.settings.ipWindowMinutes * 60_000))
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
  await q.revokeSession(c.db, sessionId, c.now)
}

/** A user changes their own password; their other sessions end. */
export async function changePassword(c: AuthContext, actor: Actor, sessionId: number | null, current: string, next: string): Promise<void> {
  if (actor.kind !== 'user' || actor.userId === null) throw new AppError(E.NOT_A_USER)
  const user = (await q.findUserById(c.db, actor.userId))!
  // A session is no licence to guess the current password: the same count and lock as a login.
  const attempt = await claimAccountAttempt(c, user.id)
  if (!(await verifyPassword(current, user.password_hash))) {
    await q.insertAuthFailure(c.db, actor.ip ?? 'unknown', user.username, c.now)
    const locked = await accountAttemptFailed(c, user, attempt, actor.ip ?? 'unknown')
    if (locked) throw lockedError(locked, c.now)
    throw AppError.field(E.PASSWORD_WRONG, 'currentPassword')
  }
  await q.recordLoginSuccess(c.db, user.id, attempt.failedAttempts)
  const weak = passwordProblem(next, user.username)
  if (weak) throw AppError.field(E.PASSWORD_TOO_WEAK, 'newPassword', weak)
  if (await verifyPassword(next, user.password_hash)) throw AppError.field(E.PASSWORD_TOO_WEAK, 'newPassword', 'must differ from the current password')
  const hash = await hashPassword(next, c.settings.scryptCost)
  await inTransaction(c.db, async (tx) => {
    await q.setPasswordHash(tx, user.id, hash, c.now)
    await q.revokeUserSessions(tx, user.id, c.now, sessionId ?? undefined)
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
  const pw = password ?? generatePassword()
  return inTransaction(c.db, async (tx) => {
    const u = await requireUser(tx, userId)
    const weak = passwordProblem(pw, u.username)
    if (weak) throw AppError.field(E.PASSWORD_TOO_WEAK, 'password', weak)
    await q.setPasswordHash(tx, u.id, await hashPassword(pw, c.settings.scryptCost), c.now)
    await q.revokeUserSessions(tx, u.id, c.now)
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
