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
