// The `jamsos participant import` command, run as a user runs it: its own process, a file or
// standard input, exit status 3 when rows were refused, the rejections streamed to a file.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { testDatabase, type TestDatabase } from '../test/db.ts'
import { registration } from '../test/fixtures.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../test/app.ts'
import { projectRoot } from './platform/config.ts'

let db: TestDatabase
let dir: string

before(async () => {
  db = await testDatabase()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-cli-'))
})
after(async () => {
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function jamsos(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'jamsos.js'), ...args], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      JAMSOS_DATA_DIR: path.join(dir, 'data'),
      JAMSOS_NIK_KEY: TEST_NIK_KEY,
      JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY,
      JAMSOS_ADMIN_PASSWORD: 'cli-test-password-1',
      LOG_LEVEL: 'warn',
    },
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const count = async () => (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM participant`)[0]!.n

test('participant import: good rows land, refused rows are counted and streamed to --rejections, exit status 3', async () => {
  const good = [registration({ fullName: 'Impor Satu' }), registration({ fullName: 'Impor Dua' })]
  const lines = [
    JSON.stringify(good[0]),
    '{"nik": "3505',
    JSON.stringify(registration({ villageCode: '99.99.99.9999', occupation: 'astronaut' })),
    '',
    JSON.stringify({ ...good[0], fullName: 'Twin' }),
    JSON.stringify(good[1]),
  ]
  const file = path.join(dir, 'rows.ndjson')
  fs.writeFileSync(file, lines.join('\n') + '\n')
  const rejections = path.join(dir, 'rejections.ndjson')
  const before = await count()

  const r = jamsos(['participant', 'import', file, '--json', '--rejections', rejections])
  assert.equal(r.status, 3, r.stderr)
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!)
  assert.equal(summary.inserted, 2)
  assert.equal(summary.duplicates, 1)
  assert.equal(summary.rejectedRows, 2)
  assert.match(summary.firstKpj, /^\d{11}$/)
  assert.equal(await count(), before + 2)
  // Rows are numbered as lines that carry a row (the blank line is skipped).
  const refused = fs.readFileSync(rejections, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(
    refused.map((x) => [x.row, x.field, x.code]),
    [
      [2, '(row)', 'MALFORMED_JSON'],
      [3, 'villageCode', 'VILLAGE_UNKNOWN'],
      [3, 'occupation', 'OCCUPATION_UNKNOWN'],
    ],
  )
})

test('participant import reads standard input with "-", and a clean file exits 0', async () => {
  const rows = [registration({ fullName: 'Dari Stdin' })]
  const r = jamsos(['participant', 'import', '-'], rows.map((x) => JSON.stringify(x)).join('\n'))
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /Registered 1 \(KPJ \d{11}\.\.\d{11}\), 0 already registered, 0 rows refused/)
})

test('participant import: a missing file is a usage error, and nothing is written', async () => {
  const before = await count()
  const r = jamsos(['participant', 'import', path.join(dir, 'nope.ndjson')])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /No such file/)
  assert.equal(await count(), before)
})

test('usage errors exit 2 with a plain message: a bad option, a bad --batch, a missing or broken registration file, no command', async () => {
  const badOption = jamsos(['participant', 'import', '-', '--nope'])
  assert.equal(badOption.status, 2)
  assert.match(badOption.stderr, /Unknown option '--nope'/)
  const badBatch = jamsos(['participant', 'import', '-', '--batch', 'abc'], '')
  assert.equal(badBatch.status, 2)
  assert.match(badBatch.stderr, /--batch must be a whole number of rows from 1 to 100000, got "abc"/)
  const missing = jamsos(['participant', 'register', path.join(dir, 'nope.json')])
  assert.equal(missing.status, 2)
  assert.match(missing.stderr, /No such file/)
  const broken = path.join(dir, 'broken.json')
  fs.writeFileSync(broken, '{"nik": ')
  const notJson = jamsos(['participant', 'register', broken])
  assert.equal(notJson.status, 2)
  assert.match(notJson.stderr, /is not a JSON registration body/)
  assert.doesNotMatch(notJson.stderr, /at .*\.ts:\d+/, 'no stack trace')
  const none = jamsos([])
  assert.equal(none.status, 2)
  assert.match(none.stderr, /Usage: jamsos <command>/)
})

test('a refused registration names the code, the field and the reason; a bad setting names the variable', async () => {
  const file = path.join(dir, 'far.json')
  fs.writeFileSync(file, JSON.stringify(registration({ villageCode: '99.99.99.9999' })))
  const r = jamsos(['participant', 'register', file])
  assert.equal(r.status, 1)
  assert.match(r.stderr, /^VILLAGE_UNKNOWN: .*\n {2}villageCode: VILLAGE_UNKNOWN \(.*no village has code 99\.99\.99\.9999\)/)
  const notFound = jamsos(['participant', 'get', '99999999990'])
  assert.equal(notFound.status, 1)
  assert.match(notFound.stderr, /^PARTICIPANT_NOT_FOUND: /)
  const badSetting = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'jamsos.js'), 'migrate'], {
    env: { ...process.env, DATABASE_URL: db.url, JAMSOS_SCRYPT_COST: '30000' },
    encoding: 'utf8',
  })
  assert.equal(badSetting.status, 1)
  assert.match(badSetting.stderr, /^JAMSOS_SCRYPT_COST must be a power of two/)
})

test('a one-shot command on a fresh data folder prints no administrator password into its output', async () => {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'jamsos.js'), 'participant', 'import', '-', '--json'], {
    env: { ...process.env, DATABASE_URL: db.url, JAMSOS_DATA_DIR: path.join(dir, 'fresh'), JAMSOS_ADMIN_PASSWORD: '', JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY, LOG_LEVEL: '' },
    encoding: 'utf8',
    input: JSON.stringify(registration({ fullName: 'Tanpa Admin' })),
  })
  assert.equal(r.status, 0, r.stderr)
  assert.doesNotMatch(r.stdout + r.stderr, /password/i)
  assert.equal(JSON.parse(r.stdout.trim()).inserted, 1)
  // No command here created the administrator: the server's first start does, and prints it there.
  assert.equal((await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM app_user WHERE username = 'admin'`)[0]!.n, 0)
})

test('participant register: a body without a village code is refused with the field, not a crash', async () => {
  const body: Record<string, unknown> = { ...registration() }
  delete body.villageCode
  const file = path.join(dir, 'no-village.json')
  fs.writeFileSync(file, JSON.stringify(body))
  const r = jamsos(['participant', 'register', file])
  assert.equal(r.status, 1)
  assert.match(r.stderr, /^REQUIRED: .*\n {2}villageCode: REQUIRED/)
})
