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

/** Reference data every database needs (regions, branch offices); idempotent. */
export async function loadReferenceData(sql: Sql, config: Config): Promise<void> {
  await loadRegionData(sql, config.branchesFile)
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
      await api.register(regionRoutes)
      await api.register(programRoutes)
      await api.register(participantRoutes)
      await api.register(contributionRoutes)
      await api.register(coverageRoutes)
    },
  })
}
