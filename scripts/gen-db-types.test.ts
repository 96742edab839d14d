// The committed row types (src/platform/db-types.ts) are what the migrations make (issue 13 §5):
// regenerated here against the test template's schema, they must come out the same.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { testDatabase } from '../test/db.ts'
import { checkedValues, DB_TYPES_FILE, generateDbTypes } from './gen-db-types.ts'

test('src/platform/db-types.ts matches the migrated schema', async () => {
  const db = await testDatabase()
  try {
    const generated = await generateDbTypes(db.sql)
    const committed = fs.readFileSync(DB_TYPES_FILE, 'utf8')
    if (generated !== committed) {
      const a = committed.split('\n')
      const b = generated.split('\n')
      const at = a.findIndex((line, i) => line !== b[i])
      assert.fail(
        `src/platform/db-types.ts is out of date with the migrations: run \`npm run gen:types\` and commit it.\n` +
          `First difference, line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`,
      )
    }
    // What the file holds, read back: the shapes the modules rely on.
    assert.match(committed, /export interface ParticipantRow \{[^}]*\n  gender: 'M' \| 'F' \/\/ character\(1\)\n/)
    assert.match(committed, /\n  monthly_income: number \/\/ bigint\n/)
    assert.match(committed, /\n  birth_date: string \/\/ date\n/)
    assert.match(committed, /\n  registered_at: Date \/\/ timestamp with time zone, has a default\n/)
    assert.match(committed, /\n  segments: \('BPU' \| 'PU'\)\[\] \/\/ text\[\]\n/)
    // A column referencing program(code) carries its values; a nullable column says so.
    assert.match(committed, /\n  funded_from: 'JKK' \| 'JKM' \| 'JHT' \| 'JP' \| 'JKP' \| null \/\/ text\n/)
  } finally {
    await db.close()
  }
})

test('a CHECK listing values types its column; other checks say nothing of the values', () => {
  assert.deepEqual(checkedValues("CHECK ((gender = ANY (ARRAY['M'::bpchar, 'F'::bpchar])))", 'gender'), ['M', 'F'])
  assert.deepEqual(checkedValues("CHECK ((kind = 'cookie'::text))", 'kind'), ['cookie'])
  assert.deepEqual(
    checkedValues("CHECK (((segments <@ ARRAY['BPU'::text, 'PU'::text]) AND (cardinality(segments) > 0)))", 'segments'),
    ['BPU', 'PU'],
  )
  assert.deepEqual(checkedValues("CHECK ((x = ANY (ARRAY['it''s'::text, 'a, b'::text])))", 'x'), ["it's", 'a, b'])
  // A function of the column, a disjunction, a pattern: no list of values.
  assert.equal(checkedValues("CHECK ((jsonb_typeof(condition) = 'object'::text))", 'condition'), null)
  assert.equal(checkedValues("CHECK (((role <> 'agent'::text) OR (agent_id IS NOT NULL)))", 'role'), null)
  assert.equal(checkedValues("CHECK ((code ~ '^[0-9]{2}$'::text))", 'code'), null)
  assert.equal(checkedValues("CHECK ((length(sink) >= 1))", 'sink'), null)
})
