// `npm test`: starts a throw-away embedded PostgreSQL (or uses DATABASE_URL's server), builds one
// template database with every migration and the reference data, then runs node's test runner
// over every *.test.ts. Each test file clones the template into a database of its own
// (CREATE DATABASE … TEMPLATE, a file copy), so files run in parallel without sharing rows.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { projectRoot } from '../src/platform/config.ts'
import { createPool } from '../src/platform/db.ts'
import { EmbeddedPgError, startEmbedded, type Running } from '../src/platform/embedded-pg.ts'
import { prepareTemplate, TEMPLATE_DB } from '../test/template.ts'
import { ensureWebBuilt, WebBudgetError } from '../src/web/index.ts'

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) findTests(p, out)
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(projectRoot, p))
  }
  return out
}

// The files that take longest start first (the sort is stable: the rest stay in name order).
// With files started in name order the browser tests, under test/, ran last and alone, and the
// suite waited on its tail: longest first is how a few workers finish together.
const SLOW_FIRST = [/^test\/e2e\//, /^src\/platform\/embedded-pg\.test/, /^src\/auth\/matrix\.test/, /^src\/cli(-root)?\.test/, /\.property\.test/, /^src\/jobs\/commands\.test/, /^src\/platform\/db\.test/]
const slowRank = (f: string): number => {
  const i = SLOW_FIRST.findIndex((re) => re.test(f.split(path.sep).join('/')))
  return i < 0 ? SLOW_FIRST.length : i
}

const filters = process.argv.slice(2)
const files = ['src', 'test', 'bench', 'scripts', 'web/src']
  .map((d) => path.join(projectRoot, d))
  .filter((d) => fs.existsSync(d))
  .flatMap((d) => findTests(d))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .sort((a, b) => slowRank(a) - slowRank(b))
if (files.length === 0) {
  console.error('No test files matched', filters)
  process.exit(1)
}

// The browser tests (test/e2e), the static files and every server a test starts use the built web
// app: built once here, before the files run in parallel (a no-op when web/dist is current,
// src/web/build.ts). Over its size budget the run stops here.
try {
  await ensureWebBuilt({ print: (text) => console.log(text.replace(/^/gm, '# ')) })
} catch (e) {
  if (!(e instanceof WebBudgetError)) throw e
  console.error(e.message)
  process.exit(1)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

let embedded: Running | undefined
let dataDir: string | undefined
let adminUrl: string
if (process.env.DATABASE_URL) {
  const u = new URL(process.env.DATABASE_URL)
  u.pathname = '/postgres'
  adminUrl = u.toString()
} else {
  // A cluster of its own per run (initdb takes about a second), so concurrent runs never meet.
  // Folders of runs that were killed are cleared first. Under the temp folder, which the
  // `postgres` user PostgreSQL runs as under root can reach; the binaries it cannot reach in a
  // clone under /root are copied where it can (embedded-pg.ts).
  const root = path.join(os.tmpdir(), 'jamsos-test')
  fs.mkdirSync(root, { recursive: true })
  for (const d of fs.readdirSync(root)) if (!alive(Number(d))) fs.rmSync(path.join(root, d), { recursive: true, force: true })
  dataDir = path.join(root, String(process.pid))
  try {
    embedded = await startEmbedded(dataDir, {
      database: 'postgres',
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    })
  } catch (e) {
    // What to do, in a sentence: no stack trace for a machine that needs setting up.
    if (!(e instanceof EmbeddedPgError)) throw e
    console.error(e.message)
    process.exit(1)
  }
  adminUrl = embedded.adminUrl
}

const t0 = Date.now()
await prepareTemplate(adminUrl)
console.log(`# template database ${TEMPLATE_DB} ready in ${Date.now() - t0} ms`)

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=3', ...files],
  {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, JAMSOS_TEST_ADMIN_URL: adminUrl, JAMSOS_TEST_TEMPLATE: TEMPLATE_DB, JAMSOS_TEST_RUN: String(process.pid), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
)
const code: number = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))))

// Drop what this run made; stop and remove the cluster we started.
const admin = createPool(adminUrl, { max: 1 })
try {
  const mine = await admin<{ datname: string }[]>`
    SELECT datname FROM pg_database WHERE datname LIKE ${`jamsos_t_${process.pid}_%`} OR datname = ${TEMPLATE_DB}`
  for (const { datname } of mine) await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
} finally {
  await admin.end({ timeout: 5 })
}
if (embedded) {
  await embedded.stop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
}
process.exit(code)
