// The registry the reads benchmark reads: n generated members, the first tenth with their payment
// histories since 2022 (seedDemo: billed by the billing rules, paid through the posting path), the
// rest registered through the bulk path (registerBulk) with no history. One generator stream (one
// seed) gives both parts, so no NIK is drawn twice.
//
// Building a million takes minutes, so the data set is kept between runs as a template database
// on the bench cluster, named by its size and a key over what shapes its rows (the generator, the
// seed, the bulk and billing paths). A run clones it and migrates the clone, so a new migration
// does not force a rebuild; one that no longer applies (an edited migration) does.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot, type Config } from '../src/platform/config.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { jakartaDate } from '../src/platform/dates.ts'
import { migrate } from '../src/platform/migrate.ts'
import { SYSTEM_ACTOR } from '../src/platform/actor.ts'
import { loadReferenceData } from '../src/app.ts'
import { seedDemo, generatePopulation, registrationOf } from '../src/demo/index.ts'
import { createRegistryDeps, loadRegistrationRefs, NikVault, registerBulk } from '../src/registry/index.ts'

/** Fixed keys, so the bench can look members up by NIK in a data set built by an earlier run. Never used elsewhere. */
export const BENCH_NIK_KEY = crypto.createHash('sha256').update('jamsos bench NIK encryption key').digest('base64')
export const BENCH_NIK_INDEX_KEY = crypto.createHash('sha256').update('jamsos bench NIK index key').digest('base64')

/** Bump when the data set's shape changes in a way the source files below do not show. */
const DATASET_VERSION = 1

/**
 * Files whose content decides who the members are and when they paid (a change rebuilds the cached
 * data set). How the rows are written (seedDemo, registerBulk) is left out: the clone is migrated
 * to the current schema, and reads do not depend on which code wrote a row.
 */
const SHAPING_FILES = ['src/demo/generator.ts', 'src/demo/history.ts', 'src/demo/names.ts', 'src/demo/areas.ts', 'src/demo/random.ts']

export function datasetKey(n: number, seed: number): string {
  const h = crypto.createHash('sha256').update(`v${DATASET_VERSION} n=${n} seed=${seed}`)
  for (const f of SHAPING_FILES) h.update(fs.readFileSync(path.join(projectRoot, f)))
  return h.digest('hex').slice(0, 10)
}

const dbUrl = (adminUrl: string, db: string) => {
  const u = new URL(adminUrl)
  u.pathname = `/${db}`
  return u.toString()
}

async function databases(admin: Sql, like: string): Promise<string[]> {
  return (await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname LIKE ${like}`).map((r) => r.datname)
}

export interface Dataset {
  name: string
  n: number
  built: boolean
  buildSeconds: number | null
}

/**
 * The template database of an n-member registry: the cached one, or built now. Other cached sizes
 * stay; a stale build of this size (another key) is dropped.
 */
export async function ensureDataset(
  adminUrl: string,
  config: Config,
  n: number,
  opts: { seed: number; fresh: boolean; log: (m: string) => void },
): Promise<Dataset> {
  const key = datasetKey(n, opts.seed)
  const name = `jamsos_reads_${n}_${key}`
  const admin = createPool(adminUrl, { max: 1 })
  try {
    for (const old of await databases(admin, `jamsos_reads\\_${n}\\_%`)) {
      if (old === name && !opts.fresh) {
        opts.log(`${n} members: cached data set ${name}`)
        return { name, n, built: false, buildSeconds: null }
      }
      await admin.unsafe(`DROP DATABASE IF EXISTS "${old}" WITH (FORCE)`)
    }
    // Built under a temporary name and renamed when complete: an interrupted build is never reused.
    const building = `jamsos_building_${n}_${key}`
    await admin.unsafe(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`)
    await admin.unsafe(`CREATE DATABASE "${building}"`)
    const t = performance.now()
    const sql = createPool(dbUrl(adminUrl, building), { max: 6 })
    try {
      await migrate(sql)
      await loadReferenceData(sql, config)
      await fill(sql, config, n, opts)
      opts.log(`${n} members: VACUUM ANALYZE`)
      await sql`VACUUM (ANALYZE)`
    } finally {
      await sql.end({ timeout: 5 })
    }
    await admin.unsafe(`ALTER DATABASE "${building}" RENAME TO "${name}"`)
    const buildSeconds = Math.round((performance.now() - t) / 100) / 10
    opts.log(`${n} members: built ${name} in ${buildSeconds} s`)
    return { name, n, built: true, buildSeconds }
  } finally {
    await admin.end()
  }
}

async function fill(sql: Sql, config: Config, n: number, opts: { seed: number; log: (m: string) => void }): Promise<void> {
  const deps = await createRegistryDeps(sql, { ...config, nikKey: BENCH_NIK_KEY, nikIndexKey: BENCH_NIK_INDEX_KEY })
  const now = new Date()
  const until = jakartaDate(new Date(now.getTime() - 86_400_000))
  const withHistory = Math.ceil(n / 10)
  opts.log(`${n} members: ${withHistory} with payment histories (seedDemo)`)
  let t = performance.now()
  const seeded = await seedDemo(sql, {
    count: withHistory,
    seed: opts.seed,
    until,
    vault: deps.vault,
    deps,
    policy: { graceMonths: config.graceMonths, billMonths: config.billMonths },
  })
  opts.log(`  ${seeded.participants} members, ${seeded.bills} bills, ${seeded.payments} payments in ${Math.round((performance.now() - t) / 1000)} s`)
  const rest = n - withHistory
  if (rest <= 0) return
  opts.log(`${n} members: ${rest} more through registerBulk`)
  t = performance.now()
  // The same stream as seedDemo's (same seed, until and grace), past the people it took.
  function* remaining() {
    let i = 0
    for (const p of generatePopulation({ count: n, seed: opts.seed, until, graceMonths: config.graceMonths })) {
      if (i++ >= withHistory) yield registrationOf(p)
    }
  }
  const refs = await loadRegistrationRefs(sql, jakartaDate(now), deps)
  const r = await registerBulk(sql, remaining(), { actor: SYSTEM_ACTOR, vault: deps.vault, today: refs.today, refs, batchSize: 5_000 })
  opts.log(`  ${r.inserted} registered (${r.duplicates} duplicates, ${r.rejectedRows} refused) in ${Math.round((performance.now() - t) / 1000)} s`)
}

/**
 * A database of its own for one run, cloned from the data set and migrated to the current
 * schema. Returns its URL, or undefined when the data set's migrations no longer match (it is then
 * rebuilt by the caller).
 */
export async function cloneDataset(
  adminUrl: string,
  dataset: Dataset,
  clone: string,
  log: (m: string) => void,
  opts: { migrate?: boolean } = {},
): Promise<string | undefined> {
  const admin = createPool(adminUrl, { max: 1 })
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${clone}" WITH (FORCE)`)
    // FILE_COPY: one checkpoint and a file copy, instead of WAL for every block of a GB-sized database.
    await admin.unsafe(`CREATE DATABASE "${clone}" TEMPLATE "${dataset.name}" STRATEGY FILE_COPY`)
  } finally {
    await admin.end()
  }
  const url = dbUrl(adminUrl, clone)
  if (opts.migrate === false) return url
  const sql = createPool(url, { max: 1 })
  try {
    const applied = await migrate(sql)
    if (applied.length) {
      log(`${dataset.n} members: applied ${applied.join(', ')} to the clone; ANALYZE`)
      await sql`ANALYZE`
      // Their writes flushed now, not by a checkpoint in the middle of the timed reads.
      await sql`CHECKPOINT`.catch(() => {})
    }
    return url
  } catch (e) {
    log(`${dataset.n} members: the cached data set no longer migrates (${(e as Error).message}); rebuilding`)
    return undefined
  } finally {
    await sql.end({ timeout: 5 })
  }
}

export async function dropDatabase(adminUrl: string, db: string): Promise<void> {
  const admin = createPool(adminUrl, { max: 1 })
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

export { NikVault }
