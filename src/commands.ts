// The CLI's commands. Each runs against the data folder's database (the running instance's when
// there is one). Modules contribute theirs through their index.ts; this list wires them.
import type { ParseArgsConfig } from 'node:util'
import type { Config } from './platform/config.ts'
import type { Logger } from './platform/log.ts'
import fs from 'node:fs'
import os from 'node:os'
import { openMigrated } from './platform/runtime.ts'
import { SYSTEM_ACTOR, type Actor } from './platform/actor.ts'
import type { AppContext } from './platform/http.ts'
import { userCommands } from './auth/index.ts'
import { auditCommands } from './audit/index.ts'
import { jobCommands } from './jobs/index.ts'
import { loadReferenceData, startServices } from './app.ts'
import { getParticipant, readNdjson, registerBulk, registerParticipant, registryDepsOf, searchParticipants, type BulkResult, type RegistrationInput } from './registry/index.ts'
import { jakartaDate } from './platform/dates.ts'

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

/** The operator at the terminal acts as the system, named in the audit trail by their OS user. */
const cliActor = (): Actor => ({ ...SYSTEM_ACTOR, name: `cli:${os.userInfo().username}` })

/** Opens the data folder's database (the running instance's when there is one) with services started. */
async function withRuntime<T>(c: CommandContext, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const db = await openMigrated(c.config, { log: c.log })
  try {
    await loadReferenceData(db.system, c.config)
    const ctx: AppContext = { db: db.app, systemDb: db.system, config: c.config, now: () => new Date(), services: {} }
    await startServices(ctx, c.log, { ensureAdmin: false })
    return await fn(ctx)
  } finally {
    await db.close()
  }
}

/** Appends lines to a file in 64 KB writes. */
class LineWriter {
  readonly #fd: number
  #pending = ''
  constructor(file: string) {
    this.#fd = fs.openSync(file, 'w')
  }
  write(line: string): void {
    this.#pending += line + '\n'
    if (this.#pending.length > 65_536) this.#flush()
  }
  close(): void {
    this.#flush()
    fs.closeSync(this.#fd)
  }
  #flush(): void {
    if (this.#pending) fs.writeSync(this.#fd, this.#pending)
    this.#pending = ''
  }
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2))

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
      return withRuntime(c, async (ctx) => {
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
  {
    name: 'participant get',
    usage: 'participant get <kpj> [--reveal-nik]',
    summary: "Show a participant's card (NIK masked unless --reveal-nik)",
    options: { 'reveal-nik': { type: 'boolean', default: false } },
    async run(c) {
      const kpj = c.positionals[0]
      if (!kpj) {
        console.error('Usage: jamsos participant get <kpj>')
        return 2
      }
      return withRuntime(c, async (ctx) => {
        print(await getParticipant({ db: ctx.db, deps: registryDepsOf(ctx), actor: cliActor() }, kpj, { revealNik: c.values['reveal-nik'] === true }))
        return 0
      })
    },
  },
  {
    name: 'participant find',
    usage: 'participant find <KPJ | NIK | name prefix>',
    summary: 'Search participants',
    options: { limit: { type: 'string', default: '20' } },
    async run(c) {
      const query = c.positionals.join(' ').trim()
      if (!query) {
        console.error('Usage: jamsos participant find <KPJ | NIK | name prefix>')
        return 2
      }
      return withRuntime(c, async (ctx) => {
        const r = await searchParticipants({ db: ctx.db, deps: registryDepsOf(ctx), actor: cliActor() }, { query, limit: Number(c.values.limit) || 20 })
        for (const p of r.items) console.log(`${p.kpj}  ${p.nik}  ${p.fullName.padEnd(32)} ${p.birthDate}  ${p.villageCode}  ${p.branchCode}`)
        console.log(`${r.items.length} found${r.nextCursor ? ' (more: narrow the search)' : ''}`)
        return 0
      })
    },
  },
  {
    name: 'participant register',
    usage: 'participant register <file.json | ->',
    summary: 'Register a participant from a JSON registration body',
    async run(c) {
      const file = c.positionals[0]
      if (!file) {
        console.error('Usage: jamsos participant register <file.json | ->  (the body of POST /api/v1/participants)')
        return 2
      }
      let body: RegistrationInput
      try {
        body = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8')) as RegistrationInput
      } catch (e) {
        console.error((e as NodeJS.ErrnoException).code === 'ENOENT' ? `No such file: ${file}` : `${file} is not a JSON registration body: ${(e as Error).message}`)
        return 2
      }
      return withRuntime(c, async (ctx) => {
        const p = await registerParticipant({ db: ctx.db, deps: registryDepsOf(ctx), actor: cliActor(), now: new Date() }, body)
        console.log(`Registered ${p.fullName} as KPJ ${p.kpj} (branch ${p.branchCode}).`)
        return 0
      })
    },
  },
  ...userCommands,
  ...auditCommands,
  ...jobCommands,
  {
    name: 'participant import',
    usage: 'participant import <file.ndjson | -> [--json] [--rejections FILE]',
    summary: 'Register many participants from NDJSON (one registration body a line)',
    options: { json: { type: 'boolean', default: false }, rejections: { type: 'string' }, batch: { type: 'string' } },
    async run(c) {
      const file = c.positionals[0]
      if (!file) {
        console.error('Usage: jamsos participant import <file.ndjson | ->  (each line: the body of POST /api/v1/participants)')
        return 2
      }
      if (file !== '-' && !fs.existsSync(file)) {
        console.error(`No such file: ${file}`)
        return 2
      }
      const batch = c.values.batch === undefined ? undefined : Number(c.values.batch)
      if (batch !== undefined && (!Number.isSafeInteger(batch) || batch < 1 || batch > 100_000)) {
        console.error(`--batch must be a whole number of rows from 1 to 100000, got "${c.values.batch}"`)
        return 2
      }
      return withRuntime(c, async (ctx) => {
        const t0 = performance.now()
        // Rejections stream to the file as they happen (a file of bad rows must not fill memory).
        const out = typeof c.values.rejections === 'string' ? new LineWriter(c.values.rejections) : undefined
        let r: BulkResult
        try {
          r = await registerBulk(ctx.systemDb, readNdjson(file), {
            actor: cliActor(),
            vault: registryDepsOf(ctx).vault,
            deps: registryDepsOf(ctx),
            today: jakartaDate(new Date()),
            onRejected: (x) => out?.write(JSON.stringify(x)),
            ...(batch ? { batchSize: batch } : {}),
          })
        } finally {
          out?.close()
        }
        const seconds = (performance.now() - t0) / 1000
        const summary = {
          inserted: r.inserted,
          duplicates: r.duplicates,
          rejectedRows: r.rejectedRows,
          firstKpj: r.firstKpj,
          lastKpj: r.lastKpj,
          seconds: Number(seconds.toFixed(2)),
          rowsPerS: Math.round(r.inserted / seconds),
          maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        }
        if (c.values.json) console.log(JSON.stringify(summary))
        else {
          console.log(`Registered ${summary.inserted}${summary.inserted ? ` (KPJ ${summary.firstKpj}..${summary.lastKpj})` : ''}, ${summary.duplicates} already registered, ${summary.rejectedRows} rows refused, in ${summary.seconds} s.`)
          for (const x of r.rejected.slice(0, 20)) console.log(`  row ${x.row}: ${x.field} ${x.code}${x.reason ? ` (${x.reason})` : ''}`)
          if (r.rejectedRows > 0 && (r.rejected.length > 20 || r.rejected.length < r.rejectedRows)) console.log(out ? `  (all of them in ${c.values.rejections})` : '  … and more: --rejections FILE writes them all')
        }
        return r.rejectedRows ? 3 : 0
      })
    },
  },
]
