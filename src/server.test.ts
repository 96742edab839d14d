import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { registration } from '../test/fixtures.ts'
import { freePort, jamsos, untilReady, userEnv, type Jamsos } from '../test/process.ts'

// `jamsos start` as a user runs it, in a data folder of its own, with its embedded PostgreSQL
// killed under it (issue 12 §3). Mode 0755, so that as root the cluster stays in the folder.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-server-'))
fs.chmodSync(dataDir, 0o755)
let server: Jamsos | undefined
after(() => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL')
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0])
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('kill -9 on the embedded postmaster: requests get 503 with Retry-After (never 500), then 2xx again with every acknowledged write; a cluster that will not restart ends the server with status 1', { timeout: 240_000 }, async () => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const password = 'server-test-Passphrase-1'
  server = jamsos(['start'], {
    env: userEnv({ JAMSOS_DATA_DIR: dataDir, JAMSOS_DEMO: 'off', PORT: String(port), JAMSOS_ADMIN_PASSWORD: password, LOG_LEVEL: 'info', JAMSOS_LOG_FORMAT: 'json' }),
  })
  await untilReady(server, base)

  const login = await fetch(`${base}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
  assert.equal(login.status, 200)
  const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` }
  const body = registration({ fullName: 'Siti Acknowledged' })
  const created = await fetch(`${base}/api/v1/participants`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  assert.equal(created.status, 201, await created.clone().text())
  const { kpj } = (await created.json()) as { kpj: string }

  // The crash. From here every answer is a 503 with Retry-After, until the cluster is back.
  const pid = postmasterPid()
  process.kill(pid, 'SIGKILL')
  const seen: number[] = []
  let readyzDown = false
  for (;;) {
    const res = await fetch(`${base}/api/v1/participants/${kpj}`, { headers: { ...auth, 'accept-language': 'en' } })
    seen.push(res.status)
    // A backend that has not yet noticed its postmaster's death may still answer the very first
    // request (PostgreSQL ends orphaned backends when they next wait): a 200 before any 503 is
    // the old cluster, not the restarted one.
    if (res.status === 200 && !seen.includes(503)) {
      await pause(50)
      continue
    }
    if (res.status === 200) {
      const card = (await res.json()) as { kpj: string; fullName: string }
      assert.deepEqual({ kpj: card.kpj, fullName: card.fullName }, { kpj, fullName: 'Siti Acknowledged' }, 'the write acknowledged before the crash is there')
      break
    }
    const text = await res.text()
    assert.equal(res.status, 503, `while PostgreSQL restarts: ${text}`)
    assert.equal(res.headers.get('retry-after'), '5')
    assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'DATABASE_UNAVAILABLE')
    if ((await fetch(`${base}/readyz`)).status === 503) readyzDown = true
    await pause(50)
  }
  assert.ok(seen.every((s) => s === 200 || s === 503), `only 503s while down: ${seen.join(',')}`)
  assert.ok(readyzDown, '/readyz said not ready meanwhile')
  assert.notEqual(postmasterPid(), pid, 'a new postmaster')
  assert.equal((await fetch(`${base}/readyz`)).status, 200)
  assert.match(server.output(), /Embedded PostgreSQL stopped unexpectedly \(its postmaster was killed by SIGKILL\); restarting it/)
  assert.match(server.output(), /Embedded PostgreSQL is serving again/)

  // A cluster that cannot start (a setting PostgreSQL refuses): after its restarts the server
  // exits with status 1 and says why, for systemd or a container runtime to act on.
  fs.appendFileSync(path.join(dataDir, 'pg', 'postgresql.auto.conf'), "shared_buffers = 'not a size'\n")
  process.kill(postmasterPid(), 'SIGKILL')
  assert.equal(await server.exited, 1)
  assert.match(
    server.output(),
    /PostgreSQL stopped \(its postmaster was killed by SIGKILL\) and did not start again after \d+ attempts: configuration file .* contains errors\. Jamsos stops \(exit status 1\) so that its supervisor/,
  )
})
