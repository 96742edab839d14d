import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { loadConfig } from '../platform/config.ts'
import { BranchConfigError } from './branches.ts'
import { loadBranches, loadRegions, readRegionSource, regionPackage } from './loader.ts'
import { getBranch, listBranches, placeIndex, regionCodes, searchRegions, villagePlace } from './lookups.ts'
import { regionCounts } from './queries.ts'

// The template every test database is cloned from was loaded by loadReferenceData, with the
// shipped config/branches.json (KABUPATEN BLITAR + KOTA BLITAR = KC Blitar).
let db: TestDatabase
let tmp: string
const shippedBranches = loadConfig({}).branchesFile

before(async () => {
  db = await testDatabase()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-regions-'))
})
after(async () => {
  await db.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

function branchesFile(name: string, json: unknown): string {
  const file = path.join(tmp, name)
  fs.writeFileSync(file, JSON.stringify(json))
  return file
}

test('idn-area-data gives 38 provinces, 514 regencies, 7,277 districts and 83,763 villages', async () => {
  assert.deepEqual(await regionCounts(db.sql), { province: 38, regency: 514, district: 7_277, village: 83_763 })
})

test('village 35.05.01.2001 is Jaten, Wonodadi, Kabupaten Blitar, Jawa Timur, served by KC Blitar (merged)', async () => {
  assert.deepEqual(await villagePlace(db.sql, '35.05.01.2001'), {
    villageCode: '35.05.01.2001',
    villageName: 'Jaten',
    districtCode: '35.05.01',
    districtName: 'Wonodadi',
    regencyCode: '35.05',
    regencyName: 'KABUPATEN BLITAR',
    provinceCode: '35',
    provinceName: 'JAWA TIMUR',
    branchCode: 'KC3505',
    branchName: 'KC Blitar',
  })
})

test('a KOTA BLITAR village (Kepanjenkidul, 35.72.01.1001) is also served by KC3505', async () => {
  const place = await villagePlace(db.sql, '35.72.01.1001')
  assert.equal(place?.regencyName, 'KOTA BLITAR')
  assert.equal(place?.branchCode, 'KC3505')
  assert.equal(place?.branchName, 'KC Blitar')
})

test('a regency in no merge has its own branch: KOTA MALANG → KC3573 "KC Kota Malang"', async () => {
  const place = await villagePlace(db.sql, '35.73.01.1001')
  assert.equal(place?.regencyName, 'KOTA MALANG')
  assert.equal(place?.branchCode, 'KC3573')
  assert.equal(place?.branchName, 'KC Kota Malang')
})

test('an unknown or malformed village code has no place', async () => {
  assert.equal(await villagePlace(db.sql, '35.05.01.9999'), undefined)
  assert.equal(await villagePlace(db.sql, '3505012001'), undefined)
})

test('the place index holds every village, each equal to its villagePlace', async () => {
  const index = await placeIndex(db.sql)
  assert.equal(index.size, 83_763)
  assert.deepEqual(index.get('35.05.01.2001'), await villagePlace(db.sql, '35.05.01.2001'))
  assert.deepEqual(index.get('35.72.01.1001'), await villagePlace(db.sql, '35.72.01.1001'))
  // Villages of one district share their district's strings rather than copying them.
  assert.equal(index.get('35.05.01.2001')!.branchName, 'KC Blitar')
})

test('regionCodes lists dotted province, regency and district codes for NIK checks', async () => {
  const codes = await regionCodes(db.sql)
  assert.equal(codes.provinces.size, 38)
  assert.equal(codes.regencies.size, 514)
  assert.equal(codes.districts.size, 7_277)
  assert.ok(codes.provinces.has('35') && codes.regencies.has('35.05') && codes.districts.has('35.05.01'))
  assert.equal(codes.districts.has('35.05.99'), false)
})

test("search 'blitar' ranks KABUPATEN BLITAR and KOTA BLITAR first", async () => {
  const { items } = await searchRegions(db.sql, { q: 'blitar', limit: 5 })
  assert.deepEqual(
    items.slice(0, 2).map((i) => [i.code, i.name, i.level]),
    [
      ['35.05', 'KABUPATEN BLITAR', 'regency'],
      ['35.72', 'KOTA BLITAR', 'regency'],
    ],
  )
  assert.deepEqual(items[0]!.ancestors, [{ code: '35', name: 'JAWA TIMUR', level: 'province' }])
})

test('search ignores case and accents', async () => {
  const plain = await searchRegions(db.sql, { q: 'kota blitar', level: 'regency' })
  assert.deepEqual(plain.items.map((i) => i.code), ['35.72'])
  for (const q of ['KOTA BLITAR', 'Kotá Blítar', '  kota   BLÍTAR ']) {
    assert.deepEqual(await searchRegions(db.sql, { q, level: 'regency' }), plain, q)
  }
  // Village names are title case in the data; a lower-case, accented query still finds Kepanjenkidul.
  const kepanjen = await searchRegions(db.sql, { q: 'képanjenkidul', level: 'village' })
  assert.ok(kepanjen.items.some((i) => i.code === '35.72.01.1001'))
})

test('search by code prefix, dotted or as a NIK writes it, and under a parent', async () => {
  const dotted = await searchRegions(db.sql, { q: '35.05', level: 'district', limit: 100 })
  assert.equal(dotted.items.length, 22)
  assert.equal(dotted.nextCursor, null)
  assert.deepEqual(await searchRegions(db.sql, { q: '3505', level: 'district', limit: 100 }), dotted)
  assert.equal(dotted.items[0]!.code, '35.05.01')
  const wonodadi = await searchRegions(db.sql, { parent: '35.05.01', level: 'village', limit: 100 })
  assert.equal(wonodadi.items[0]!.name, 'Jaten')
  assert.ok(wonodadi.items.every((i) => i.parentCode === '35.05.01'))
  // A LIKE wildcard in the text matches itself only.
  assert.deepEqual(await searchRegions(db.sql, { q: '%' }), { items: [], nextCursor: null })
})

test('a second load of the same data and branch file writes nothing', async () => {
  const [before] = await db.sql`SELECT loaded_at, (SELECT xmin::text FROM village WHERE code = '35.05.01.2001') AS v,
    (SELECT xmin::text FROM branch WHERE code = 'KC3505') AS b, (SELECT xmin::text FROM branch_regency WHERE regency_code = '35.72') AS br
    FROM region_data`
  await loadRegions(db.sql)
  await loadBranches(db.sql, shippedBranches)
  const [after] = await db.sql`SELECT loaded_at, (SELECT xmin::text FROM village WHERE code = '35.05.01.2001') AS v,
    (SELECT xmin::text FROM branch WHERE code = 'KC3505') AS b, (SELECT xmin::text FROM branch_regency WHERE regency_code = '35.72') AS br
    FROM region_data`
  assert.deepEqual(after, before)
  const [source] = await db.sql`SELECT source FROM region_data`
  assert.equal(source!.source, `idn-area-data@${regionPackage().version}`)
})

test('a bad branch file is refused naming the entry, and the branches stay as they were', async () => {
  const file = branchesFile('bad.json', { merge: [{ code: 'KC3505', name: 'KC Blitar', regencies: ['35.05', '35.99'] }] })
  await assert.rejects(loadBranches(db.sql, file), (e: unknown) => {
    assert.ok(e instanceof BranchConfigError)
    assert.equal((e as Error).message, `Branch configuration ${file}: merge[0] ("KC3505", KC Blitar): unknown regency code "35.99"`)
    return true
  })
  await assert.rejects(loadBranches(db.sql, path.join(tmp, 'missing.json')), /missing\.json: cannot be read \(ENOENT\)/)
  const broken = path.join(tmp, 'broken.json')
  fs.writeFileSync(broken, '{"merge": [')
  await assert.rejects(loadBranches(db.sql, broken), /broken\.json: not valid JSON/)
  assert.equal((await villagePlace(db.sql, '35.72.01.1001'))?.branchCode, 'KC3505')
})

test('a changed branch file moves regencies, renames and retires branches; the old file restores them', async () => {
  const file = branchesFile('malang.json', { merge: [{ code: 'KC3507', name: 'KC Malang', regencies: ['35.07', '35.73', '35.79'] }] })
  await loadBranches(db.sql, file)
  // Blitar is split again: each regency its own default branch.
  assert.equal((await villagePlace(db.sql, '35.72.01.1001'))?.branchCode, 'KC3572')
  assert.equal((await villagePlace(db.sql, '35.05.01.2001'))?.branchName, 'KC Kabupaten Blitar')
  assert.equal((await villagePlace(db.sql, '35.73.01.1001'))?.branchName, 'KC Malang')
  // KC3573 serves nothing now but stays, inactive, for participants registered under it.
  assert.deepEqual(await getBranch(db.sql, 'KC3573'), { code: 'KC3573', name: 'KC Kota Malang', active: false, regencies: [] })
  const malang = await getBranch(db.sql, 'KC3507')
  assert.deepEqual(malang?.regencies.map((r) => r.name), ['KABUPATEN MALANG', 'KOTA MALANG', 'KOTA BATU'])

  await loadBranches(db.sql, shippedBranches)
  assert.equal((await villagePlace(db.sql, '35.72.01.1001'))?.branchCode, 'KC3505')
  assert.equal((await villagePlace(db.sql, '35.73.01.1001'))?.branchCode, 'KC3573')
  const branches = await listBranches(db.sql)
  assert.deepEqual(branches.find((b) => b.code === 'KC3573'), { code: 'KC3573', name: 'KC Kota Malang', active: true, regencyCount: 1 })
  assert.deepEqual(branches.find((b) => b.code === 'KC3572'), { code: 'KC3572', name: 'KC Kota Blitar', active: false, regencyCount: 0 })
  assert.equal(branches.filter((b) => b.active).length, 513)
})

test('a new data version renames, adds and removes villages in one transaction; the package data restores them', async () => {
  const pkg = readRegionSource()
  const dir = path.join(tmp, 'data')
  fs.mkdirSync(dir)
  for (const f of ['provinces.csv', 'regencies.csv', 'districts.csv']) fs.copyFileSync(path.join(regionPackage().dir, f), path.join(dir, f))
  const villages = pkg.texts.village
    .replace('35.05.01.2001,35.05.01,Jaten\n', '35.05.01.2001,35.05.01,Jaten Baru\n')
    .replace('35.05.01.2002,35.05.01,Salam\n', '')
    .concat('35.05.01.2999,35.05.01,Desa Uji\n')
  fs.writeFileSync(path.join(dir, 'villages.csv'), villages)
  await loadRegions(db.sql, readRegionSource({ dir, source: 'test-data' }))
  assert.equal((await villagePlace(db.sql, '35.05.01.2001'))?.villageName, 'Jaten Baru')
  assert.equal(await villagePlace(db.sql, '35.05.01.2002'), undefined)
  assert.equal((await villagePlace(db.sql, '35.05.01.2999'))?.branchCode, 'KC3505')
  assert.equal((await regionCounts(db.sql)).village, 83_763)

  // A file that breaks the rules is refused whole: nothing of it is kept.
  fs.writeFileSync(path.join(dir, 'villages.csv'), villages.concat('35.05.02.2999,35.05.01,Salah Induk\n'))
  await assert.rejects(
    loadRegions(db.sql, readRegionSource({ dir, source: 'bad-data' })),
    /bad-data villages\.csv line 83765: parent "35\.05\.01" is not the prefix of 35\.05\.02\.2999/,
  )
  fs.writeFileSync(path.join(dir, 'villages.csv'), villages.concat('35.05.01.2001,35.05.01,Kembar\n'))
  await assert.rejects(loadRegions(db.sql, readRegionSource({ dir, source: 'dup-data' })), /dup-data villages\.csv line 83765: code 35\.05\.01\.2001 again \(first on line 41690\)/)
  assert.equal((await db.sql`SELECT source FROM region_data`)[0]!.source, 'test-data')

  await loadRegions(db.sql, pkg)
  assert.equal((await villagePlace(db.sql, '35.05.01.2001'))?.villageName, 'Jaten')
  assert.equal((await villagePlace(db.sql, '35.05.01.2002'))?.villageName, 'Salam')
  assert.equal(await villagePlace(db.sql, '35.05.01.2999'), undefined)
  assert.deepEqual(await regionCounts(db.sql), { province: 38, regency: 514, district: 7_277, village: 83_763 })
})
