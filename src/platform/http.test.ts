// What a client sees when the database, not a module's own check, refuses a request: a 4xx with a
// stable code, never a 500. Real PostgreSQL errors, produced on a test database.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { createHttp, toAppError } from './http.ts'
import { loadConfig } from './config.ts'
import { createLogger } from './log.ts'

let db: TestDatabase
before(async () => {
  db = await testDatabase()
})
after(() => db.close())

async function refusal(query: () => Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await query()
  } catch (e) {
    const err = toAppError(e)
    return { status: err.status, code: err.code }
  }
  throw new Error('the database accepted it')
}

test('a number too large to store is OUT_OF_RANGE (400)', async () => {
  assert.deepEqual(await refusal(() => db.sql`SELECT ${'100000000000000000000'}::int8`), { status: 400, code: 'OUT_OF_RANGE' })
})

test('text that is not a number, a NUL character and a broken CHECK are INVALID_VALUE (400)', async () => {
  assert.deepEqual(await refusal(() => db.sql`SELECT ${'1e+30x'}::int8`), { status: 400, code: 'INVALID_VALUE' })
  assert.deepEqual(await refusal(() => db.sql`SELECT ${'Jl. Raya\u0000 12'}::text`), { status: 400, code: 'INVALID_VALUE' })
  await db.sql`CREATE TEMP TABLE t (n int CHECK (n > 0))`
  assert.deepEqual(await refusal(() => db.sql`INSERT INTO t VALUES (-1)`), { status: 400, code: 'INVALID_VALUE' })
})

test('a write that row-level security refuses is OUT_OF_SCOPE (403)', async () => {
  await db.sql.begin(async (tx) => {
    await tx`CREATE TEMP TABLE scoped (branch text)`
    await tx`ALTER TABLE scoped ENABLE ROW LEVEL SECURITY`
    await tx`CREATE POLICY own_branch ON scoped USING (branch = 'KC3505') WITH CHECK (branch = 'KC3505')`
    await tx`GRANT ALL ON scoped TO jamsos_app`
    await tx`SET LOCAL ROLE jamsos_app`
    assert.deepEqual(await refusal(() => tx.savepoint((sp) => sp`INSERT INTO scoped VALUES ('KC3573')`)), { status: 403, code: 'OUT_OF_SCOPE' })
  })
})

test('the client address is the socket address unless JAMSOS_TRUST_PROXY names the proxy', async () => {
  const ipSeen = async (env: NodeJS.ProcessEnv, remoteAddress: string) => {
    const app = await createHttp({
      logger: createLogger('silent'),
      ctx: { db: db.sql, systemDb: db.sql, config: loadConfig(env), now: () => new Date(), services: {} },
      routes: async (api) => {
        api.get('/ip', { schema: { operationId: 'getIp' } }, async (req) => ({ ip: req.ip }))
      },
    })
    try {
      const r = await app.inject({ method: 'GET', url: '/api/v1/ip', remoteAddress, headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' } })
      return (r.json() as { ip: string }).ip
    } finally {
      await app.close()
    }
  }
  // A client cannot choose its own address by sending the header.
  assert.equal(await ipSeen({}, '10.1.1.1'), '10.1.1.1')
  // One trusted hop: the address the proxy appended.
  assert.equal(await ipSeen({ JAMSOS_TRUST_PROXY: '1' }, '10.1.1.1'), '198.51.100.7')
  // A named proxy is believed; the same header from anyone else is not.
  assert.equal(await ipSeen({ JAMSOS_TRUST_PROXY: '10.0.0.0/8' }, '10.1.1.1'), '198.51.100.7')
  assert.equal(await ipSeen({ JAMSOS_TRUST_PROXY: '10.0.0.0/8' }, '192.0.2.44'), '192.0.2.44')
})
