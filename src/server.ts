// `jamsos start`: owns the data folder, brings the schema and reference data up to date, seeds demo
// data on the first start, serves HTTP, and stops cleanly on SIGINT/SIGTERM.
import type { Config } from './platform/config.ts'
import type { Logger } from './platform/log.ts'
import { openMigrated, type Database } from './platform/runtime.ts'
import type { App, AppContext } from './platform/http.ts'
import { buildApp, loadReferenceData, startJobs, startServices } from './app.ts'
import type { JobRunner } from './jobs/index.ts'
import { countParticipants, registryDepsOf } from './registry/index.ts'
import { ensureWebBuilt } from './web/index.ts'

export interface Server {
  app: App
  db: Database
  stop(): Promise<void>
}

export async function startServer(config: Config, log: Logger, opts: { signals?: boolean } = {}): Promise<Server> {
  // The web app is built when web/dist is missing or older than its sources (seconds), so a fresh
  // clone's `npm ci && npm start` serves it. Without it the API still serves; `/` says why.
  await ensureWebBuilt({ print: (text) => log.info(text) }).catch((e) => log.error({ err: e }, 'the web app could not be built; serving the API without it'))
  // The embedded cluster is supervised (issue 12 §3): when its postmaster dies, requests answer
  // 503 DATABASE_UNAVAILABLE (the pools' connections fail), /readyz says unavailable, and the
  // cluster is restarted on the same port, where PostgreSQL's crash recovery replays the WAL and
  // the pools reconnect. If it will not come back, the process exits non-zero for its supervisor
  // (systemd, a container runtime) to start afresh. With DATABASE_URL there is nothing to
  // restart: postgres.js reconnects once the server is back.
  let databaseUp = true
  let stop: () => Promise<void> = async () => {}
  const db = await openMigrated(config, {
    exclusive: true,
    log,
    supervise: {
      down: (why) => {
        databaseUp = false
        log.error(`Embedded PostgreSQL stopped unexpectedly (${why}); restarting it. Requests get 503 until it is back.`)
      },
      up: (attempts) => {
        databaseUp = true
        log.info({ attempts }, 'Embedded PostgreSQL is serving again (crash recovery done).')
      },
      failed: (e) => {
        log.fatal(`${e.message}. Jamsos stops (exit status 1) so that its supervisor (systemd, a container runtime) can start it afresh.`)
        void stop().finally(() => process.exit(1))
      },
    },
  })
  let app: App | undefined
  let jobs: JobRunner | undefined
  stop = async () => {
    await app?.close().catch(() => {})
    // After HTTP (no new work arrives), before the pools: running jobs get a moment to finish;
    // those that do not are failed and retried by the next start.
    await jobs?.stop().catch((e) => log.error({ err: e }, 'job runner did not stop cleanly'))
    await db.close()
  }
  try {
    await loadReferenceData(db.system, config)
    const ctx: AppContext = { db: db.app, systemDb: db.system, config, now: () => new Date(), services: {} }
    await startServices(ctx, log)
    // Background jobs (outbox delivery, …) run in the server only; one-shot commands enqueue.
    jobs = await startJobs(ctx, db.url, log)
    // Demo data on the first start only: an empty registry and JAMSOS_DEMO not off.
    const seeding = config.demo && (await countParticipants(db.system)) === 0
    let ready = !seeding
    app = await buildApp(ctx, log, { ready: async () => ready && databaseUp })
    await app.listen({ port: config.port, host: config.host })
    log.info(`Jamsos is serving on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (API docs: /api/docs)`)
    if (seeding) {
      log.info({ participants: config.demoParticipants }, 'first start: generating demo participants and their payment histories (JAMSOS_DEMO=off to skip)')
      import('./demo/index.ts').then(({ seedDemo }) => seedDemo(db.system, {
        count: config.demoParticipants,
        vault: registryDepsOf(ctx).vault,
        deps: registryDepsOf(ctx),
        policy: { graceMonths: config.graceMonths, billMonths: config.billMonths },
        log,
      })).then(
        (r) => {
          ready = true
          log.info(r, `demo data ready: ${r.participants} participants, ${r.payments} payments in ${r.seconds.toFixed(0)} s`)
        },
        (e) => {
          ready = true
          log.error({ err: e }, 'demo data could not be generated')
        },
      )
    }
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
