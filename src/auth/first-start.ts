// First start: a fresh installation gets one administrator, `admin`, with the password from
// JAMSOS_ADMIN_PASSWORD or a generated one printed once to the console.
import { SYSTEM_ACTOR } from '../platform/actor.ts'
import type { AppContext } from '../platform/http.ts'
import type { Logger } from '../platform/log.ts'
import { createUser } from './accounts.ts'
import { ensureAuthKey } from './secrets.ts'
import { loadAuthSettings } from './settings.ts'
import * as q from './queries.ts'

/** Creates `admin` when no active administrator exists. Returns the generated password, if any. */
export async function ensureAdmin(ctx: AppContext, log: Logger, print: (text: string) => void = (t) => process.stdout.write(t)): Promise<string | undefined> {
  const settings = loadAuthSettings(ctx.config, process.env, ctx.services.authSettings)
  // The identity module's settings and key are read before anything is created: a bad one stops
  // start-up here, before an administrator's password is printed for a server that never serves.
  ensureAuthKey(ctx.services, settings.secretKey, ctx.config.dataDir)
  // The system pool: nobody is signed in yet, and this must work before any user exists.
  const db = ctx.systemDb
  if ((await q.countAdmins(db)) > 0) return undefined
  if (await q.findUserByUsername(db, 'admin')) {
    log.warn('No active administrator, and the username "admin" is taken: use `jamsos user reset-password admin` or `jamsos user add`')
    return undefined
  }
  const { generatedPassword } = await createUser({ db, settings, now: ctx.now() }, { ...SYSTEM_ACTOR, name: 'first start' }, {
    username: 'admin',
    displayName: 'Administrator',
    role: 'admin',
    password: ctx.config.adminPassword,
  })
  if (generatedPassword) {
    // Straight to stdout, not through the logger: it must be seen, once, and never land in a log
    // pipeline at a level someone filters out.
    print(
      `\n  ┌──────────────────────────────────────────────────────────────┐\n` +
        `  │ First start: administrator account created                   │\n` +
        `  │   username: admin                                            │\n` +
        `  │   password: ${generatedPassword.padEnd(49)}│\n` +
        `  │ Shown only this once. Change it after signing in.            │\n` +
        `  └──────────────────────────────────────────────────────────────┘\n\n`,
    )
  } else log.info('administrator "admin" created with the password from JAMSOS_ADMIN_PASSWORD')
  return generatedPassword
}
