// The composition root: the one place that knows every module. It wires their routes into the
// HTTP app and their reference data and services into start-up.
import type { Config } from './platform/config.ts'
import type { Sql } from './platform/db.ts'
import type { Logger } from './platform/log.ts'
import { openMigrated } from './platform/runtime.ts'
import { createHttp, type App, type AppContext } from './platform/http.ts'
import { loadRegionData, regionRoutes } from './regions/index.ts'
import { programRoutes } from './programs/index.ts'
import { createRegistryDeps, participantRoutes, PRUNE_REGISTRATION_PROBES, pruneProbesJob } from './registry/index.ts'
import { contributionRoutes } from './contributions/index.ts'
import { coverageRoutes } from './coverage/index.ts'
import { cardPages, cardRoutes } from './card/index.ts'
import { authRoutes, ensureAdmin, ensureAuthKey, loadAuthSettings, securityPlugin } from './auth/index.ts'
import { auditChainJob, auditRoutes, BUILD_AUDIT_CHAIN, loadAuditKey } from './audit/index.ts'
import { ensureQueues, jobRoutes, startJobRunner, type JobHandler, type JobRunner, type JobType } from './jobs/index.ts'
import { DELIVER_OUTBOX_EVENT, logSink, outboxDelivery } from './outbox/index.ts'
import { webRoutes } from './web/index.ts'

/** Every job type, so its queue exists before anything enqueues one (CLI commands included). */
export const JOB_TYPES: readonly JobType<object>[] = [DELIVER_OUTBOX_EVENT, BUILD_AUDIT_CHAIN, PRUNE_REGISTRATION_PROBES]

/** Reference data every database needs (regions, branch offices), and the job queues; idempotent. */
export async function loadReferenceData(sql: Sql, config: Config): Promise<void> {
  await loadRegionData(sql, config.branchesFile)
  await ensureQueues(sql, JOB_TYPES)
}

/**
 * What the server's job runner does, job type by job type. Outbox events go to the in-process log
 * sink until partner webhooks arrive (they will be another sink).
 */
export function jobHandlers(ctx: AppContext, log: Logger): JobHandler[] {
  return [
    outboxDelivery(ctx.systemDb, [logSink(log)]),
    auditChainJob(ctx.systemDb, auditKey(ctx.config, ctx.services)),
    pruneProbesJob(ctx.systemDb, ctx.config.duplicateProbeWindowMinutes),
  ]
}

/**
 * The audit chain's HMAC key: JAMSOS_AUDIT_KEY, else derived from the instance secret the auth
 * module keeps (JAMSOS_AUTH_KEY or <dataDir>/auth-keys.json), so every host sharing that secret
 * builds and verifies one chain. A bad value stops start-up (ConfigError). src/audit/key.ts.
 */
export function auditKey(config: Config, services: { authKey?: Buffer } = {}): Buffer {
  return loadAuditKey(config.auditKey, () => ensureAuthKey(services, loadAuthSettings(config).secretKey, config.dataDir))
}

/** Starts the job runner of `jamsos start` on a small pool of its own (the owner's URL). */
export async function startJobs(ctx: AppContext, ownerUrl: string, log: Logger): Promise<JobRunner> {
  return startJobRunner({ url: ownerUrl, handlers: jobHandlers(ctx, log), log })
}

/**
 * Builds the services modules need at run time into ctx.services, one typed member per module
 * (AppServices, platform/http.ts; each module declares its member with the type its index.ts
 * exports): the identity key and settings (auth, loaded by ensureAdmin or the security plugin)
 * and the registry's NIK vault and code lists. The server (and an app
 * under test) also makes sure the first administrator exists; one-shot CLI commands do not, so a
 * generated admin password is never printed into a command's output (the server prints it once).
 */
export async function startServices(ctx: AppContext, log: Logger, opts: { ensureAdmin?: boolean } = {}): Promise<void> {
  if (opts.ensureAdmin ?? true) await ensureAdmin(ctx, log)
  ctx.services.registry = await createRegistryDeps(ctx.systemDb, ctx.config)
}

/**
 * Runs fn on the data folder's database (the running instance's when there is one) with the
 * reference data loaded and the services started, then closes it: the runtime the CLI gives a
 * command (CommandContext.runtime). No first administrator is made here (see startServices).
 */
export async function withRuntime<T>(config: Config, log: Logger, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const db = await openMigrated(config, { log })
  try {
    await loadReferenceData(db.system, config)
    const ctx: AppContext = { db: db.app, systemDb: db.system, config, now: () => new Date(), services: {} }
    await startServices(ctx, log, { ensureAdmin: false })
    return await fn(ctx)
  } finally {
    await db.close()
  }
}

/** Builds the HTTP app for a context. */
export async function buildApp(ctx: AppContext, logger: Logger, opts: { ready?: () => Promise<boolean> } = {}): Promise<App> {
  const app = await createHttp({
    logger,
    ctx,
    ...(opts.ready ? { ready: opts.ready } : {}),
    // Authentication, route access checks, idempotency, security headers, CORS, rate limits.
    before: securityPlugin,
    routes: async (api) => {
      await api.register(authRoutes)
      await api.register(auditRoutes)
      await api.register(jobRoutes)
      await api.register(regionRoutes)
      await api.register(programRoutes)
      await api.register(participantRoutes)
      await api.register(contributionRoutes)
      await api.register(coverageRoutes)
      await api.register(cardRoutes)
    },
  })
  // The public card verification page, GET /verify/{token}, outside /api/v1 (what a card's QR holds).
  await app.register(cardPages)
  // The web app at `/` (src/web): its files and, for any other app path, index.html; never a
  // path of the API, /verify or the health checks.
  await app.register(webRoutes)
  return app
}
