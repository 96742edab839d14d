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
import { SYSTEM_ACTOR } from '../src/platform/actor.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { generatePopulation, registrationOf, DEFAULT_UNTIL } from '../src/demo/index.ts'
import { NikVault, type RegistrationInput } from '../src/registry/index.ts'
import { registerBulk } from '../src/registry/bulk.ts'
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

/** Streams the upload file back, one parsed registration at a time. */
async function* readUpload(file: string): AsyncGenerator<RegistrationInput> {
  let rest = ''
  for await (const buf of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (buf as string)
    let start = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      yield JSON.parse(text.slice(start, nl)) as RegistrationInput
      start = nl + 1
    }
    rest = text.slice(start)
  }
  if (rest.trim()) yield JSON.parse(rest) as RegistrationInput
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

  ctx.log('product path: registerBulk')
  const vault = new NikVault({ encryptionKey: crypto.randomBytes(32), indexKey: crypto.randomBytes(32) })
  await checkpoint(ctx.sql)
  t = performance.now()
  let lastLog = t
  const result = await registerBulk(ctx.sql, readUpload(upload), {
    actor: SYSTEM_ACTOR,
    vault,
    today: DEFAULT_UNTIL,
    ...(batchSize ? { batchSize } : {}),
    onBatch: ({ inserted }) => {
      const now = performance.now()
      if (now - lastLog > 10_000) {
        lastLog = now
        ctx.log(`  ${inserted} registered, ${rate(inserted, now - t)} rows/s`)
      }
    },
  })
  const productMs = performance.now() - t
  const productRss = process.resourceUsage().maxRSS
  const inserted = await count(ctx.sql, 'participant')
  if (inserted !== result.inserted) throw new Error(`registerBulk reported ${result.inserted} rows, the table holds ${inserted}`)
  if (result.rejected.length) ctx.log(`${result.rejected.length} rejections, first: ${JSON.stringify(result.rejected.slice(0, 3))}`)

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
    rejected: result.rejected.length,
    duplicates: result.duplicates,
    productRowsPerS,
    rawCopyRowsPerS,
    rawCopyWithNikIndexRowsPerS,
    generatorRowsPerS: rate(n, generateMs),
    productSeconds: Number((productMs / 1000).toFixed(1)),
    rawCopySeconds: Number((rawParticipantMs / 1000).toFixed(1)),
    peakRssMb: mb(productRss),
    generatorPeakRssMb: mb(generatorRss),
    /** RSS before the bench began (runtime, migrations, reference data). */
    startRssMb: Math.round(startRss / 2 ** 20),
    uploadMb: Math.round(fs.statSync(upload).size / 1e6),
    cpus: os.cpus().length,
  }
}
