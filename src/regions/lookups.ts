// Reading the regions and branches: a village's full place, the whole index for bulk work, the
// codes a NIK is checked against, the navigable tree, search, and the branch offices.
import type { Db } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { ancestorCodes, childLevel, codePrefix, codeProblem, LEVELS, parentCode, regionLevel, type Level } from './codes.ts'
import { decodeCursor, pageOf } from '../platform/cursor.ts'
import type { Page } from '../platform/schemas.ts'
import { RegionErrors as E } from './errors.ts'
import * as q from './queries.ts'
import type { Branch, BranchDetail, RegionHit, RegionNode, RegionRef } from './views.ts'

/** Where a village is, up to its province, and the branch office that serves it. */
export type Place = q.PlaceRow

export async function villagePlace(db: Db, villageCode: string): Promise<Place | undefined> {
  if (regionLevel(villageCode) !== 'village') return undefined
  return q.findPlace(db, villageCode)
}

/**
 * Every village's place, by village code, for bulk paths (one query). The villages of a district
 * share one set of name strings, so the ~84,000 entries cost little more than their own codes and
 * names.
 */
export async function placeIndex(db: Db): Promise<Map<string, Place>> {
  const index = new Map<string, Place>()
  for (const d of await q.allPlacesByDistrict(db)) {
    const { villageCodes, villageNames, ...shared } = d
    villageCodes.forEach((code, i) => index.set(code, { villageCode: code, villageName: villageNames[i]!, ...shared }))
  }
  return index
}

/** The province, regency and district codes that exist (dotted, as in the tables). */
export async function regionCodes(db: Db): Promise<{ provinces: Set<string>; regencies: Set<string>; districts: Set<string> }> {
  const c = await q.allRegionCodes(db)
  return { provinces: new Set(c.provinces), regencies: new Set(c.regencies), districts: new Set(c.districts) }
}

function checkCode(code: string, path: string): Level {
  const problem = codeProblem(code)
  if (problem) throw AppError.field(E.REGION_CODE_INVALID, path, problem)
  return regionLevel(code)!
}

export async function listProvinces(db: Db): Promise<RegionRef[]> {
  return q.listProvinces(db)
}

/** A region of any level with its ancestors and children; REGION_NOT_FOUND when there is none. */
export async function regionNode(db: Db, code: string): Promise<RegionNode> {
  const level = checkCode(code, 'code')
  const found = await q.regionsByCodes(db, [code, ...ancestorCodes(code)])
  const node = found.find((r) => r.code === code)
  if (!node) throw AppError.field(E.REGION_NOT_FOUND, 'code', `no ${level} has code ${code}`)
  const below = childLevel(level)
  return {
    ...node,
    parentCode: parentCode(code),
    ancestors: found.filter((r) => r.code !== code).sort((a, b) => a.code.length - b.code.length),
    children: below && below !== 'province' ? await q.childrenOf(db, below, code) : [],
    branch: level === 'province' ? null : ((await q.branchOfRegency(db, code.slice(0, 5))) ?? null),
  }
}

export interface RegionSearch extends Page {
  /** Name text (case and accents ignored) or a code prefix ('35.05', '3505'). */
  q?: string
  level?: Level
  /** Only regions under this one. */
  parent?: string
}

/**
 * A page of regions matching a name or code prefix, best first (queries.ts searchRegions ranks
 * them), going on after the cursor's hit.
 */
export async function searchRegions(db: Db, s: RegionSearch): Promise<{ items: RegionHit[]; nextCursor: string | null }> {
  const after = s.cursor === undefined ? undefined : decodeCursor(s.cursor, ['int', 'int', 'text', 'text'])
  const parentLevel = s.parent === undefined ? undefined : checkCode(s.parent, 'parent')
  const text = (s.q ?? '').trim().replace(/\s+/g, ' ')
  const prefix = text === '' ? '' : codePrefix(text)
  // Below the parent only; a single level when asked.
  let levels = LEVELS.slice(parentLevel ? LEVELS.indexOf(parentLevel) + 1 : 0)
  if (s.level) levels = levels.filter((l) => l === s.level)
  if (levels.length === 0) return { items: [], nextCursor: null }
  const limit = s.limit ?? 50
  const rows = await q.searchRegions(db, {
    levels,
    ...(prefix !== undefined ? { codePrefix: prefix } : { text }),
    ...(s.parent !== undefined ? { parent: s.parent } : {}),
    limit: limit + 1,
    ...(after ? { after } : {}),
  })
  const names = new Map((await q.regionsByCodes(db, [...new Set(rows.flatMap((r) => ancestorCodes(r.code)))])).map((r) => [r.code, r]))
  return pageOf(rows, limit, (r) => r.key, ({ code, name, level }) => ({
    code,
    name,
    level,
    parentCode: parentCode(code),
    ancestors: ancestorCodes(code).map((c) => names.get(c)!),
  }))
}

// --- Branch offices ---------------------------------------------------------------------------

export async function listBranches(db: Db): Promise<Branch[]> {
  return q.listBranchRows(db)
}

export async function getBranch(db: Db, code: string): Promise<BranchDetail | undefined> {
  const branch = await q.findBranchRow(db, code)
  if (!branch) return undefined
  return { ...branch, regencies: await q.regenciesOfBranch(db, code) }
}
