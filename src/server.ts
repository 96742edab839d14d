// `jamsos start`: owns the data folder, brings the schema and reference data up to date, seeds demo
// data on the first start, serves HTTP, and stops cleanly on SIGINT/SIGTERM.
import type { Config } from './platform/config.ts'
import type { Logger } from './platform/log.ts'
import { openMigrated, type Database } from './platform/runtime.ts'
import type { App, AppContext } from './platform/http.ts'
import { buildApp, loadReferenceData, startServices } from './app.ts'

export interface Server {
  app: App
  db: Database
  stop(): Promise<void>
}

export async function startServer(config: Config, log: Logger, opts: { signals?: boolean } = {}): Promise<Server> {
  const db = await openMigrated(config, { exclusive: true, log })
  let app: App | undefined
  const stop = async () => {
    await app?.close().catch(() => {})
    await db.close()
  }
  try {
    await loadReferenceData(db.system, config)
    const ctx: AppContext = { db: db.app, systemDb: db.system, config, now: () => new Date(), services: {} }
    await startServices(ctx, log)
    app = await buildApp(ctx, log)
    await app.listen({ port: config.port, host: config.host })
    log.info(`Jamsos is serving on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (API docs: /api/docs)`)
  } catch (e) {
    await stop()
    throw e
  }
  if (opts.signals !== false) {
    let stopping = false
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      log.info({ signal: sig }, 'stopping')
      stop().then(
        () => process.exit(0),
        (e) => {
          log.error({ err: e }, 'unclean stop')
          process.exit(1)
        },
      )
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  }
  return { app: app!, db, stop }
}
