// The bulk path takes rows as the API takes bodies (issue 12, items 2 and 7): a field of the wrong
// JSON type, or text that is not well-formed Unicode, refuses the row by field; nothing of it is
// written and the audit chain stays intact. Rows come through the NDJSON reader of
// `jamsos participant import`, from a file written as a partner would write it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SYSTEM_ACTOR } from '../platform/actor.ts'
import { loadConfig } from '../platform/config.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { registration } from '../../test/fixtures.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../../test/app.ts'
import { chainedAndVerified } from '../../test/audit.ts'
import { createRegistryDeps, readNdjson, registerBulk, type BulkRejection, type RegistryDeps } from './index.ts'

let db: TestDatabase
let deps: RegistryDeps
let dir: string
const actor = { ...SYSTEM_ACTOR, name: 'test' }

before(async () => {
  db = await testDatabase()
  deps = await createRegistryDeps(db.sql, loadConfig({ JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY }))
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-bulk-input-'))
})
after(async () => {
  fs.rmSync(dir, { recursive: true, force: true })
  await db.close()
})

/** One NDJSON line: a valid registration with one field's value replaced by raw JSON text. */
function line(field: string, rawJson: string): string {
  const body = registration() as unknown as Record<string, unknown>
  body[field] = '__RAW__'
  return JSON.stringify(body).replace('"__RAW__"', rawJson)
}

async function importLines(lines: string[]): Promise<{ inserted: number; rejected: BulkRejection[] }> {
  const file = path.join(dir, `rows-${Math.random().toString(36).slice(2)}.ndjson`)
  fs.writeFileSync(file, lines.join('\n') + '\n')
  const rejected: BulkRejection[] = []
  const r = await registerBulk(db.sql, readNdjson(file), { actor, vault: deps.vault, today: '2025-06-10', onRejected: (x) => rejected.push(x) })
  return { inserted: r.inserted, rejected }
}

const count = async () => (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM participant`)[0]!.n

test('bulk rows with a number-typed NIK, phone or village code, income as text or programs as text are refused by field', async () => {
  const before = await count()
  const cases: [string, string, string][] = [
    ['nik', '3505011705900001', 'INVALID_TYPE'],
    // As written in the file; JSON.parse would make it 9171015405900004, another person's NIK.
    ['nik', '9171015405900003', 'INVALID_TYPE'],
    ['phone', '81234567890', 'INVALID_TYPE'],
    ['villageCode', '3505012001', 'INVALID_TYPE'],
    ['monthlyIncome', '"1000000"', 'INVALID_TYPE'],
    ['programs', '"JKK"', 'INVALID_TYPE'],
    ['fullName', '["Sutrisno"]', 'INVALID_TYPE'],
  ]
  const good = JSON.stringify(registration({ fullName: 'Baris Baik' }))
  const { inserted, rejected } = await importLines([...cases.map(([field, raw]) => line(field, raw)), good])
  assert.equal(inserted, 1, 'the one good row is registered')
  assert.deepEqual(
    rejected.map((x) => [x.row, x.field, x.code]),
    cases.map(([field, , code], i) => [i + 1, field, code]),
  )
  assert.equal(await count(), before + 1)
})

test('attack: bulk rows with a lone surrogate in a text, a program or a key are refused by field; nothing written; chain intact', async () => {
  const before = await count()
  const lone = '\\ud800'
  const rows = [
    line('address', `"Jl. Mawar ${lone} 12"`),
    line('fullName', `"Sutrisno ${lone}"`),
    line('programs', `["JKK", "JKM${lone}"]`),
    JSON.stringify(registration()).replace('{', `{"x${lone}": 1, `),
    JSON.stringify(registration({ fullName: 'Ñoman 😀 Baik' })),
  ]
  const { inserted, rejected } = await importLines(rows)
  assert.equal(inserted, 1)
  assert.deepEqual(
    rejected.map((x) => [x.row, x.field, x.code]),
    [
      [1, 'address', 'TEXT_NOT_UNICODE'],
      [2, 'fullName', 'TEXT_NOT_UNICODE'],
      [3, 'programs.1', 'TEXT_NOT_UNICODE'],
      [4, 'x\ufffd', 'TEXT_NOT_UNICODE'],
    ],
  )
  assert.equal(await count(), before + 1)
  const [stored] = await db.sql<{ full_name: string }[]>`SELECT full_name FROM participant ORDER BY id DESC LIMIT 1`
  assert.equal(stored!.full_name, 'Ñoman 😀 Baik')
  const verdict = await chainedAndVerified(db.sql)
  assert.equal(verdict.ok, true, JSON.stringify(verdict))
})
