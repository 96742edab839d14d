// `jamsos user add|disable|reset-password`: account management from the server's console, for
// the first administrator's helpers and for the day nobody can sign in.
import type { Command } from '../platform/command.ts'
import { ROLES, SYSTEM_ACTOR, type Actor, type Permission, type Role } from '../platform/actor.ts'
import { AppError, PlatformErrors } from '../platform/errors.ts'
import { openMigrated } from '../platform/runtime.ts'
import { createUser, disableAccount, findUserByName, resetPassword, type AuthContext } from './accounts.ts'
import { AuthErrors as E } from './errors.ts'
import { loadAuthSettings } from './settings.ts'

const CLI_ACTOR: Actor = { ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'unknown'}` }

function optionalId(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 1) throw AppError.field(PlatformErrors.INVALID_VALUE, name, 'a positive integer')
  return n
}

async function withAuth<T>(config: Parameters<Command['run']>[0]['config'], log: Parameters<Command['run']>[0]['log'], fn: (c: AuthContext) => Promise<T>): Promise<T> {
  const db = await openMigrated(config, { log })
  try {
    return await fn({ db: db.system, settings: loadAuthSettings(config), now: new Date() })
  } finally {
    await db.close()
  }
}

async function userIdOf(c: AuthContext, username: string | undefined): Promise<number> {
  if (!username) throw AppError.field(PlatformErrors.REQUIRED, 'username')
  const u = await findUserByName(c.db, username)
  if (!u) throw new AppError(E.USER_NOT_FOUND, { reason: username })
  return u.id
}

export const userCommands: Command[] = [
  {
    name: 'user add',
    usage: 'user add <username> --role <role> [options]',
    summary:
      'Create an account; --name, --branch KC… (repeatable), --agent-id, --partner-id, --sponsor-id, --participant-id, --reveal-nik, --password (generated and printed when not given)',
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      branch: { type: 'string', multiple: true },
      'agent-id': { type: 'string' },
      'partner-id': { type: 'string' },
      'sponsor-id': { type: 'string' },
      'participant-id': { type: 'string' },
      'reveal-nik': { type: 'boolean' },
      password: { type: 'string' },
    },
    async run({ config, log, values, positionals }) {
      const username = positionals[0]
      if (!username) throw AppError.field(PlatformErrors.REQUIRED, 'username')
      const role = values.role as Role | undefined
      if (!role || !ROLES.includes(role)) throw AppError.field(PlatformErrors.INVALID_VALUE, 'role', `one of ${ROLES.join(', ')}`)
      const branches = (values as Record<string, unknown>).branch as string[] | undefined
      const { user, generatedPassword } = await withAuth(config, log, (c) =>
        createUser(c, CLI_ACTOR, {
          username,
          displayName: (values.name as string | undefined) ?? username,
          role,
          branchCodes: branches?.flatMap((b) => b.split(',')).map((b) => b.trim()).filter(Boolean),
          agentId: optionalId(values['agent-id'], 'agent-id'),
          partnerId: optionalId(values['partner-id'], 'partner-id'),
          sponsorId: optionalId(values['sponsor-id'], 'sponsor-id'),
          participantId: optionalId(values['participant-id'], 'participant-id'),
          permissions: values['reveal-nik'] ? (['nik:reveal'] as Permission[]) : [],
          password: values.password as string | undefined,
        }),
      )
      console.log(`Created ${user.role} account "${user.username}" (id ${user.id}).`)
      if (generatedPassword) console.log(`Password (shown once): ${generatedPassword}`)
      return 0
    },
  },
  {
    name: 'user disable',
    usage: 'user disable <username>',
    summary: 'Disable an account; its sessions and tokens end at once',
    async run({ config, log, positionals }) {
      await withAuth(config, log, async (c) => disableAccount(c, CLI_ACTOR, await userIdOf(c, positionals[0])))
      console.log(`Account "${positionals[0]}" disabled.`)
      return 0
    },
  },
  {
    name: 'user reset-password',
    usage: 'user reset-password <username> [--password …]',
    summary: 'Set a new password (generated and printed when not given); unlocks the account',
    options: { password: { type: 'string' } },
    async run({ config, log, values, positionals }) {
      const { generatedPassword } = await withAuth(config, log, async (c) =>
        resetPassword(c, CLI_ACTOR, await userIdOf(c, positionals[0]), values.password as string | undefined),
      )
      console.log(`Password of "${positionals[0]}" reset; its sessions ended.`)
      if (generatedPassword) console.log(`New password (shown once): ${generatedPassword}`)
      return 0
    },
  },
]
