import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPool } from './db.ts'
import { DataDirLockedError, runningCluster, startEmbedded, type Running } from './embedded-pg.ts'

// A cluster of its own in a temporary data folder (about a second to initialise).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-embedded-'))
fs.chmodSync(dir, 0o755)
let first: Running | undefined
after(async () => {
  await first?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('the data folder holds one cluster: a second exclusive start is refused with a clear message, a command attaches', async () => {
  first = await startEmbedded(dir, { exclusive: true })
  assert.equal(first.owned, true)
  const running = runningCluster(dir)
  assert.equal(running?.port, first.port)

  await assert.rejects(startEmbedded(dir, { exclusive: true }), (e: Error) => {
    assert.ok(e instanceof DataDirLockedError)
    assert.match(e.message, new RegExp(`The data folder ${dir} is in use by a running Jamsos PostgreSQL \\(pid \\d+, port ${first!.port}\\)`))
    assert.match(e.message, /JAMSOS_DATA_DIR/)
    return true
  })

  // What `jamsos migrate` and the other commands do while the server runs: use its PostgreSQL.
  const attached = await startEmbedded(dir)
  assert.equal(attached.owned, false)
  assert.equal(attached.port, first.port)
  const sql = createPool(attached.url, { max: 1 })
  assert.deepEqual([...(await sql`SELECT current_database() AS db`)], [{ db: 'jamsos' }])
  await sql.end()
  await attached.stop() // not ours: a no-op
  assert.ok(runningCluster(dir), 'the owner keeps running')

  await first.stop()
  first = undefined
  assert.equal(runningCluster(dir), undefined, 'stopped cleanly: no live postmaster')
})

test('a command that started the cluster stops it only after commands that attached meanwhile are done', async () => {
  const owner = await startEmbedded(dir)
  assert.equal(owner.owned, true)
  const attached = await startEmbedded(dir)
  assert.equal(attached.owned, false)
  const sql = createPool(attached.url, { max: 1 })
  await sql`SELECT 1`
  let stopped = false
  const stopping = owner.stop({ afterOtherSessions: true }).then(() => (stopped = true))
  await new Promise((r) => setTimeout(r, 1500))
  assert.equal(stopped, false, 'still waiting for the attached session')
  assert.deepEqual([...(await sql`SELECT 1 AS one`)], [{ one: 1 }], 'the attached command keeps working')
  await sql.end()
  await stopping
  assert.equal(runningCluster(dir), undefined, 'stopped once the other session ended')
})
