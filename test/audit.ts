// The audit chain in tests: a fixed key, and "build the chain, then verify it" for tests that
// check the trail stays intact after what they did (the server's job builds it in production).
import { ANONYMOUS_ACTOR, type Actor } from '../src/platform/actor.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { buildAuditChain, verifyAuditChain, type ChainVerdict } from '../src/audit/index.ts'
import { testDatabase, type TestDatabase } from './db.ts'
import { eventually } from './eventually.ts'

/** A fixed audit chain key so tests are repeatable; never used outside tests. */
export const TEST_AUDIT_KEY = Buffer.alloc(32, 13)

/**
 * Chains every committed event (on the owner's pool) and verifies the whole trail. An id a
 * rolled-back transaction drew is chained as a gap once no transaction that could hold it is
 * running (any database of the cluster: xids are cluster-wide), so this builds until nothing waits.
 */
export async function chainedAndVerified(sql: Sql, key: Buffer = TEST_AUDIT_KEY): Promise<ChainVerdict> {
  await eventually('the audit chain to reach every committed event', async () => (await buildAuditChain(sql, key)).waitingOn === null)
  const verdict = await verifyAuditChain(sql, key)
  if (verdict.unchained !== 0) throw new Error(`${verdict.unchained} audit events left unchained: ${JSON.stringify(verdict)}`)
  return verdict
}

/** A KC Blitar branch officer, the usual author of the events these tests record. */
export const AUDIT_OFFICER: Actor = { ...ANONYMOUS_ACTOR, kind: 'user', userId: 12, name: 'siti', role: 'branch_officer', branchCodes: ['KC3505'], ip: '10.0.0.7' }

/** A database of its own for `fn`, with the owner's pool (`db.sql`) and an application-role pool. */
export async function withAuditDb(fn: (db: TestDatabase, app: Sql) => Promise<void>): Promise<void> {
  const db = await testDatabase()
  const app = createPool(db.appUrl, { max: 8 })
  try {
    await fn(db, app)
  } finally {
    await app.end()
    await db.close()
  }
}
