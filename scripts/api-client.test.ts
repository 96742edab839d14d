// The web app's API types (web/src/api/schema.d.ts) are those of the API as it is now: a route
// whose schema changed without `npm run api:client` fails here, before the app and the API drift.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { apiTypes, nullableUnions, openApiDocument, SCHEMA_FILE } from './api-client.ts'
import { testApp } from '../test/app.ts'

test('web/src/api/schema.d.ts is what `npm run api:client` writes from the current OpenAPI document', async () => {
  const expected = await apiTypes(await openApiDocument())
  const committed = fs.readFileSync(SCHEMA_FILE, 'utf8')
  if (committed !== expected) {
    const a = committed.split('\n')
    const b = expected.split('\n')
    const at = a.findIndex((line, i) => line !== b[i])
    assert.fail(
      `web/src/api/schema.d.ts is out of date (first difference at line ${at + 1}: ${JSON.stringify(a[at])} should be ${JSON.stringify(b[at])}). ` +
        'Run `npm run api:client`, then `npm run typecheck` to see what in web/ the API change affects.',
    )
  }
})

test('the document the client is generated from is the one the server serves at /api/openapi.json', async () => {
  const t = await testApp()
  try {
    const served = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
    assert.deepEqual(served, JSON.parse(JSON.stringify(await openApiDocument())))
  } finally {
    await t.close()
  }
})

test('the generated types name the operations the app calls, with their parameters and answers', () => {
  const text = fs.readFileSync(SCHEMA_FILE, 'utf8')
  for (const op of ['login', 'logout', 'getCurrentUser', 'searchParticipants', 'getParticipant', 'revealParticipantNik', 'getCoverage', 'listBranches']) {
    assert.match(text, new RegExp(`\\b${op}: \\{`), op)
  }
  assert.match(text, /"\/api\/v1\/participants\/\{kpj\}": \{/)
})

test('a union with null becomes a nullable union (what openapi-typescript 6 reads)', () => {
  const nullSchema = { type: 'object', nullable: true, enum: [null] }
  assert.deepEqual(nullableUnions({ properties: { segment: { anyOf: [{ type: 'string', enum: ['BPU', 'PU'] }, nullSchema] } } }), {
    properties: { segment: { anyOf: [{ type: 'string', enum: ['BPU', 'PU'] }], nullable: true } },
  })
})
