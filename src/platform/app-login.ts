// The application role logs in as itself (issue 12, item 7). Requests used to run on the owner's
// connections switched to jamsos_app (startup parameter role=jamsos_app), so one SQL injection
// plus `RESET ROLE` was the owner, in the embedded cluster a superuser. Now the request pool's
// sessions ARE jamsos_app: there is no other role to go back to, and the role owns nothing and
// holds only the rights of migration 0010.
//
// Where its login comes from:
// - JAMSOS_APP_DATABASE_URL, with DATABASE_URL: a login a DBA made for jamsos_app (or for a role
//   in it), e.g. on a managed PostgreSQL whose owner may not manage roles. Used as given.
// - Otherwise (the embedded cluster, or DATABASE_URL alone): the owner's pool gives jamsos_app
//   LOGIN and a password at start. The password is derived from the owner's (HMAC-SHA256, so
//   every process and host with the same DATABASE_URL or data folder agrees on it and no other
//   secret has to be kept), and sent as a SCRAM verifier, so it never reaches the server's logs.
// Either way the session is checked before the server serves: not a superuser, no BYPASSRLS, no
// role switch, owning no table; otherwise start-up stops with one sentence saying what to do.
import crypto from 'node:crypto'
import postgres from 'postgres'
import type { Sql } from './db.ts'

export const APP_ROLE = 'jamsos_app'

export interface AppLogin {
  /** Connection URL of the request pool. */
  url: string
  /** The password Jamsos sets on jamsos_app itself; absent when the login is the DBA's. */
  password?: string
  /** Why no login can be made (DATABASE_URL without a password and no JAMSOS_APP_DATABASE_URL). */
  problem?: string
}

/** Thrown when the request pool cannot log in as the application role; the message says what to do. */
export class AppLoginError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AppLoginError'
  }
}

/** jamsos_app's password for an owner URL: a keyed hash of the owner's password (none without one). */
export function derivedAppPassword(ownerUrl: string): string | undefined {
  const u = new URL(ownerUrl)
  const ownerPassword = decodeURIComponent(u.password)
  if (!ownerPassword) return undefined
  return crypto.createHmac('sha256', ownerPassword).update(`jamsos_app login\u0000${decodeURIComponent(u.username)}`).digest('base64url')
}

/** The owner URL with the application role's user and password instead. */
function asAppRole(ownerUrl: string, password: string | undefined): string {
  const u = new URL(ownerUrl)
  u.username = APP_ROLE
  u.password = password ? encodeURIComponent(password) : ''
  return u.toString()
}

/**
 * How the request pool logs in: JAMSOS_APP_DATABASE_URL as given (only with DATABASE_URL: an
 * embedded cluster is Jamsos's own), else jamsos_app with the derived password.
 */
export function appLogin(ownerUrl: string, opts: { appDatabaseUrl?: string | undefined; external?: boolean } = {}): AppLogin {
  if (opts.appDatabaseUrl && opts.external) return { url: opts.appDatabaseUrl }
  const password = derivedAppPassword(ownerUrl)
  if (password) return { url: asAppRole(ownerUrl, password), password }
  return {
    url: asAppRole(ownerUrl, undefined),
    problem:
      'DATABASE_URL carries no password, so Jamsos cannot give the application role jamsos_app a login of its own. ' +
      'Set JAMSOS_APP_DATABASE_URL to a login of that role (see docs/security.md, "The application role").',
  }
}

/** A SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's format) of an ASCII password. */
export function scramVerifier(password: string, salt = crypto.randomBytes(16), iterations = 4096): string {
  const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, 'sha256')
  const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = crypto.createHash('sha256').update(clientKey).digest()
  const serverKey = crypto.createHmac('sha256', salted).update('Server Key').digest()
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
}

/** 28P01: wrong password; 28000: the role may not log in (NOLOGIN, or no pg_hba line for it). */
const LOGIN_REFUSED = new Set(['28P01', '28000'])

async function logsIn(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {}, connection: { application_name: 'jamsos' } })
  try {
    await probe`SELECT 1`
    return true
  } catch (e) {
    if (LOGIN_REFUSED.has((e as { code?: string }).code ?? '')) return false
    throw e
  } finally {
    await probe.end({ timeout: 5 })
  }
}

/**
 * Makes sure the request pool can log in: with a password of Jamsos's own, the owner's pool sets
 * it (LOGIN PASSWORD on jamsos_app) when the login is refused. Run after the migrations, which
 * create the role.
 */
export async function ensureAppLogin(system: Sql, login: AppLogin): Promise<void> {
  if (login.problem) throw new AppLoginError(login.problem)
  if (await logsIn(login.url)) return
  if (!login.password) {
    throw new AppLoginError(
      'JAMSOS_APP_DATABASE_URL does not log in (wrong password, or its role has no LOGIN). ' +
        'Have the DBA run: ALTER ROLE jamsos_app LOGIN PASSWORD \'…\', and put that password in JAMSOS_APP_DATABASE_URL.',
    )
  }
  try {
    // A verifier, not the password: the statement text may be logged (log_statement, errors).
    await system.unsafe(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD '${scramVerifier(login.password)}'`)
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === '42501') {
      throw new AppLoginError(
        'The database owner may not give the role jamsos_app a login. Either let it (as a DBA: GRANT jamsos_app TO <owner> WITH ADMIN OPTION), ' +
          'or create the login yourself and set JAMSOS_APP_DATABASE_URL (see docs/security.md, "The application role").',
      )
    }
    // Two processes starting at once both alter the role; the other one's password is the same.
    if (code !== 'XX000') throw e
  }
  if (!(await logsIn(login.url))) throw new AppLoginError('The role jamsos_app was given a login, yet cannot log in: check pg_hba.conf allows it password (scram-sha-256) logins.')
}

/**
 * Refuses a request pool whose sessions could do more than jamsos_app: a superuser, a role that
 * bypasses row-level security, one that owns tables (the owner), or a session switched to another
 * role (what a `RESET ROLE` would undo).
 */
export async function checkAppSession(app: Sql): Promise<void> {
  const [s] = await app<{ current_user: string; session_user: string; rolsuper: boolean; rolbypassrls: boolean; member: boolean; owns: boolean }[]>`
    SELECT current_user, session_user, r.rolsuper, r.rolbypassrls,
           pg_has_role(current_user, ${APP_ROLE}, 'USAGE') AS member,
           EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace) AS owns
    FROM pg_roles r WHERE r.rolname = current_user`
  const problem = !s
    ? 'its role is unknown'
    : s.session_user !== s.current_user
      ? `it logs in as ${s.session_user} and switches to ${s.current_user} (RESET ROLE would undo that)`
      : s.rolsuper
        ? `${s.current_user} is a superuser`
        : s.rolbypassrls
          ? `${s.current_user} bypasses row-level security`
          : s.owns
            ? `${s.current_user} owns the tables (it is the database owner)`
            : !s.member
              ? `${s.current_user} is not the role jamsos_app nor a member of it`
              : undefined
  if (problem) {
    throw new AppLoginError(
      `Requests must run as the application role jamsos_app, logged in as itself, but ${problem}. ` +
        'Set JAMSOS_APP_DATABASE_URL to a login of jamsos_app (see docs/security.md, "The application role").',
    )
  }
}
