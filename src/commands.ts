// The CLI's commands: the composition root's own (start the server, migrate, seed the demo) and
// those the modules contribute through their index.ts. This file only lists them; the Command type
// is platform's (src/platform/command.ts) and the runtime a command runs on is src/app.ts's.
import type { Command } from './platform/command.ts'
import { cliActor, runtimeOf } from './platform/command.ts'
import { openMigrated } from './platform/runtime.ts'
import { userCommands } from './auth/index.ts'
import { auditCommands } from './audit/index.ts'
import { jobCommands } from './jobs/index.ts'
import { auditKey } from './app.ts'
import { registryCommands, registryDepsOf } from './registry/index.ts'

export const commands: Command[] = [
  {
    name: 'start',
    usage: 'start',
    summary: 'Serve the API on PORT (default 3000); demo data on first start',
    async run({ config, log }) {
      // Loaded only here: the HTTP server (Fastify, the docs page, every route) is for `start` alone.
      const { startServer } = await import('./server.ts')
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
  {
    name: 'seed',
    usage: 'seed [--participants N] [--seed S]',
    summary: 'Add N synthetic participants with 2022+ payment histories',
    options: { participants: { type: 'string', default: '10000' }, seed: { type: 'string' } },
    async run(c) {
      const count = Number(c.values.participants)
      if (!Number.isSafeInteger(count) || count < 1) {
        console.error('--participants must be a whole number of at least 1')
        return 2
      }
      return runtimeOf(c)(async (ctx) => {
        // Loaded only here: the generator brings faker's locale data, which no other command needs.
        const { seedDemo } = await import('./demo/index.ts')
        const r = await seedDemo(ctx.systemDb, {
          count,
          ...(c.values.seed ? { seed: Number(c.values.seed) } : { seed: Date.now() % 1_000_000_007 }),
          vault: registryDepsOf(ctx).vault,
          deps: registryDepsOf(ctx),
          policy: { graceMonths: ctx.config.graceMonths, billMonths: ctx.config.billMonths },
          log: c.log,
          actor: cliActor(),
        })
        console.log(`Seeded ${r.participants} participants, ${r.bills} bills, ${r.payments} payments in ${r.seconds.toFixed(1)} s (${r.rejected} rows refused).`)
        return 0
      })
    },
  },
  ...registryCommands,
  ...userCommands,
  ...auditCommands(auditKey),
  ...jobCommands,
]
