// `jamsos jobs` and `jamsos jobs retry <id>`, run as an operator runs them: their own process.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../../test/app.ts'
import { projectRoot } from '../platform/config.ts'
import { sendJob } from './jobs.ts'

let db: TestDatabase
let dir: string
before(async () => {
  db = await testDatabase()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-jobs-cli-'))
})
after(async () => {
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function jamsos(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'jamsos.js'), ...args], {
    env: { ...process.env, DATABASE_URL: db.url, JAMSOS_DATA_DIR: path.join(dir, 'data'), JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('jamsos jobs lists the queues and the dead letters; jamsos jobs retry puts a dead letter back on its queue', async () => {
  const payload = { shardKey: 7, eventId: '00000000-0000-4000-8000-000000000007' }
  const deadId = await sendJob(db.sql, 'outbox.deliver.dead', payload)

  const table = jamsos(['jobs'])
  assert.equal(table.status, 0, table.stderr)
  assert.match(table.stdout, /^queue +waiting +retry +active +completed +failed +dead letters$/m)
  assert.match(table.stdout, /^outbox\.deliver +0 +0 +0 +0 +0 +1$/m)
  assert.ok(table.stdout.includes(`${deadId}  outbox.deliver`), table.stdout)

  const retried = jamsos(['jobs', 'retry', deadId])
  assert.equal(retried.status, 0, retried.stderr)
  const jobId = /as job ([0-9a-f-]{36})\./.exec(retried.stdout)?.[1]
  assert.ok(jobId, retried.stdout)
  const rows = await db.sql<{ name: string; state: string; data: unknown }[]>`SELECT name, state::text, data FROM pgboss.job WHERE id IN (${jobId}, ${deadId})`
  assert.deepEqual([...rows], [{ name: 'outbox.deliver', state: 'created', data: payload }])

  const json = jamsos(['jobs', '--json'])
  assert.equal(json.status, 0, json.stderr)
  const o = JSON.parse(json.stdout) as { queues: { name: string; created: number; deadLetters: number }[]; deadLetters: unknown[] }
  assert.deepEqual(o.queues.filter((q) => q.name === 'outbox.deliver').map((q) => [q.created, q.deadLetters]), [[1, 0]])
  assert.deepEqual(o.deadLetters, [])
})

test('jamsos jobs retry names what is wrong: no id, an unknown id, a job that has not failed', async () => {
  assert.equal(jamsos(['jobs', 'retry']).status, 2)
  assert.equal(jamsos(['jobs', 'bogus']).status, 2)
  const unknown = jamsos(['jobs', 'retry', '00000000-0000-4000-8000-0000000000ff'])
  assert.equal(unknown.status, 1)
  assert.match(unknown.stderr, /JOB_NOT_FOUND/)
  const waiting = await sendJob(db.sql, 'outbox.deliver', { shardKey: 8, eventId: '00000000-0000-4000-8000-000000000008' })
  const r = jamsos(['jobs', 'retry', waiting])
  assert.equal(r.status, 1)
  assert.match(r.stderr, /JOB_NOT_RETRYABLE[\s\S]*created, not failed/)
})
