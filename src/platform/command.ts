// What a CLI command is. Modules declare their commands against this type (audit verify, user add,
// participant import, jobs …) and src/commands.ts assembles the list; the type lives here, below
// every module, so a module's commands.ts never imports the file that imports it (issue 13 §4: the
// ten import circles through src/commands.ts).
import os from 'node:os'
import type { ParseArgsConfig } from 'node:util'
import { SYSTEM_ACTOR, type Actor } from './actor.ts'
import type { Config } from './config.ts'
import type { AppContext } from './http.ts'
import type { Logger } from './log.ts'

export interface CommandContext {
  config: Config
  log: Logger
  values: Record<string, string | boolean | undefined>
  positionals: string[]
  /**
   * Runs fn on the data folder's database (the running instance's when there is one) with the
   * reference data loaded and the modules' services started, and closes it after. The CLI gives
   * it (src/app.ts withRuntime): a module's command cannot open the composition root itself.
   */
  runtime?: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>
}

export interface Command {
  name: string
  usage: string
  summary: string
  options?: ParseArgsConfig['options']
  run(ctx: CommandContext): Promise<number>
}

/** The runtime the CLI gives a command (CommandContext.runtime); a command that needs one and has none is a wiring bug. */
export function runtimeOf(c: CommandContext): NonNullable<CommandContext['runtime']> {
  if (!c.runtime) throw new Error('this command needs the runtime the CLI gives it (src/cli.ts)')
  return c.runtime
}

/** The operator at the terminal acts as the system, named in the audit trail by their OS user. */
export const cliActor = (): Actor => ({ ...SYSTEM_ACTOR, name: `cli:${os.userInfo().username}` })
