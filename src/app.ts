// The composition root: the one place that knows every module. It wires their routes into the
// HTTP app and their reference data and services into start-up.
import type { Config } from './platform/config.ts'
import type { Sql } from './platform/db.ts'
import type { Logger } from './platform/log.ts'
import { createHttp, type App, type AppContext } from './platform/http.ts'
import { loadRegionData, regionRoutes } from './regions/index.ts'
import { programRoutes } from './programs/index.ts'
import { createRegistryDeps, participantRoutes } from './registry/index.ts'
import { contributionRoutes } from './contributions/index.ts'
import { coverageRoutes } from './coverage/index.ts'
import { authRoutes, ensureAdmin, securityPlugin } from './auth/index.ts'
import { auditRoutes } from './audit/index.ts'
import { ensureQueues, jobRoutes, startJobRunner, type JobHandler, type JobRunner, type JobType } from './jobs/index.ts'
import { DELIVER_OUTBOX_EVENT, logSink, outboxDelivery } from './outbox/index.ts'

/** Every job type, so its queue exists before anything enqueues one (CLI commands included). */
export const JOB_TYPES: readonly JobType<object>[] = [DELIVER_OUTBOX_EVENT]

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
  return [outboxDelivery(ctx.systemDb, [logSink(log)])]
}

/** Starts the job runner of `jamsos start` on a small pool of its own (the owner's URL). */
export async function startJobs(ctx: AppContext, ownerUrl: string, log: Logger): Promise<JobRunner> {
  return startJobRunner({ url: ownerUrl, handlers: jobHandlers(ctx, log), log })
}

/**
 * Services modules need at run time (keys, vaults), put into ctx.services. The server (and an app
 * under test) also makes sure the first administrator exists; one-shot CLI commands do not, so a
 * generated admin password is never printed into a command's output (the server prints it once).
 */
export async function startServices(ctx: AppContext, log: Logger, opts: { ensureAdmin?: boolean } = {}): Promise<void> {
  if (opts.ensureAdmin ?? true) await ensureAdmin(ctx, log)
  ctx.services.registry = await createRegistryDeps(ctx.systemDb, ctx.config)
}

/** Builds the HTTP app for a context. */
export async function buildApp(ctx: AppContext, logger: Logger, opts: { ready?: () => Promise<boolean> } = {}): Promise<App> {
  return createHttp({
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
    },
  })
}
