// The composition root: the one place that knows every module. It wires their routes into the
// HTTP app and their reference data and services into start-up.
import type { Config } from './platform/config.ts'
import type { Sql } from './platform/db.ts'
import type { Logger } from './platform/log.ts'
import { createHttp, type App, type AppContext } from './platform/http.ts'

/** Reference data every database needs (regions, branch offices); idempotent. */
export async function loadReferenceData(sql: Sql, config: Config): Promise<void> {
  void sql
  void config
}

/** Services modules need at run time (keys, vaults), put into ctx.services. */
export async function startServices(ctx: AppContext, log: Logger): Promise<void> {
  void ctx
  void log
}

/** Builds the HTTP app for a context. */
export async function buildApp(ctx: AppContext, logger: Logger): Promise<App> {
  return createHttp({
    logger,
    ctx,
    routes: async (api) => {
      void api
    },
  })
}
