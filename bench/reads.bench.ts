// Participant reads as the registry grows (issue 12 §4). Two registries, `--small` (default 20,000)
// and `--n` (default 1,000,000) members, each with payment histories for a tenth of them
// (reads-data.ts builds them once and keeps them), are served by two `jamsos start` processes.
// Every read is driven over HTTP with `--connections` (20) concurrent clients for `--seconds` (10)
// after a warm-up, as an admin and as a branch officer of the largest branch (KC Blitar, 4 % of the
// members), the two sizes alternating read by read; GET /healthz, first and last, is the baseline
// of what a request costs without the registry. List reads ask for pages that both sizes fill
// (LIST_PAGE), so that the sizes answer alike and only the cost of finding the rows differs.
//
// Figures, per read and caller at each size: requests/s and p50/p95/p99 latency (ms). The JSON line:
//   worstRatio   min over reads and callers of (req/s at n) ÷ (req/s at small): 1 = flat in size
//   ratio        authenticated GET /participants/{kpj} (admin) ÷ GET /healthz, at n
//   worstP95Ms   the slowest read's p95 at n
// Options: --n, --small, --seconds, --warmup, --connections, --seed, --fresh (rebuild the data sets),
// --only name,name (a subset of the reads), --samples (keys drawn per read, default 500),
// --server-root DIR (serve the same data with another checkout, e.g. the commit before a change).
import crypto from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import autocannon from 'autocannon'
import { projectRoot } from '../src/platform/config.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { SYSTEM_ACTOR } from '../src/platform/actor.ts'
import { createUser, issueSession, loadAuthSettings } from '../src/auth/index.ts'
import { loadNikKeys, NikVault } from '../src/registry/index.ts'
import type { BenchContext } from './run.ts'
import { BENCH_NIK_INDEX_KEY, BENCH_NIK_KEY, cloneDataset, dropDatabase, ensureDataset } from './reads-data.ts'

export const name = 'reads'

/** The branch the officer works in: the generator's focus (src/demo/areas.ts FOCUS), the largest. */
const OFFICER_BRANCH = 'KC3505'

type Caller = 'admin' | 'officer'

interface Samples {
  /** KPJ, NIK in clear and full name of members the caller may see. */
  members: { kpj: string; nik: string; name: string }[]
  /** KPJs of members with a payment history. */
  payers: string[]
  /** Name prefixes (three letters, as typed) that fill a page of LIST_PAGE in the caller's scope. */
  prefixes: string[]
  /** Villages with at least VILLAGE_PAGE members in the caller's scope. */
  villages: string[]
  /** Branches with at least LIST_PAGE members, in the caller's scope. */
  branches: string[]
}

/**
 * Page sizes of the list reads. Both registries fill them (the values read are drawn so), so the
 * two sizes answer the same number of rows and their ratio compares the cost of finding them, not
 * the size of the answer. Villages get a smaller page: in the 20,000-member registry few hold
 * more than five members.
 */
const LIST_PAGE = 10
const VILLAGE_PAGE = 5

/** Each read: the paths it requests, drawn from the samples in turn. */
const READS: { name: string; paths: (s: Samples) => string[] }[] = [
  { name: 'kpj', paths: (s) => s.members.map((m) => `/api/v1/participants/${m.kpj}`) },
  { name: 'nik', paths: (s) => s.members.map((m) => `/api/v1/participants?nik=${m.nik}`) },
  // What a person types first: three letters of a name.
  { name: 'name', paths: (s) => s.prefixes.map((p) => `/api/v1/participants?query=${encodeURIComponent(p)}&limit=${LIST_PAGE}`) },
  // A whole name: a handful of matches (about 1 at 20,000 members, 7 at a million in KC Blitar),
  // so a page of one, which both sizes fill. With the old ORDER BY id, a prefix matching few
  // members walked the whole primary key.
  { name: 'name-rare', paths: (s) => s.members.map((m) => `/api/v1/participants?query=${encodeURIComponent(m.name)}&limit=1`) },
  { name: 'village', paths: (s) => s.villages.map((v) => `/api/v1/participants?village=${v}&limit=${VILLAGE_PAGE}`) },
  { name: 'branch', paths: (s) => s.branches.map((b) => `/api/v1/participants?branch=${b}&limit=${LIST_PAGE}`) },
  { name: 'coverage', paths: (s) => s.payers.map((k) => `/api/v1/participants/${k}/coverage`) },
  { name: 'bills', paths: (s) => s.payers.map((k) => `/api/v1/participants/${k}/bills`) },
  { name: 'payments', paths: (s) => s.payers.map((k) => `/api/v1/participants/${k}/payments`) },
  { name: 'history', paths: (s) => s.payers.map((k) => `/api/v1/participants/${k}/history`) },
]

interface Measure {
  rps: number
  p50: number
  p95: number
  p99: number
  requests: number
  errors: number
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** Drives `paths` round-robin over `connections` keep-alive connections for `seconds`. */
async function drive(base: string, paths: string[], headers: Record<string, string>, seconds: number, connections: number): Promise<Measure> {
  let i = 0
  const latencies: number[] = []
  let errors = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    )
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      latencies.push(ms)
      if (statusCode < 200 || statusCode >= 300) errors++
    })
  })
  const sorted = Float64Array.from(latencies).sort()
  return {
    rps: round(latencies.length / (result.duration || seconds), 0),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    requests: latencies.length,
    errors: errors + result.errors,
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as net.AddressInfo).port
  srv.close()
  return port
}

const meanOf = (a: Measure, b: Measure): Measure => ({
  rps: round((a.rps + b.rps) / 2, 0),
  p50: round((a.p50 + b.p50) / 2),
  p95: round((a.p95 + b.p95) / 2),
  p99: round((a.p99 + b.p99) / 2),
  requests: a.requests + b.requests,
  errors: a.errors + b.errors,
})

interface Server {
  base: string
  child: ChildProcess
  stop(): Promise<void>
}

/** `jamsos start` on a database, as in production (its own process, the app role's own pool). */
async function startServer(url: string, dataDir: string, root: string, log: (m: string) => void): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, [path.join(root, 'bin', 'jamsos.js'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      JAMSOS_DATA_DIR: dataDir,
      JAMSOS_DEMO: 'off',
      JAMSOS_NIK_KEY: BENCH_NIK_KEY,
      JAMSOS_NIK_INDEX_KEY: BENCH_NIK_INDEX_KEY,
      // The bench is one caller sending thousands of requests a second.
      JAMSOS_RATE_LIMIT: '1000000000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const base = `http://127.0.0.1:${port}`
  for (let t = Date.now(); ; ) {
    if (child.exitCode !== null) throw new Error(`jamsos start exited (${child.exitCode}): ${output}`)
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false)
    if (ok) break
    if (Date.now() - t > 120_000) throw new Error(`jamsos start not ready after 2 minutes: ${output}`)
    await new Promise((r) => setTimeout(r, 250))
  }
  log(`server on ${base}`)
  return {
    base,
    child,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

/** An admin and a KC Blitar officer with bearer tokens that outlast the run, made on the database itself. */
async function tokens(sql: Sql, ctx: BenchContext): Promise<Record<Caller, string>> {
  const settings = { ...loadAuthSettings(ctx.config, {}), bearerTtlSeconds: 24 * 3600 }
  const c = { db: sql, settings, now: new Date() }
  const out = {} as Record<Caller, string>
  for (const [caller, role, branchCodes] of [['admin', 'admin', undefined], ['officer', 'branch_officer', [OFFICER_BRANCH]]] as const) {
    const { user } = await createUser(c, SYSTEM_ACTOR, {
      username: `bench-${caller}`,
      displayName: `Bench ${caller}`,
      role,
      branchCodes: branchCodes ? [...branchCodes] : undefined,
      password: crypto.randomBytes(18).toString("base64url"),
    })
    out[caller] = (await issueSession(c, user, 'bearer', '127.0.0.1')).token
  }
  return out
}

/**
 * What to read, drawn at random from the registry (members, prefixes, villages and branches in
 * proportion to the members they hold): any for the admin, KC Blitar's for the officer.
 */
async function drawSamples(sql: Sql, vault: NikVault, count: number): Promise<Record<Caller, Samples>> {
  const draw = async (branch: string | null): Promise<Samples> => {
    const scope = () => (branch ? sql`branch_code = ${branch}` : sql`true`)
    const members = await sql<{ kpj: string; nik_cipher: Buffer; full_name: string }[]>`
      SELECT kpj, nik_cipher, full_name FROM participant WHERE ${scope()} ORDER BY random() LIMIT ${count}`
    const payers = await sql<{ kpj: string }[]>`
      SELECT p.kpj FROM participant p
      WHERE ${scope()} AND EXISTS (SELECT 1 FROM payment y WHERE y.participant_id = p.id)
      ORDER BY random() LIMIT ${count}`
    const drawn = async (expr: string, atLeast: number) =>
      (await sql.unsafe<{ v: string }[]>(`
        WITH c AS (SELECT ${expr} AS v, count(*) AS n FROM participant WHERE ${branch ? 'branch_code = $1' : '$1::text IS NULL'} GROUP BY 1)
        SELECT x.v FROM (SELECT ${expr} AS v FROM participant WHERE ${branch ? 'branch_code = $1' : '$1::text IS NULL'} ORDER BY random() LIMIT $2) x
        JOIN c ON c.v = x.v AND c.n >= $3`, [branch, count, atLeast])).map((r) => r.v)
    return {
      members: members.map((m) => ({ kpj: m.kpj, nik: vault.decrypt(m.nik_cipher), name: m.full_name })),
      payers: payers.map((p) => p.kpj),
      // name_folded's first letters: what a search for them matches (names are folded alike).
      prefixes: await drawn('left(name_folded, 3)', LIST_PAGE),
      villages: await drawn('village_code', VILLAGE_PAGE),
      branches: await drawn('branch_code', LIST_PAGE),
    }
  }
  const samples = { admin: await draw(null), officer: await draw(OFFICER_BRANCH) }
  for (const [caller, s] of Object.entries(samples)) {
    for (const [what, list] of Object.entries(s)) if (!(list as unknown[]).length) throw new Error(`no ${what} to read for the ${caller}`)
  }
  return samples
}

interface Side {
  n: number
  db: string
  server: Server
  tokens: Record<Caller, string>
  samples: Record<Caller, Samples>
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const int = (key: string, fallback: number) => {
    const v = Number(ctx.options[key] ?? fallback)
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${key} must be a positive integer`)
    return v
  }
  const n = int('n', Number(process.env.BENCH_N ?? 1_000_000))
  const small = int('small', 20_000)
  const seconds = int('seconds', 10)
  const warmup = int('warmup', 2)
  const connections = int('connections', 20)
  const sampleCount = int('samples', 500)
  const seed = int('seed', 1)
  const only = ctx.options.only ? new Set(ctx.options.only.split(',')) : undefined
  // Another checkout's server on the same data (e.g. the commit before a change, for its figures):
  // its own start-up migrates the clone, so the clone is left as the data set was built.
  const serverRoot = ctx.options['server-root'] ? path.resolve(ctx.options['server-root']) : projectRoot
  const reads = READS.filter((r) => !only || only.has(r.name))
  const vault = new NikVault(loadNikKeys({ nikKey: BENCH_NIK_KEY, nikIndexKey: BENCH_NIK_INDEX_KEY, dataDir: ctx.tmpDir }))

  const sides: Side[] = []
  try {
    for (const size of [small, n]) {
      let fresh = ctx.options.fresh === 'true'
      let url: string | undefined
      const db = `jamsos_reads_run_${size}`
      let buildSeconds: number | null = null
      for (let attempt = 0; !url; attempt++) {
        if (attempt > 1) throw new Error(`the ${size}-member data set does not migrate even when rebuilt`)
        const dataset = await ensureDataset(ctx.adminUrl, ctx.config, size, { seed, fresh, log: ctx.log })
        buildSeconds ??= dataset.buildSeconds
        url = await cloneDataset(ctx.adminUrl, dataset, db, ctx.log, { migrate: serverRoot === projectRoot })
        fresh = true
      }
      if (buildSeconds !== null) ctx.log(`${size} members: data set built in ${buildSeconds} s`)
      const sql = createPool(url, { max: 2 })
      try {
        const side = { n: size, db, tokens: await tokens(sql, ctx), samples: await drawSamples(sql, vault, sampleCount) } as Side
        side.server = await startServer(url, path.join(ctx.tmpDir, `server-${size}`), serverRoot, (m) => ctx.log(`${size} members: ${m}`))
        sides.push(side)
      } finally {
        await sql.end({ timeout: 5 })
      }
    }

    const figures: Record<string, Record<string, Measure>> = {}
    const measure = async (key: string, side: Side, paths: string[], headers: Record<string, string>) => {
      await drive(side.server.base, paths, headers, warmup, connections)
      const m = await drive(side.server.base, paths, headers, seconds, connections)
      const before = figures[key]?.[String(side.n)]
      // /healthz runs first and last: its figures are the mean of the two.
      ;(figures[key] ??= {})[String(side.n)] = before ? meanOf(before, m) : m
      ctx.log(`${key.padEnd(18)} ${String(side.n).padStart(8)}: ${String(m.rps).padStart(6)} req/s  p50 ${m.p50} ms  p95 ${m.p95} ms  p99 ${m.p99} ms${m.errors ? `  ${m.errors} errors` : ''}`)
    }
    // A server in service has its hot rows cached: every read goes over its keys once first, on
    // both registries, before anything is timed.
    ctx.log('warming up: every read once over its keys')
    for (const side of sides) {
      for (const read of reads) {
        for (const caller of ['admin', 'officer'] as const) {
          const paths = [...new Set(read.paths(side.samples[caller]))]
          await drive(side.server.base, paths, { authorization: `Bearer ${side.tokens[caller]}` }, Math.max(1, Math.ceil(paths.length / 1000)), connections)
        }
      }
    }
    // The two sizes alternate read by read, so a change in the machine's load hits both alike.
    for (const side of sides) await measure('healthz', side, ['/healthz'], {})
    for (const read of reads) {
      for (const caller of ['admin', 'officer'] as const) {
        for (const side of sides) {
          await measure(`${read.name}:${caller}`, side, read.paths(side.samples[caller]), { authorization: `Bearer ${side.tokens[caller]}` })
        }
      }
    }
    for (const side of sides) await measure('healthz', side, ['/healthz'], {})

    const large = String(n)
    const smallKey = String(small)
    let worst = { key: '', ratio: Infinity }
    let slowest = { key: '', p95: 0 }
    let errors = 0
    const table: Record<string, unknown>[] = []
    for (const [key, bySize] of Object.entries(figures)) {
      const a = bySize[smallKey]!
      const b = bySize[large]!
      errors += a.errors + b.errors
      const ratio = round(b.rps / a.rps, 3)
      table.push({ read: key, [`rps@${small}`]: a.rps, [`rps@${n}`]: b.rps, ratio, p50: b.p50, p95: b.p95, p99: b.p99 })
      if (key === 'healthz') continue
      if (ratio < worst.ratio) worst = { key, ratio }
      if (b.p95 > slowest.p95) slowest = { key, p95: b.p95 }
    }
    console.error(`\nreads: ${connections} connections, ${seconds} s each; latencies (ms) at ${n} members`)
    console.table(table)
    const healthz = figures.healthz![large]!.rps
    return {
      ratio: round(figures['kpj:admin']?.[large] ? figures['kpj:admin'][large].rps / healthz : NaN, 3),
      worstRatio: worst.ratio,
      worstRead: worst.key,
      worstP95Ms: slowest.p95,
      slowestRead: slowest.key,
      kpjVsHealthzSmall: round(figures['kpj:admin']?.[smallKey] ? figures['kpj:admin'][smallKey].rps / figures.healthz![smallKey]!.rps : NaN, 3),
      n,
      small,
      seconds,
      connections,
      errors,
      reads: table,
      cpus: os.cpus().length,
    }
  } finally {
    for (const side of sides) await side.server?.stop().catch(() => {})
    for (const side of sides) await dropDatabase(ctx.adminUrl, side.db).catch(() => {})
  }
}
