import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPool } from './db.ts'
import { DataDirLockedError, EmbeddedPgError, runningCluster, startEmbedded, type Running, type Supervision } from './embedded-pg.ts'

// Clusters of their own in temporary data folders (about a second each to initialise). Mode
// 0755, so that as root the cluster stays in the folder; the 0700 case has a test of its own.
const dirs: string[] = []
function dataDir(mode = 0o755): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-embedded-'))
  fs.chmodSync(d, mode)
  dirs.push(d)
  return d
}
const dir = dataDir()
const isRoot = process.getuid?.() === 0
let first: Running | undefined
after(async () => {
  await first?.stop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
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
  let waiting!: () => void
  const sawSession = new Promise<void>((resolve) => (waiting = resolve))
  const owner = await startEmbedded(dir, { log: (line) => line.startsWith('waiting for 1 other session') && waiting() })
  assert.equal(owner.owned, true)
  const attached = await startEmbedded(dir)
  assert.equal(attached.owned, false)
  const sql = createPool(attached.url, { max: 1 })
  await sql`SELECT 1`
  let stopped = false
  const stopping = owner.stop({ afterOtherSessions: true }).then(() => (stopped = true))
  await sawSession // the owner has counted the attached session and is waiting on it
  assert.equal(stopped, false, 'still waiting for the attached session')
  assert.deepEqual([...(await sql`SELECT 1 AS one`)], [{ one: 1 }], 'the attached command keeps working')
  await sql.end()
  await stopping
  assert.equal(runningCluster(dir), undefined, 'stopped once the other session ended')
})

/** Runs `fn` with JAMSOS_PG_HOME (root's cluster home, /var/lib/jamsos) pointing at `home`. */
async function withPgHome(home: string, fn: () => Promise<void>): Promise<void> {
  const before = process.env.JAMSOS_PG_HOME
  process.env.JAMSOS_PG_HOME = home
  try {
    await fn()
  } finally {
    if (before === undefined) delete process.env.JAMSOS_PG_HOME
    else process.env.JAMSOS_PG_HOME = before
  }
}

test('as root, a data folder deleted and made again at the same path gets a new cluster; the old one is set aside, not deleted', { skip: !isRoot && 'only root runs PostgreSQL as another user' }, async () => {
  const home = dataDir() // stands in for /var/lib/jamsos
  const privateDir = dataDir(0o700)
  await withPgHome(home, async () => {
    const one = await startEmbedded(privateDir)
    const sql = createPool(one.url, { max: 1 })
    await sql`CREATE TABLE kept (v text)`
    await sql.end()
    await one.stop()
    const oldCluster = fs.readlinkSync(path.join(privateDir, 'pg'))
    // The checkout is removed and cloned again at the same path: its credentials are gone.
    fs.rmSync(privateDir, { recursive: true, force: true })
    fs.mkdirSync(privateDir, { mode: 0o700 })
    const lines: string[] = []
    const two = await startEmbedded(privateDir, { log: (l) => lines.push(l) })
    const again = createPool(two.url, { max: 1 })
    assert.deepEqual([...(await again`SELECT to_regclass('kept') AS t`)], [{ t: null }], 'a new, empty cluster')
    await again.end()
    await two.stop()
    const aside = fs.readdirSync(path.join(home, 'clusters')).filter((n) => n.startsWith(`${path.basename(oldCluster)}.orphaned-`))
    assert.equal(aside.length, 1, 'the old cluster is kept beside it')
    assert.ok(fs.existsSync(path.join(home, 'clusters', aside[0]!, 'PG_VERSION')))
    assert.ok(lines.some((l) => l.includes('belonged to a deleted data folder')), lines.join('\n'))
  })
})

test('as root, a data folder of mode 0700 (what mktemp -d makes) works: the cluster lives where postgres can reach it, linked from the folder, and is found again', { skip: !isRoot && 'only root runs PostgreSQL as another user' }, async () => {
  const home = dataDir() // stands in for /var/lib/jamsos
  const privateDir = dataDir(0o700)
  await withPgHome(home, async () => {
    const one = await startEmbedded(privateDir)
    const sql = createPool(one.url, { max: 1 })
    await sql`CREATE TABLE kept (v text)`
    await sql`INSERT INTO kept VALUES ('written before the stop')`
    await sql.end()
    await one.stop()

    assert.equal(fs.statSync(privateDir).mode & 0o777, 0o700, "the operator's folder keeps its mode")
    const link = path.join(privateDir, 'pg')
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the data folder records where its cluster is')
    assert.equal(path.dirname(fs.readlinkSync(link)), path.join(home, 'clusters'))
    assert.equal(fs.readFileSync(`${fs.readlinkSync(link)}.data-dir`, 'utf8').trim(), fs.realpathSync(privateDir))

    const two = await startEmbedded(privateDir)
    const again = createPool(two.url, { max: 1 })
    assert.deepEqual([...(await again`SELECT v FROM kept`)], [{ v: 'written before the stop' }])
    await again.end()
    await two.stop()
  })
})

test('as root, an existing cluster postgres cannot reach is refused in one plain sentence', { skip: !isRoot && 'only root runs PostgreSQL as another user' }, async () => {
  const privateDir = dataDir(0o700)
  fs.mkdirSync(path.join(privateDir, 'pg'))
  fs.writeFileSync(path.join(privateDir, 'pg', 'PG_VERSION'), '18\n')
  await assert.rejects(startEmbedded(privateDir), (e: Error) => {
    assert.ok(e instanceof EmbeddedPgError)
    assert.match(e.message, /^PostgreSQL runs as the system user "postgres" when Jamsos runs as root, and it cannot reach the existing cluster in .*: run Jamsos as the user that created it, or let postgres enter the folders above it\.$/)
    return true
  })
})

/** A supervisor that records what it is told and lets a test wait for each kind of event. */
function watcher() {
  const events: string[] = []
  let onUp!: () => void
  let onFailed!: (e: EmbeddedPgError) => void
  const up = new Promise<void>((r) => (onUp = r))
  const failed = new Promise<EmbeddedPgError>((r) => (onFailed = r))
  const supervise: Supervision = {
    down: (why) => events.push(`down: ${why}`),
    up: () => (events.push('up'), onUp()),
    failed: (e) => (events.push('failed'), onFailed(e)),
  }
  return { events, up, failed, supervise }
}

test('a supervised cluster whose postmaster is killed comes back on the same port, with every committed row, and pools reconnect', async () => {
  const w = watcher()
  const running = await startEmbedded(dataDir(), { exclusive: true, supervise: w.supervise })
  const sql = createPool(running.url, { max: 2 })
  try {
    await sql`CREATE TABLE ledger (v text)`
    await sql`INSERT INTO ledger VALUES ('acknowledged before the crash')`
    const pid = running.pid()!
    process.kill(pid, 'SIGKILL')
    await w.up
    assert.deepEqual(w.events, ['down: its postmaster was killed by SIGKILL', 'up'])
    assert.notEqual(running.pid(), pid, 'a new postmaster')
    // The pool opened before the crash keeps its URL: same port, new connections.
    assert.deepEqual([...(await sql`SELECT v FROM ledger`)], [{ v: 'acknowledged before the crash' }])
  } finally {
    await sql.end()
    await running.stop()
  }
  assert.equal(w.events.includes('failed'), false)
})

test('a supervised cluster that will not start again is reported as failed after its attempts, with PostgreSQL\'s reason', async () => {
  const w = watcher()
  const d = dataDir()
  const running = await startEmbedded(d, { supervise: w.supervise, restartDelaysMs: [50, 50] })
  // A setting PostgreSQL refuses at start: every restart fails the same way.
  fs.appendFileSync(path.join(d, 'pg', 'postgresql.auto.conf'), "shared_buffers = 'not a size'\n")
  process.kill(running.pid()!, 'SIGKILL')
  const e = await w.failed
  assert.ok(e instanceof EmbeddedPgError)
  assert.match(e.message, /^PostgreSQL stopped \(its postmaster was killed by SIGKILL\) and did not start again after 2 attempts: configuration file ".*postgresql\.auto\.conf" contains errors$/)
  assert.deepEqual(w.events, ['down: its postmaster was killed by SIGKILL', 'failed'])
  await running.stop()
})
