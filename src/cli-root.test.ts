import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { projectRoot } from './platform/config.ts'
import { freePort, jamsos, runJamsos, untilReady, userEnv } from '../test/process.ts'

// A server set up as root with the project cloned into root's home (mode 0700): PostgreSQL runs
// as the system user `postgres`, which can enter neither the checkout (its binaries) nor the data
// folder `.jamsos/` inside it (issue 12 §1). Reproduced with a checkout in a folder of mode 0700:
// the sources copied, node_modules hard-linked (same files, same modes, but reached only through
// the private folder, as after `npm ci` there).
const isRoot = process.getuid?.() === 0
const skip = !isRoot && 'only root runs PostgreSQL as another user'
const temp: string[] = []
after(() => {
  for (const d of temp) fs.rmSync(d, { recursive: true, force: true })
})
function tempDir(mode: number): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-cli-'))
  fs.chmodSync(d, mode)
  temp.push(d)
  return d
}

function privateCheckout(): string {
  const checkout = path.join(tempDir(0o700), 'jamsos')
  fs.mkdirSync(checkout)
  for (const p of ['bin', 'src', 'migrations', 'config', 'package.json', 'tsconfig.json']) {
    fs.cpSync(path.join(projectRoot, p), path.join(checkout, p), { recursive: true })
  }
  const modules = fs.realpathSync(path.join(projectRoot, 'node_modules'))
  const linked = spawnSync('cp', ['-al', modules, path.join(checkout, 'node_modules')])
  if (linked.status !== 0) fs.cpSync(modules, path.join(checkout, 'node_modules'), { recursive: true, verbatimSymlinks: true }) // another file system
  return checkout
}

test('as root, from a checkout in a folder only root can enter, `jamsos migrate` and `jamsos start` work with the default data folder', { skip, timeout: 180_000 }, async () => {
  const checkout = privateCheckout()
  const pgHome = tempDir(0o755) // stands in for /var/lib/jamsos
  const env = userEnv({ JAMSOS_PG_HOME: pgHome, JAMSOS_DEMO: 'off' })

  const migrated = await runJamsos(['migrate'], { cwd: checkout, env })
  assert.equal(migrated.code, 0, migrated.output)
  assert.match(migrated.output, /Database schema is up to date\./)
  // The binaries were copied where postgres can run them; the cluster lives where it can reach
  // it, and the data folder inside the checkout records where.
  assert.ok(fs.readdirSync(pgHome).some((f) => f.startsWith('postgresql-') && fs.existsSync(path.join(pgHome, f, 'bin', 'postgres'))))
  const link = path.join(checkout, '.jamsos', 'pg')
  assert.ok(fs.lstatSync(link).isSymbolicLink())
  assert.equal(path.dirname(fs.readlinkSync(link)), path.join(pgHome, 'clusters'))

  const port = await freePort()
  const server = jamsos(['start'], { cwd: checkout, env: { ...env, PORT: String(port), JAMSOS_ADMIN_PASSWORD: 'cli-test-Passphrase-1' } })
  try {
    await untilReady(server, `http://127.0.0.1:${port}`)
  } finally {
    server.child.kill('SIGTERM')
  }
  assert.equal(await server.exited, 0, server.output())
})

test('as root, a cluster postgres cannot reach is refused in one plain sentence, without a stack trace', { skip }, async () => {
  const dataDir = tempDir(0o700)
  fs.mkdirSync(path.join(dataDir, 'pg'))
  fs.writeFileSync(path.join(dataDir, 'pg', 'PG_VERSION'), '18\n') // made by another user, say
  const r = await runJamsos(['migrate'], { env: userEnv({ JAMSOS_DATA_DIR: dataDir }) })
  assert.equal(r.code, 1)
  assert.equal(r.output.trim().split('\n').length, 1, r.output)
  assert.match(r.output, /cannot reach the existing cluster in .*: run Jamsos as the user that created it/)
  assert.doesNotMatch(r.output, /^\s+at /m)
})
