// Loads the reference data: the official regions from the idn-area-data package (Kemendagri codes
// and names; the package cites Kepmendagri 300.2.2-2138/2025 as its newest source) and the branch
// offices from config/branches.json. Both loads are idempotent and run in one transaction each, so
// a reader never sees half a data set.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { Sql } from '../platform/db.ts'
import { CODE_LENGTH, LEVELS, regionLevel, type Level } from './codes.ts'
import { copyTextLine, parseCsv } from './csv.ts'
import { BranchConfigError, parseBranchConfig, planBranches } from './branches.ts'
import * as q from './queries.ts'

const FILES: Record<Level, { file: string; header: string[] }> = {
  province: { file: 'provinces.csv', header: ['code', 'name'] },
  regency: { file: 'regencies.csv', header: ['code', 'province_code', 'name'] },
  district: { file: 'districts.csv', header: ['code', 'regency_code', 'name'] },
  village: { file: 'villages.csv', header: ['code', 'district_code', 'name'] },
}

export interface RegionSource {
  /** e.g. 'idn-area-data@3.1.2'. */
  source: string
  /** SHA-256 of the four files, so an edited copy of the same version still reloads. */
  checksum: string
  /** Each level's file as read. */
  texts: Record<Level, string>
}

/** Where the installed idn-area-data package keeps its CSV files, and its version. */
export function regionPackage(): { dir: string; version: string } {
  const pkgJson = createRequire(import.meta.url).resolve('idn-area-data/package.json')
  const { version } = JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }
  return { dir: path.join(path.dirname(pkgJson), 'data'), version }
}

/** Reads the four CSV files (the package's unless told otherwise) and their checksum. */
export function readRegionSource(from?: { dir: string; source: string }): RegionSource {
  const pkg = from ? undefined : regionPackage()
  const dir = from?.dir ?? pkg!.dir
  const hash = crypto.createHash('sha256')
  const texts = {} as Record<Level, string>
  for (const level of LEVELS) {
    texts[level] = fs.readFileSync(path.join(dir, FILES[level].file), 'utf8')
    hash.update(`${FILES[level].file}\0${texts[level]}\0`)
  }
  return { source: from?.source ?? `idn-area-data@${pkg!.version}`, checksum: hash.digest('hex'), texts }
}

/**
 * Checks one level's CSV and turns it into COPY text rows: the header is the one expected, every
 * row has its fields, every code is well formed for its level and its parent column is its own
 * code's prefix (the parent's existence the foreign keys check).
 */
export function regionRows(data: RegionSource, level: Level): { rows: string; count: number } {
  const { file, header } = FILES[level]
  const [head, ...body] = parseCsv(data.texts[level])
  const where = `${data.source} ${file}`
  if (head?.join(',') !== header.join(',')) {
    throw new Error(`${where}: header is "${head?.join(',')}", expected "${header.join(',')}"`)
  }
  const parentLength = level === 'province' ? undefined : CODE_LENGTH[LEVELS[LEVELS.indexOf(level) - 1]!]
  const lines: string[] = []
  const seen = new Map<string, number>()
  body.forEach((fields, i) => {
    const line = i + 2
    if (fields.length !== header.length) throw new Error(`${where} line ${line}: ${fields.length} fields, expected ${header.length}`)
    const code = fields[0]!
    const first = seen.get(code)
    if (first !== undefined) throw new Error(`${where} line ${line}: code ${code} again (first on line ${first})`)
    seen.set(code, line)
    if (code.length !== CODE_LENGTH[level] || regionLevel(code) !== level) throw new Error(`${where} line ${line}: "${code}" is not a ${level} code`)
    if (parentLength !== undefined && fields[1] !== code.slice(0, parentLength)) {
      throw new Error(`${where} line ${line}: parent "${fields[1]}" is not the prefix of ${code}`)
    }
    const name = fields.at(-1)!.trim()
    if (name === '') throw new Error(`${where} line ${line}: empty name`)
    fields[fields.length - 1] = name
    lines.push(copyTextLine(fields))
  })
  return { rows: lines.join(''), count: lines.length }
}

/**
 * Loads the four region tables. Does nothing when they already hold this data (same checksum);
 * otherwise makes them equal to it in one transaction (first load or a new package version).
 */
export async function loadRegions(sql: Sql, data: RegionSource = readRegionSource()): Promise<void> {
  const current = await q.regionDataVersion(sql)
  if (current?.checksum === data.checksum) return
  await sql.begin(async (tx) => {
    await q.lockReferenceLoad(tx)
    // Another process may have loaded it while this one waited for the lock.
    if ((await q.regionDataVersion(tx))?.checksum === data.checksum) return
    await q.createRegionStaging(tx)
    const expected = {} as Record<Level, number>
    for (const level of LEVELS) {
      const { rows, count } = regionRows(data, level)
      await q.copyRegionStaging(tx, level, rows)
      expected[level] = count
    }
    for (const level of LEVELS) await q.mergeRegionLevel(tx, level)
    for (const level of [...LEVELS].reverse()) await q.removeRegionsNotStaged(tx, level)
    const counts = await q.regionCounts(tx)
    for (const level of LEVELS) {
      if (counts[level] !== expected[level]) {
        throw new Error(`Loading ${data.source}: ${counts[level]} ${level} rows in the table, ${expected[level]} in the data (duplicate codes?)`)
      }
    }
    await q.saveRegionDataVersion(tx, data.source, data.checksum)
  })
}

/** Reads and parses the branch configuration file; errors name the file. */
export function readBranchConfig(file: string) {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    throw new BranchConfigError(`Branch configuration ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set JAMSOS_BRANCHES_FILE`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new BranchConfigError(`Branch configuration ${file}: not valid JSON (${(e as Error).message})`)
  }
  return parseBranchConfig(json, file)
}

/**
 * Loads the branch offices: one per regency unless the file merges regencies into one branch.
 * Run after loadRegions. Idempotent; a changed file moves regencies between branches, renames
 * branches, and marks branches that serve no regency any more inactive (never deletes them).
 */
export async function loadBranches(sql: Sql, file: string): Promise<void> {
  const config = readBranchConfig(file)
  await sql.begin(async (tx) => {
    await q.lockReferenceLoad(tx)
    const regencies = await q.allRegencies(tx)
    if (regencies.length === 0) throw new Error('Load the regions before the branches: the regency table is empty')
    const plan = planBranches(regencies, config, file)
    await q.saveBranches(tx, plan.branches)
    await q.saveBranchAssignments(tx, plan.assignments)
    await q.deactivateBranchesExcept(tx, plan.branches.map((b) => b.code))
  })
}

/** The regions, then the branches that serve them: what start-up and the test template load. */
export async function loadRegionData(sql: Sql, branchesFile: string): Promise<void> {
  await loadRegions(sql)
  await loadBranches(sql, branchesFile)
}
