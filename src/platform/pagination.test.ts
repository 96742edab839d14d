// One pagination style for every list (issue 13 §5): limit + an opaque cursor in, { items,
// nextCursor } out, keyset pages that neither repeat nor skip, and a cursor the list did not hand
// out refused as a 400 naming the field.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { AppError } from './errors.ts'
import { decodeCursor, encodeCursor, pageOf } from './cursor.ts'

let t: TestApp
let admin: RoleSession

before(async () => {
  t = await testApp()
  admin = await as(t, 'admin')
})
after(async () => t.close())

test('a cursor is the sort key, opaque; decoded only in the shape its list gave it', () => {
  const cursor = encodeCursor([0, 3, 'sumberjo', '35.05.03.2004'])
  assert.match(cursor, /^[A-Za-z0-9_-]+$/)
  assert.deepEqual(decodeCursor(cursor, ['int', 'int', 'text', 'text']), [0, 3, 'sumberjo', '35.05.03.2004'])
  assert.deepEqual(decodeCursor(encodeCursor([1000000001]), ['int']), [1000000001])
  const refused = (cursor: string, shape: readonly ('int' | 'text')[]) =>
    assert.throws(() => decodeCursor(cursor, shape), (e: AppError) => e.code === 'CURSOR_INVALID' && e.fields[0]!.path === 'cursor' && e.status === 400, cursor)
  refused(cursor, ['int']) // another list's
  refused(encodeCursor(['12']), ['int']) // text where an id goes
  refused(encodeCursor([2 ** 53]), ['int']) // past the safe integers
  refused(encodeCursor([1.5]), ['int'])
  refused('bm90IGpzb24', ['int']) // base64url of "not json"
  refused('abc=', ['int']) // not base64url
  refused('', ['int'])
})

test('pageOf: limit + 1 rows make a page and the cursor of its last row', () => {
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }]
  assert.deepEqual(pageOf(rows, 2, (r) => [r.id]), { items: [{ id: 1 }, { id: 2 }], nextCursor: encodeCursor([2]) })
  assert.deepEqual(pageOf(rows, 3, (r) => [r.id], (r) => r.id * 10), { items: [10, 20, 30], nextCursor: null })
  assert.deepEqual(pageOf([], 5, () => [0]), { items: [], nextCursor: null })
})

test('every list in the OpenAPI document pages the same way: limit and cursor in, items and nextCursor out', async () => {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
  const paged: string[] = []
  for (const [path, ops] of Object.entries<Record<string, { parameters?: { name: string; in: string; schema: object }[]; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>>(doc.paths)) {
    const op = ops.get
    if (!op) continue
    const query = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]))
    const answer = op.responses['200']?.content?.['application/json']?.schema.properties ?? {}
    assert.ok(!query.has('offset'), `${path}: offset paging`)
    if (!('nextCursor' in answer) && !query.has('cursor')) continue
    paged.push(path)
    assert.deepEqual(Object.keys(answer).sort(), ['items', 'nextCursor'], path)
    // (the document moves a parameter's description out of its schema)
    const { description: _, ...limit } = query.get('limit') as { description?: string }
    assert.deepEqual(limit, { type: 'integer', minimum: 1, maximum: 200, default: 50 }, path)
    assert.equal((query.get('cursor') as { maxLength?: number }).maxLength, 200, path)
  }
  for (const list of ['/api/v1/participants', '/api/v1/users', '/api/v1/audit', '/api/v1/regions/search']) assert.ok(paged.includes(list), list)
})

test('GET /users walks every account once, in id order, two at a time; a foreign cursor is 400 on cursor', async () => {
  const agents: number[] = []
  for (let i = 0; i < 5; i++) agents.push((await as(t, 'agent', { agentId: 9100 + i, username: `pager.agent${i}` })).user.id)
  const seen: number[] = []
  const sizes: number[] = []
  let cursor: string | null = null
  do {
    const url: string = `/api/v1/users?role=agent&limit=2${cursor ? `&cursor=${cursor}` : ''}`
    const res = await t.app.inject({ method: 'GET', url, headers: admin.headers })
    assert.equal(res.statusCode, 200)
    const body: { items: { id: number }[]; nextCursor: string | null } = res.json()
    seen.push(...body.items.map((u) => u.id))
    sizes.push(body.items.length)
    cursor = body.nextCursor
  } while (cursor)
  assert.deepEqual(seen, agents)
  assert.deepEqual(sizes, [2, 2, 1])

  const regionCursor = encodeCursor([0, 1, 'blitar', '35.05'])
  for (const bad of [regionCursor, '123', 'zz!']) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users?cursor=${encodeURIComponent(bad)}`, headers: admin.headers })
    assert.equal(res.statusCode, 400, bad)
    assert.equal(res.json().error.code, 'CURSOR_INVALID', bad)
    assert.deepEqual(res.json().error.fields.map((f: { path: string }) => f.path), ['cursor'], bad)
  }
})
