import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { migrate, MigrationError } from './migrate.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'

let db: TestDatabase
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-mig-'))
before(async () => {
  db = await testDatabase()
  // Start this database's migration history afresh, with a folder of our own.
  await db.sql`DROP TABLE schema_migration`
})
after(async () => {
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('applies numbered migrations once, in order, and refuses an applied one that changed', async () => {
  fs.writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE SCHEMA scratch; CREATE TABLE scratch.a (x int);')
  fs.writeFileSync(path.join(dir, '0002_b.sql'), 'INSERT INTO scratch.a VALUES (1);')
  assert.deepEqual(await migrate(db.sql, dir), ['0001_a.sql', '0002_b.sql'])
  assert.deepEqual(await migrate(db.sql, dir), [])
  assert.deepEqual([...(await db.sql`SELECT x FROM scratch.a`)], [{ x: 1 }])

  fs.writeFileSync(path.join(dir, '0002_b.sql'), 'INSERT INTO scratch.a VALUES (2);')
  await assert.rejects(migrate(db.sql, dir), (e: Error) => e instanceof MigrationError && /0002_b\.sql was changed after it was applied/.test(e.message))
})

test('a failing migration is rolled back whole and named', async () => {
  fs.writeFileSync(path.join(dir, '0002_b.sql'), 'INSERT INTO scratch.a VALUES (1);')
  fs.writeFileSync(path.join(dir, '0003_bad.sql'), 'CREATE TABLE scratch.half (x int); SELEC nonsense;')
  await assert.rejects(migrate(db.sql, dir), /0003_bad\.sql failed/)
  assert.equal((await db.sql`SELECT count(*)::int AS n FROM schema_migration`)[0]!.n, 2)
  assert.equal((await db.sql`SELECT to_regclass('scratch.half') AS t`)[0]!.t, null)
  fs.rmSync(path.join(dir, '0003_bad.sql'))
})

test('a file not named NNNN_name.sql is refused', async () => {
  fs.writeFileSync(path.join(dir, '7_oops.sql'), 'SELECT 1;')
  await assert.rejects(migrate(db.sql, dir), /must look like 0001_name\.sql/)
  fs.rmSync(path.join(dir, '7_oops.sql'))
})
