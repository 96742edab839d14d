// `jamsos participant get|find|register|import`: the registry at the terminal. Each runs as the
// system, named in the audit trail by the operator's OS user (cliActor), on the runtime the CLI
// gives it (the database with the modules' services started).
import fs from 'node:fs'
import { cliActor, runtimeOf, type Command } from '../platform/command.ts'
import { jakartaDate } from '../platform/dates.ts'
import { registerBulk, type BulkResult } from './bulk.ts'
import { readNdjson } from './ndjson.ts'
import { getParticipant, registerParticipant, searchParticipants } from './participants.ts'
import type { RegistrationInput } from './registration.ts'
import { registryDepsOf } from './routes.ts'

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

export const registryCommands: Command[] = [
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
      return runtimeOf(c)(async (ctx) => {
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
      return runtimeOf(c)(async (ctx) => {
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
      return runtimeOf(c)(async (ctx) => {
        const p = await registerParticipant({ db: ctx.db, deps: registryDepsOf(ctx), actor: cliActor(), now: new Date() }, body)
        console.log(`Registered ${p.fullName} as KPJ ${p.kpj} (branch ${p.branchCode}).`)
        return 0
      })
    },
  },
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
      return runtimeOf(c)(async (ctx) => {
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
