import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BranchConfigError, defaultBranchCode, defaultBranchName, parseBranchConfig, planBranches, titleCase } from './branches.ts'

// Real regencies (Kemendagri codes, idn-area-data).
const REGENCIES = [
  { code: '35.05', name: 'KABUPATEN BLITAR' },
  { code: '35.06', name: 'KABUPATEN KEDIRI' },
  { code: '35.72', name: 'KOTA BLITAR' },
  { code: '35.73', name: 'KOTA MALANG' },
  { code: '73.10', name: 'KABUPATEN PANGKAJENE DAN KEPULAUAN' },
  { code: '31.71', name: 'KOTA ADMINISTRASI JAKARTA SELATAN' },
]
const BLITAR = { merge: [{ code: 'KC3505', name: 'KC Blitar', regencies: ['35.05', '35.72'] }] }
const FILE = 'config/branches.json'

test('a regency has its own branch by default: KC + its code digits, named after it', () => {
  assert.equal(defaultBranchCode('35.73'), 'KC3573')
  assert.equal(defaultBranchName('KOTA MALANG'), 'KC Kota Malang')
  assert.equal(defaultBranchName('KABUPATEN BLITAR'), 'KC Kabupaten Blitar')
  assert.equal(defaultBranchName('KOTA ADMINISTRASI JAKARTA SELATAN'), 'KC Kota Administrasi Jakarta Selatan')
  assert.equal(titleCase('KABUPATEN PANGKAJENE DAN KEPULAUAN'), 'Kabupaten Pangkajene dan Kepulauan')
  assert.equal(titleCase('lawe sigala-gala'), 'Lawe Sigala-Gala')
})

test('KABUPATEN BLITAR and KOTA BLITAR merged into KC Blitar; the others keep their own branch', () => {
  const plan = planBranches(REGENCIES, parseBranchConfig(BLITAR, FILE), FILE)
  assert.deepEqual(plan.assignments, [
    { regencyCode: '31.71', branchCode: 'KC3171' },
    { regencyCode: '35.05', branchCode: 'KC3505' },
    { regencyCode: '35.06', branchCode: 'KC3506' },
    { regencyCode: '35.72', branchCode: 'KC3505' },
    { regencyCode: '35.73', branchCode: 'KC3573' },
    { regencyCode: '73.10', branchCode: 'KC7310' },
  ])
  assert.deepEqual(plan.branches, [
    { code: 'KC3171', name: 'KC Kota Administrasi Jakarta Selatan' },
    { code: 'KC3505', name: 'KC Blitar' },
    { code: 'KC3506', name: 'KC Kabupaten Kediri' },
    { code: 'KC3573', name: 'KC Kota Malang' },
    { code: 'KC7310', name: 'KC Kabupaten Pangkajene dan Kepulauan' },
  ])
})

test('no merges: one branch per regency', () => {
  const plan = planBranches(REGENCIES, parseBranchConfig({}, FILE), FILE)
  assert.equal(plan.branches.length, REGENCIES.length)
  assert.equal(plan.assignments.find((a) => a.regencyCode === '35.72')!.branchCode, 'KC3572')
})

const refusals: [string, unknown, RegExp][] = [
  ['an unknown regency code', { merge: [{ code: 'KC3505', name: 'KC Blitar', regencies: ['35.05', '35.99'] }] }, /merge\[0\] \("KC3505", KC Blitar\): unknown regency code "35\.99"/],
  [
    'a regency in two merges',
    { merge: [BLITAR.merge[0], { code: 'KC3573', name: 'KC Malang Raya', regencies: ['35.73', '35.72'] }] },
    /merge\[1\] \("KC3573", KC Malang Raya\): regency 35\.72 \(KOTA BLITAR\) is already in merge\[0\] \("KC3505"\)/,
  ],
  [
    'two merges with one code',
    { merge: [BLITAR.merge[0], { code: 'KC3505', name: 'KC Kediri', regencies: ['35.06'] }] },
    /merge\[1\] \("KC3505", KC Kediri\): branch code KC3505 is already used by merge\[0\]/,
  ],
  [
    "another regency's own branch code",
    { merge: [{ code: 'KC3506', name: 'KC Blitar', regencies: ['35.05', '35.72'] }] },
    /merge\[0\] \("KC3506", KC Blitar\): code KC3506 is the own branch of regency 35\.06 \(KABUPATEN KEDIRI\)/,
  ],
]
for (const [what, config, message] of refusals) {
  test(`a configuration with ${what} is refused, naming the entry`, () => {
    assert.throws(() => planBranches(REGENCIES, parseBranchConfig(config, FILE), FILE), (e: unknown) => {
      assert.ok(e instanceof BranchConfigError)
      assert.match((e as Error).message, /^Branch configuration config\/branches\.json: /)
      assert.match((e as Error).message, message)
      return true
    })
  })
}

const malformed: [unknown, RegExp][] = [
  [[], /top level: must be an object/],
  [{ merges: [] }, /"merges": is not a known key/],
  [{ merge: {} }, /"merge": must be an array/],
  [{ merge: [{ code: 'kc3505', name: 'KC Blitar', regencies: ['35.05'] }] }, /merge\[0\] \("kc3505"\): code must be 2 to 20 capital letters/],
  [{ merge: [{ code: 'KC3505', name: ' ', regencies: ['35.05'] }] }, /merge\[0\] \("KC3505"\): name must be a non-empty string/],
  [{ merge: [{ code: 'KC3505', name: 'KC Blitar', regencies: [] }] }, /regencies must be a non-empty array/],
  [{ merge: [{ code: 'KC3505', name: 'KC Blitar', regencies: ['3505'] }] }, /merge\[0\] \("KC3505"\): "3505" is not a regency code like "35\.05"/],
  [{ merge: [{ code: 'KC3505', name: 'KC Blitar', regencies: ['35.05'], region: 'x' }] }, /"region" is not a known key/],
]
for (const [json, message] of malformed) {
  test(`a malformed configuration is refused: ${message.source}`, () => {
    assert.throws(() => parseBranchConfig(json, FILE), message)
  })
}
