// The CLI's commands. Each runs against the data folder's database (the running instance's when
// there is one). Modules contribute theirs through their index.ts; this list wires them.
import type { ParseArgsConfig } from 'node:util'
import type { Config } from './platform/config.ts'
import type { Logger } from './platform/log.ts'
import { openMigrated } from './platform/runtime.ts'
import { startServer } from './server.ts'

export interface CommandContext {
  config: Config
  log: Logger
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

export interface Command {
  name: string
  usage: string
  summary: string
  options?: ParseArgsConfig['options']
  run(ctx: CommandContext): Promise<number>
}

export const commands: Command[] = [
  {
    name: 'start',
    usage: 'start',
    summary: 'Serve the API on PORT (default 3000); demo data on first start',
    async run({ config, log }) {
      await startServer(config, log)
      // The server keeps the process alive until SIGINT/SIGTERM.
      return await new Promise<number>(() => {})
    },
  },
  {
    name: 'migrate',
    usage: 'migrate',
    summary: 'Apply pending database migrations',
    async run({ config, log }) {
      const db = await openMigrated(config, { log })
      await db.close()
      console.log('Database schema is up to date.')
      return 0
    },
  },
]
