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
  assert.deepEqual(body.items.slice(0, 2).map((i: { code: string }) => i.code), ['35.05', '35.72'])
  assert.equal(body.limit, 3)
  assert.equal(body.offset, 0)
  assert.ok(body.total >= 3)
  const second = (await get('/api/v1/regions/search?q=blitar&limit=1&offset=1')).body
  assert.equal(second.items[0].code, '35.72')
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
