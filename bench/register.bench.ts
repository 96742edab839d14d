// Bulk registration against its ceiling. N synthetic participants (BENCH_N or --n, default
// 1,000,000) go through the product's bulk path, registerBulk: parse the uploaded file, validate
// every row as the API would, encrypt and blind-index each NIK, issue KPJs, COPY in batches. The
// baseline, in the same run and on the same table, is a raw COPY of the very rows the product
// wrote (dumped with COPY TO, so already encrypted, numbered and placed), after a TRUNCATE.
//
// ratio = product rows/s ÷ raw COPY rows/s into participant alone. The product also fills
// nik_index (the one-NIK-one-participant guard); ratioWithNikIndex compares against raw COPY into
// both tables.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import { spawnSync } from 'node:child_process'
import { projectRoot } from '../src/platform/config.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { generatePopulation, registrationOf } from '../src/demo/index.ts'
import { PARTICIPANT_COPY_COLUMNS } from '../src/registry/queries.ts'
import type { BenchContext } from './run.ts'

export const name = 'register'

const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000)
const mb = (kb: number) => Math.round(kb / 1024)

/** Writes the upload file: one registration body per line (NDJSON). */
async function writeUpload(file: string, n: number, seed: number): Promise<void> {
  const out = fs.createWriteStream(file)
  let chunk = ''
  for (const p of generatePopulation({ count: n, seed })) {
    chunk += JSON.stringify(registrationOf(p)) + '\n'
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
}

/**
 * Dumps a table on a connection of its own, closed afterwards: postgres.js 3.4 can leave a
 * connection's socket paused after `COPY … TO STDOUT` with back-pressure, and the next query on it
 * then hangs for ever (porsager/postgres#499, fix pending in #1016).
 */
async function copyOut(url: string, target: string, file: string): Promise<void> {
  const own = createPool(url, { max: 1 })
  try {
    await pipeline(await own.unsafe(`COPY ${target} TO STDOUT`).readable(), fs.createWriteStream(file))
  } finally {
    await own.end({ timeout: 1 })
  }
}

async function copyIn(sql: Sql, target: string, file: string): Promise<number> {
  const t = performance.now()
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), await sql.unsafe(`COPY ${target} FROM STDIN`).writable())
  return performance.now() - t
}

/** Starts a timed phase from a clean checkpoint, so one phase's WAL is not flushed in another's time. */
async function checkpoint(sql: Sql): Promise<void> {
  await sql`CHECKPOINT`.catch(() => {})
}

async function count(sql: Sql, table: 'participant' | 'nik_index'): Promise<number> {
  const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::bigint AS n FROM ${table}`)
  return row!.n
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const n = Number(ctx.options.n ?? process.env.BENCH_N ?? 1_000_000)
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--n / BENCH_N must be a positive integer, got ${ctx.options.n ?? process.env.BENCH_N}`)
  const seed = Number(ctx.options.seed ?? 1)
  const batchSize = ctx.options.batch ? Number(ctx.options.batch) : undefined
  const upload = path.join(ctx.tmpDir, 'registrations.ndjson')

  const startRss = process.memoryUsage().rss
  ctx.log(`generating ${n} participants`)
  let t = performance.now()
  await writeUpload(upload, n, seed)
  const generateMs = performance.now() - t
  const generatorRss = process.resourceUsage().maxRSS

  // The product path runs as the product does: `jamsos participant import`, in a process of its
  // own, so its peak RSS is the import's alone (not this runner's generator and reference loads).
  ctx.log('product path: jamsos participant import (registerBulk)')
  await checkpoint(ctx.sql)
  t = performance.now()
  const child = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'jamsos.js'), 'participant', 'import', upload, '--json', ...(batchSize ? ['--batch', String(batchSize)] : [])], {
    env: {
      ...process.env,
      DATABASE_URL: ctx.url,
      JAMSOS_NIK_KEY: crypto.randomBytes(32).toString('base64'),
      JAMSOS_NIK_INDEX_KEY: crypto.randomBytes(32).toString('base64'),
      JAMSOS_ADMIN_PASSWORD: crypto.randomBytes(12).toString('base64url'),
      JAMSOS_DATA_DIR: path.join(ctx.tmpDir, 'import-data'),
      LOG_LEVEL: 'warn',
    },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  const wallMs = performance.now() - t
  if (child.status !== 0 && child.status !== 3) throw new Error(`jamsos participant import failed (${child.status}): ${child.stderr}`)
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { inserted: number; duplicates: number; rejectedRows: number; seconds: number; maxRssMb: number }
  const productMs = result.seconds * 1000
  const inserted = await count(ctx.sql, 'participant')
  if (inserted !== result.inserted) throw new Error(`the import reported ${result.inserted} rows, the table holds ${inserted}`)
  if (result.rejectedRows) ctx.log(`${result.rejectedRows} rows refused`)

  ctx.log('baseline: raw COPY of the same rows')
  const participantTarget = `participant (${PARTICIPANT_COPY_COLUMNS.join(', ')})`
  const indexTarget = 'nik_index (nik_hash, participant_id)'
  const participantFile = path.join(ctx.tmpDir, 'participant.copy')
  const indexFile = path.join(ctx.tmpDir, 'nik_index.copy')
  await copyOut(ctx.url, participantTarget, participantFile)
  await copyOut(ctx.url, indexTarget, indexFile)
  ctx.log('  rows dumped; truncating and loading them back')
  // Nothing else references these rows in a bench database; CASCADE empties any table that could.
  await ctx.sql`TRUNCATE participant, nik_index CASCADE`
  await checkpoint(ctx.sql)
  const rawParticipantMs = await copyIn(ctx.sql, participantTarget, participantFile)
  ctx.log(`  participant: ${rate(inserted, rawParticipantMs)} rows/s`)
  const rawIndexMs = await copyIn(ctx.sql, indexTarget, indexFile)
  const reloaded = await count(ctx.sql, 'participant')
  if (reloaded !== inserted) throw new Error(`raw COPY loaded ${reloaded} rows, expected ${inserted}`)

  const productRowsPerS = rate(inserted, productMs)
  const rawCopyRowsPerS = rate(inserted, rawParticipantMs)
  const rawCopyWithNikIndexRowsPerS = rate(inserted, rawParticipantMs + rawIndexMs)
  return {
    ratio: Number((productRowsPerS / rawCopyRowsPerS).toFixed(3)),
    ratioWithNikIndex: Number((productRowsPerS / rawCopyWithNikIndexRowsPerS).toFixed(3)),
    n,
    inserted,
    rejected: result.rejectedRows,
    duplicates: result.duplicates,
    productRowsPerS,
    rawCopyRowsPerS,
    rawCopyWithNikIndexRowsPerS,
    generatorRowsPerS: rate(n, generateMs),
    productSeconds: Number((productMs / 1000).toFixed(1)),
    /** Including the import process's start and reference-data load. */
    productWallSeconds: Number((wallMs / 1000).toFixed(1)),
    rawCopySeconds: Number((rawParticipantMs / 1000).toFixed(1)),
    /** Peak RSS of the import process (the product path). */
    peakRssMb: result.maxRssMb,
    generatorPeakRssMb: mb(generatorRss),
    /** RSS before the bench began (runtime, migrations, reference data). */
    startRssMb: Math.round(startRss / 2 ** 20),
    uploadMb: Math.round(fs.statSync(upload).size / 1e6),
    cpus: os.cpus().length,
  }
}
