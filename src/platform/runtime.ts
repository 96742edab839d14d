// Opens the system of record: the external PostgreSQL named by DATABASE_URL, or else the embedded
// cluster under the data folder (started here, or the one a running Jamsos already holds).
import type { Config } from './config.ts'
import { createPool, type Sql } from './db.ts'
import { startEmbedded, type Running, type Supervision } from './embedded-pg.ts'
import { migrate } from './migrate.ts'
import { appLogin, checkAppSession, ensureAppLogin } from './app-login.ts'
import type { Logger } from './log.ts'

export interface Database {
  url: string
  /** The pool for system work (migrations, bulk loads, jobs). */
  system: Sql
  /** The pool for request work. */
  app: Sql
  embedded: Running | undefined
  close(): Promise<void>
}

export interface OpenOptions {
  /** `jamsos start` owns the data folder and refuses one another instance holds. */
  exclusive?: boolean
  log?: Logger
  /** Extra settings for an embedded cluster this call starts. */
  settings?: Record<string, string>
  poolSize?: number
  /** Restart an embedded cluster this call starts when its postmaster dies (the server). */
  supervise?: Supervision
}

export async function openDatabase(config: Config, opts: OpenOptions = {}): Promise<Database> {
  let embedded: Running | undefined
  let url = config.databaseUrl
  if (!url) {
    embedded = await startEmbedded(config.dataDir, {
      exclusive: opts.exclusive ?? false,
      ...(opts.settings ? { settings: opts.settings } : {}),
      ...(opts.supervise ? { supervise: opts.supervise } : {}),
      log: (line) => opts.log?.debug({ pg: line }, 'postgres'),
    })
    url = embedded.url
    if (embedded.owned) opts.log?.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started')
    else opts.log?.info({ port: embedded.port }, 'using the PostgreSQL of the running Jamsos instance')
  }
  const system = createPool(url, { max: 4 })
  // Requests run as the restricted role, logged in as itself (app-login.ts, migration 0010):
  // row-level security applies to it, and there is no other role to RESET ROLE to.
  const app = createPool(appLogin(url, { appDatabaseUrl: config.appDatabaseUrl, external: !embedded }).url, { max: opts.poolSize ?? 20 })
  let closed = false
  return {
    url,
    system,
    app,
    embedded,
    async close() {
      if (closed) return
      closed = true
      await Promise.all([app.end({ timeout: 5 }), system.end({ timeout: 5 })])
      // A command that started the cluster leaves it running until commands that attached to it
      // meanwhile are done; the server (exclusive) stops at once when told to.
      if (embedded?.owned) await embedded.stop({ afterOtherSessions: !opts.exclusive })
    },
  }
}

/** Opens the database and brings its schema up to date. */
export async function openMigrated(config: Config, opts: OpenOptions = {}): Promise<Database> {
  const db = await openDatabase(config, opts)
  try {
    const applied = await migrate(db.system)
    if (applied.length) opts.log?.info({ applied }, 'migrations applied')
    // The migrations create jamsos_app; its login is set (or checked) after them.
    await ensureAppLogin(db.system, appLogin(db.url, { appDatabaseUrl: config.appDatabaseUrl, external: !db.embedded }))
    await checkAppSession(db.app)
  } catch (e) {
    await db.close()
    throw e
  }
  return db
}
