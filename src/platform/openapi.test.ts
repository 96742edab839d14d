// The OpenAPI document as client generators and linters read it (issue 12, item 5): valid
// OpenAPI 3 (Redocly's recommended rules include `struct`, the check against the OpenAPI 3
// structure), clean under the rest of those rules, a `servers` entry, and every operation named by
// a stable, unique operationId (generated clients take their method names from it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import { testApp, type TestApp } from '../../test/app.ts'
import { createHttp } from './http.ts'
import { loadConfig } from './config.ts'
import { createLogger } from './log.ts'

let t: TestApp
let doc: OpenApiDoc
before(async () => {
  t = await testApp()
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
  assert.equal(res.statusCode, 200)
  doc = res.json()
})
after(() => t.close())

interface Operation {
  operationId?: string
}
interface OpenApiDoc {
  openapi: string
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

function operations(d: OpenApiDoc): { where: string; op: Operation }[] {
  return Object.entries(d.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  )
}

test('Redocly lint with the recommended rules finds nothing in the document, neither error nor warning', async () => {
  const config = await createConfig({ extends: ['recommended'] })
  const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config })
  assert.deepEqual(
    problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`),
    [],
  )
})

test('the document is OpenAPI 3 and names its server (relative, so it works behind any host or proxy)', () => {
  assert.match(doc.openapi, /^3\./)
  assert.ok(doc.servers && doc.servers.length > 0, 'servers is present')
  assert.equal(doc.servers[0]!.url, '/')
})

test('every operation has an operationId, each one unique', () => {
  const ops = operations(doc)
  assert.ok(ops.length >= 30, `${ops.length} operations`)
  const missing = ops.filter((o) => !o.op.operationId).map((o) => o.where)
  assert.deepEqual(missing, [], 'operations without operationId')
  const seen = new Map<string, string>()
  for (const { where, op } of ops) {
    const prior = seen.get(op.operationId!)
    assert.equal(prior, undefined, `${op.operationId} names both ${prior} and ${where}`)
    seen.set(op.operationId!, where)
    assert.match(op.operationId!, /^[a-z][A-Za-z0-9]*$/, `${where}: a camelCase identifier`)
  }
})

test('the contract operations keep the names clients are generated with', () => {
  const byId = new Map(operations(doc).map((o) => [o.op.operationId, o.where]))
  const expected: Record<string, string> = {
    registerParticipant: 'POST /api/v1/participants',
    searchParticipants: 'GET /api/v1/participants',
    getParticipant: 'GET /api/v1/participants/{kpj}',
    updateParticipant: 'PATCH /api/v1/participants/{kpj}',
    getCoverage: 'GET /api/v1/participants/{kpj}/coverage',
    createBill: 'POST /api/v1/participants/{kpj}/bills',
    listBills: 'GET /api/v1/participants/{kpj}/bills',
    postPayment: 'POST /api/v1/payments',
    login: 'POST /api/v1/auth/login',
  }
  for (const [id, where] of Object.entries(expected)) assert.equal(byId.get(id), where, id)
})

test('two routes with one operationId stop start-up, naming both', async () => {
  await assert.rejects(async () => {
    const app = await createHttp({
      logger: createLogger('silent'),
      ctx: { db: t.db.sql, systemDb: t.db.sql, config: loadConfig({}), now: () => new Date(), services: {} },
      routes: async (api) => {
        api.get('/first', { schema: { operationId: 'getThing' } }, async () => ({}))
        api.get('/second', { schema: { operationId: 'getThing' } }, async () => ({}))
      },
    })
    await app.close()
  }, /GET \/api\/v1\/second: operationId 'getThing' already names GET \/api\/v1\/first/)
})

test('a route without an operationId stops start-up, naming the route', async () => {
  await assert.rejects(async () => {
    const app = await createHttp({
      logger: createLogger('silent'),
      ctx: { db: t.db.sql, systemDb: t.db.sql, config: loadConfig({}), now: () => new Date(), services: {} },
      routes: async (api) => {
        api.get('/unnamed', { schema: { summary: 'no operationId' } }, async () => ({}))
      },
    })
    await app.close()
  }, /GET \/api\/v1\/unnamed: .*operationId/)
})
