// Duplicate probes are deleted once the throttle's window has passed them, daily, by the server's
// job runner (registry.prune_probes).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import os from 'node:os'
import path from 'node:path'
import { createPool } from '../platform/db.ts'
import { loadConfig } from '../platform/config.ts'
import { createLogger } from '../platform/log.ts'
import type { AppContext } from '../platform/http.ts'
import { testDatabase } from '../../test/db.ts'
import { eventually } from '../../test/eventually.ts'
import { TEST_AUTH_KEY } from '../../test/app.ts'
import { jobHandlers } from '../app.ts'
import { enqueue, startJobRunner } from '../jobs/index.ts'
import { PRUNE_REGISTRATION_PROBES, pruneRegistrationProbes } from './index.ts'

const probesOf = async (sql: import('../platform/db.ts').Sql) =>
  (await sql<{ actor: string; at: Date }[]>`SELECT actor, at FROM registration_probe ORDER BY at`).map((r) => `${r.actor} ${r.at.toISOString()}`)

test('probes older than the throttle window are deleted; the ones it still counts stay', async () => {
  const db = await testDatabase()
  try {
    // A 60-minute window as of 10:00 UTC: 08:59:59 and 09:00:00 - 1 ms go, 09:00:00 and later stay.
    await db.sql`INSERT INTO registration_probe (actor, at) VALUES
      ('user:12', '2025-06-09T08:59:59Z'), ('user:12', '2025-06-09T08:59:59.999Z'),
      ('user:12', '2025-06-09T09:00:00Z'), ('partner:3', '2025-06-09T09:30:00Z')`
    const deleted = await pruneRegistrationProbes(db.sql, 60, new Date('2025-06-09T10:00:00Z'))
    assert.equal(deleted, 2)
    assert.deepEqual(await probesOf(db.sql), ['user:12 2025-06-09T09:00:00.000Z', 'partner:3 2025-06-09T09:30:00.000Z'])
  } finally {
    await db.close()
  }
})

test("the server's job runner prunes the probes daily at 03:17 Jakarta time, and when enqueued", async () => {
  const db = await testDatabase()
  const appSql = createPool(db.appUrl, { max: 2 })
  const config = loadConfig({ DATABASE_URL: db.url, JAMSOS_DATA_DIR: path.join(os.tmpdir(), 'jamsos-test-data'), JAMSOS_DUPLICATE_PROBE_WINDOW_MINUTES: '60' })
  const ctx: AppContext = { db: appSql, systemDb: db.sql, config, now: () => new Date(), services: { authKey: Buffer.from(TEST_AUTH_KEY, 'base64') } }
  const runner = await startJobRunner({ url: db.url, handlers: jobHandlers(ctx, createLogger('silent')), log: createLogger('silent'), pollingIntervalSeconds: 0.5 })
  try {
    const old = new Date(Date.now() - 2 * 3_600_000)
    const recent = new Date(Date.now() - 60_000)
    await db.sql`INSERT INTO registration_probe (actor, at) VALUES ('user:12', ${old}), ('user:12', ${recent})`
    await enqueue(db.sql, PRUNE_REGISTRATION_PROBES, {})
    await eventually('the job to delete the old probe', async () => (await probesOf(db.sql)).length === 1)
    assert.deepEqual(await probesOf(db.sql), [`user:12 ${recent.toISOString()}`])
    const [s] = await db.sql`SELECT name, cron, options->>'tz' AS tz FROM pgboss.schedule WHERE name = 'registry.prune_probes'`
    assert.deepEqual({ ...s }, { name: 'registry.prune_probes', cron: '17 3 * * *', tz: 'Asia/Jakarta' })
  } finally {
    await runner.stop()
    await appSql.end()
    await db.close()
  }
})
