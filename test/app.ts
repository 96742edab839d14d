// An HTTP app on a test database, driven through app.inject (no port is opened).
import os from 'node:os'
import path from 'node:path'
import { buildApp, startServices } from '../src/app.ts'
import { loadConfig } from '../src/platform/config.ts'
import { createLogger } from '../src/platform/log.ts'
import { createPool } from '../src/platform/db.ts'
import type { App, AppContext, AppServices } from '../src/platform/http.ts'
import { testDatabase, type TestDatabase } from './db.ts'

export interface TestApp {
  app: App
  db: TestDatabase
  ctx: AppContext
  close(): Promise<void>
}

export async function testApp(
  opts: { now?: () => Date; env?: NodeJS.ProcessEnv; services?: AppServices } = {},
): Promise<TestApp> {
  const db = await testDatabase()
  const config = loadConfig({
    JAMSOS_NIK_KEY: TEST_NIK_KEY,
    JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY,
    JAMSOS_SCRYPT_COST: '1024',
    JAMSOS_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    JAMSOS_DATA_DIR: path.join(os.tmpdir(), 'jamsos-test-data'),
    ...opts.env,
  })
  // Requests run as the restricted role logged in as itself, as in production, so row-level
  // security is in force and RESET ROLE leads nowhere.
  const appSql = createPool(db.appUrl, { max: 8 })
  const ctx: AppContext = {
    db: appSql,
    systemDb: db.sql,
    config,
    now: opts.now ?? (() => new Date()),
    services: { authKey: Buffer.from(TEST_AUTH_KEY, 'base64'), ...opts.services },
  }
  const logger = createLogger('silent')
  await startServices(ctx, logger)
  const app = await buildApp(ctx, logger)
  await app.ready()
  return {
    app,
    db,
    ctx,
    async close() {
      await app.close()
      await appSql.end({ timeout: 5 })
      await db.close()
    },
  }
}

/** Fixed keys so tests are repeatable; never used outside tests. */
export const TEST_NIK_KEY = Buffer.alloc(32, 7).toString('base64')
export const TEST_NIK_INDEX_KEY = Buffer.alloc(32, 9).toString('base64')
export const TEST_AUTH_KEY = Buffer.alloc(32, 11).toString('base64')
/** The first administrator's password in test apps (so nothing is printed). */
export const TEST_ADMIN_PASSWORD = 'first-start-Passphrase-1'
