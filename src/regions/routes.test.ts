import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'

let t: TestApp
let officer: RoleSession

before(async () => {
  t = await testApp()
  officer = await as(t, 'branch_officer')
})
after(async () => t.close())

async function get(url: string, headers: Record<string, string> = officer.headers) {
  const res = await t.app.inject({ method: 'GET', url, headers })
  return { status: res.statusCode, body: res.json() }
}

test('GET /regions/provinces lists the 38 provinces by code', async () => {
  const { status, body } = await get('/api/v1/regions/provinces')
  assert.equal(status, 200)
  assert.equal(body.items.length, 38)
  assert.deepEqual(body.items[0], { code: '11', name: 'ACEH', level: 'province' })
  assert.ok(body.items.some((p: { code: string; name: string }) => p.code === '96' && p.name === 'PAPUA BARAT DAYA'))
})

test('GET /regions/35.05.01 is Wonodadi with its ancestors, villages and branch', async () => {
  const { status, body } = await get('/api/v1/regions/35.05.01')
  assert.equal(status, 200)
  assert.equal(body.name, 'Wonodadi')
  assert.equal(body.level, 'district')
  assert.equal(body.parentCode, '35.05')
  assert.deepEqual(body.ancestors, [
    { code: '35', name: 'JAWA TIMUR', level: 'province' },
    { code: '35.05', name: 'KABUPATEN BLITAR', level: 'regency' },
  ])
  assert.deepEqual(body.children[0], { code: '35.05.01.2001', name: 'Jaten', level: 'village' })
  assert.ok(body.children.every((c: { code: string; level: string }) => c.code.startsWith('35.05.01.') && c.level === 'village'))
  assert.deepEqual(body.branch, { code: 'KC3505', name: 'KC Blitar' })
})

test('the tree is navigable from a province down to a village', async () => {
  const province = (await get('/api/v1/regions/35')).body
  assert.equal(province.branch, null)
  assert.equal(province.ancestors.length, 0)
  const kotaBlitar = province.children.find((c: { name: string }) => c.name === 'KOTA BLITAR')
  const regency = (await get(`/api/v1/regions/${kotaBlitar.code}`)).body
  assert.deepEqual(regency.branch, { code: 'KC3505', name: 'KC Blitar' })
  const village = (await get(`/api/v1/regions/${regency.children[0].code}`)).body
  const leaf = (await get(`/api/v1/regions/${village.children[0].code}`)).body
  assert.equal(leaf.level, 'village')
  assert.deepEqual(leaf.children, [])
  assert.deepEqual(leaf.ancestors.map((a: { code: string }) => a.code), ['35', '35.72', village.code])
})

test('GET /regions/search?q=blitar finds both Blitar regencies first', async () => {
  const { status, body } = await get('/api/v1/regions/search?q=blitar&limit=3')
  assert.equal(status, 200)
  assert.deepEqual(Object.keys(body).sort(), ['items', 'nextCursor'])
  assert.deepEqual(body.items.slice(0, 2).map((i: { code: string }) => i.code), ['35.05', '35.72'])
  assert.equal(typeof body.nextCursor, 'string')
  const second = (await get('/api/v1/regions/search?q=blitar&limit=1')).body
  assert.equal(second.items[0].code, '35.05')
  const next = (await get(`/api/v1/regions/search?q=blitar&limit=1&cursor=${second.nextCursor}`)).body
  assert.equal(next.items[0].code, '35.72')
})

/** Every page of a search, following nextCursor, with the pages' sizes. */
async function walk(query: string, limit: number): Promise<{ codes: string[]; names: string[]; pages: number[] }> {
  const out = { codes: [] as string[], names: [] as string[], pages: [] as number[] }
  let cursor: string | null = null
  do {
    const res: { status: number; body: { items: { code: string; name: string }[]; nextCursor: string | null } } =
      await get(`/api/v1/regions/search?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    assert.equal(res.status, 200)
    out.codes.push(...res.body.items.map((i) => i.code))
    out.names.push(...res.body.items.map((i) => i.name))
    out.pages.push(res.body.items.length)
    cursor = res.body.nextCursor
  } while (cursor)
  return out
}

test('search pages follow the cursor: every hit once, in rank order, across ties of name', async () => {
  // "sumber" in Kabupaten Blitar: districts and villages, exact and prefix and inner matches, and
  // villages of one name in several districts (ties broken by code).
  const query = 'q=sumber&parent=35.05'
  const whole = (await get(`/api/v1/regions/search?${query}&limit=200`)).body
  assert.equal(whole.nextCursor, null)
  assert.ok(whole.items.length >= 15, `${whole.items.length} hits`)
  const names: string[] = whole.items.map((i: { name: string }) => i.name)
  assert.ok(names.some((n, i) => names.indexOf(n) !== i), 'some village name occurs in two districts')
  for (const limit of [1, 3, 7]) {
    const pages = await walk(query, limit)
    assert.deepEqual(pages.codes, whole.items.map((i: { code: string }) => i.code), `limit ${limit}`)
    assert.equal(new Set(pages.codes).size, pages.codes.length, 'no hit twice')
    assert.ok(pages.pages.slice(0, -1).every((n) => n === limit), 'full pages until the last')
  }
  // By code prefix too: the 22 districts of Kabupaten Blitar in code order, five at a time.
  const districts = await walk('q=35.05&level=district', 5)
  assert.equal(districts.codes.length, 22)
  assert.deepEqual(districts.codes, [...districts.codes].sort())
  assert.deepEqual(districts.pages, [5, 5, 5, 5, 2])
})

test('a cursor the search did not hand out is 400 CURSOR_INVALID on the field cursor', async () => {
  const other = Buffer.from(JSON.stringify([1000000001])).toString('base64url') // a one-key (id) cursor of another list
  const wrongTypes = Buffer.from(JSON.stringify(['0', 0, 'x', '35'])).toString('base64url')
  for (const cursor of ['not-a-cursor', '!!', other, wrongTypes, Buffer.from('{"a":1}').toString('base64url')]) {
    const res = await get(`/api/v1/regions/search?q=blitar&cursor=${encodeURIComponent(cursor)}`)
    assert.equal(res.status, 400, cursor)
    assert.equal(res.body.error.code, 'CURSOR_INVALID', cursor)
    assert.deepEqual(res.body.error.fields.map((f: { path: string }) => f.path), ['cursor'], cursor)
  }
  const tooLong = await get(`/api/v1/regions/search?q=blitar&cursor=${'A'.repeat(201)}`)
  assert.equal(tooLong.status, 400)
  assert.equal(tooLong.body.error.fields[0].path, 'cursor')
  // The old offset paging is gone: an offset is an unknown parameter, not a silent first page.
  const offset = await get('/api/v1/regions/search?q=blitar&offset=1')
  assert.equal(offset.status, 400)
})

test('search by level and parent: villages of Wonodadi whose name starts with "ja"', async () => {
  const { body } = await get('/api/v1/regions/search?q=JA&level=village&parent=35.05.01')
  assert.ok(body.items.length > 0)
  assert.ok(body.items.every((i: { code: string; name: string }) => i.code.startsWith('35.05.01.') && /ja/i.test(i.name)))
  assert.equal(body.items[0].name, 'Jaten')
})

test('an unknown region code is 404 REGION_NOT_FOUND; a malformed one is 400 REGION_CODE_INVALID naming the field', async () => {
  const missing = await get('/api/v1/regions/35.05.99')
  assert.equal(missing.status, 404)
  assert.equal(missing.body.error.code, 'REGION_NOT_FOUND')
  assert.deepEqual(missing.body.error.fields.map((f: { path: string }) => f.path), ['code'])

  const bad = await get('/api/v1/regions/35-05', { ...officer.headers, 'accept-language': 'en' })
  assert.equal(bad.status, 400)
  assert.equal(bad.body.error.code, 'REGION_CODE_INVALID')
  assert.deepEqual(bad.body.error.fields, [
    {
      path: 'code',
      code: 'REGION_CODE_INVALID',
      message: 'Not a region code (e.g. 35, 35.05, 35.05.01, 35.05.01.2001): "35-05" is not a region code: expected 35, 35.05, 35.05.01 or 35.05.01.2001',
    },
  ])

  const badParent = await get('/api/v1/regions/search?q=jaten&parent=3505')
  assert.equal(badParent.status, 400)
  assert.equal(badParent.body.error.code, 'REGION_CODE_INVALID')
  assert.equal(badParent.body.error.fields[0].path, 'parent')

  const badLevel = await get('/api/v1/regions/search?q=jaten&level=kelurahan')
  assert.equal(badLevel.status, 400)
  assert.equal(badLevel.body.error.code, 'VALIDATION_FAILED')
})

test('GET /branches lists 513 active branches; GET /branches/KC3505 serves both Blitar regencies', async () => {
  const list = await get('/api/v1/branches')
  assert.equal(list.status, 200)
  assert.equal(list.body.items.filter((b: { active: boolean }) => b.active).length, 513)
  assert.deepEqual(list.body.items.find((b: { code: string }) => b.code === 'KC3505'), { code: 'KC3505', name: 'KC Blitar', active: true, regencyCount: 2 })

  const { status, body } = await get('/api/v1/branches/KC3505')
  assert.equal(status, 200)
  assert.deepEqual(body, {
    code: 'KC3505',
    name: 'KC Blitar',
    active: true,
    regencies: [
      { code: '35.05', name: 'KABUPATEN BLITAR', provinceCode: '35', provinceName: 'JAWA TIMUR' },
      { code: '35.72', name: 'KOTA BLITAR', provinceCode: '35', provinceName: 'JAWA TIMUR' },
    ],
  })
})

test('an unknown branch is 404 BRANCH_NOT_FOUND', async () => {
  const { status, body } = await get('/api/v1/branches/KC9999')
  assert.equal(status, 404)
  assert.equal(body.error.code, 'BRANCH_NOT_FOUND')
  assert.equal(body.error.fields[0].path, 'code')
})

test('the region routes need a signed-in caller and are documented under the regions tag', async () => {
  const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/regions/provinces' })
  assert.equal(anonymous.statusCode, 401)
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
  for (const p of ['/api/v1/regions/provinces', '/api/v1/regions/search', '/api/v1/regions/{code}', '/api/v1/branches', '/api/v1/branches/{code}']) {
    assert.deepEqual(doc.paths[p]?.get?.tags, ['regions'], p)
  }
})
