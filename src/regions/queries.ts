// All of the regions module's SQL. Each function takes the pool or a transaction first; values are
// always parameters, and the only identifiers built from variables are the four level tables and
// their parent columns, chosen from the fixed Level list.
import type { Db, Tx } from '../platform/db.ts'
import { copyLines } from '../platform/copy.ts'
import { likeLiteral } from '../platform/sql-text.ts'
import { LEVELS, type Level } from './codes.ts'
import type { Branch, BranchRegency, RegionRef } from './views.ts'

/** The column naming a level's parent (none for a province). */
const PARENT_COLUMN: Record<Level, string | null> = {
  province: null,
  regency: 'province_code',
  district: 'regency_code',
  village: 'district_code',
}

// Any constant works; it only has to be the same for every Jamsos process on the database.
const REFERENCE_LOCK = 7_204_202_602

// --- Loading ----------------------------------------------------------------------------------

/** Serialises reference loads from several processes (held until the transaction ends). */
export async function lockReferenceLoad(tx: Tx): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${REFERENCE_LOCK})`
}

export async function regionDataVersion(db: Db): Promise<{ source: string; checksum: string } | undefined> {
  const [row] = await db<{ source: string; checksum: string }[]>`SELECT source, checksum FROM region_data`
  return row
}

export async function saveRegionDataVersion(tx: Tx, source: string, checksum: string): Promise<void> {
  await tx`
    INSERT INTO region_data (source, checksum) VALUES (${source}, ${checksum})
    ON CONFLICT (singleton) DO UPDATE SET source = EXCLUDED.source, checksum = EXCLUDED.checksum, loaded_at = now()`
}

/** Empty staging tables, one per level, named like the CSV files' columns; dropped at commit. */
export async function createRegionStaging(tx: Tx): Promise<void> {
  for (const level of LEVELS) {
    const parent = PARENT_COLUMN[level]
    await tx`
      CREATE TEMP TABLE ${tx(`${level}_load`)} (code text NOT NULL, ${parent ? tx`${tx(parent)} text NOT NULL,` : tx``} name text NOT NULL)
      ON COMMIT DROP`
  }
}

/** Streams rows (COPY text format, columns as in the CSV) into a level's staging table. */
export async function copyRegionStaging(tx: Tx, level: Level, rows: string): Promise<void> {
  // copyLines takes the target as SQL text: the table and columns come from the fixed Level list.
  const parent = PARENT_COLUMN[level]
  await copyLines(tx, `${level}_load (code, ${parent ? `${parent}, ` : ''}name)`, [rows])
}

/**
 * Makes a level's table equal to its staging table: new rows added, renamed rows updated, rows
 * that left the data set removed. Parents are merged before children and children removed before
 * parents, so the foreign keys hold at every statement. Returns how many rows changed.
 */
export async function mergeRegionLevel(tx: Tx, level: Level): Promise<number> {
  const parent = PARENT_COLUMN[level]
  const load = tx(`${level}_load`)
  const cols = parent ? tx`code, ${tx(parent)}, name` : tx`code, name`
  const upserted = await tx`
    INSERT INTO ${tx(level)} AS t (${cols})
    SELECT ${cols} FROM ${load}
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name WHERE t.name IS DISTINCT FROM EXCLUDED.name`
  return upserted.count
}

export async function removeRegionsNotStaged(tx: Tx, level: Level): Promise<number> {
  if (level === 'regency') {
    // A regency that left the data set leaves its branch; loadBranches assigns the rest anew.
    await tx`
      DELETE FROM branch_regency br
      WHERE NOT EXISTS (SELECT 1 FROM regency_load l WHERE l.code = br.regency_code)`
  }
  const removed = await tx`
    DELETE FROM ${tx(level)} t
    WHERE NOT EXISTS (SELECT 1 FROM ${tx(`${level}_load`)} l WHERE l.code = t.code)`
  return removed.count
}

export async function regionCounts(db: Db): Promise<Record<Level, number>> {
  const [row] = await db<Record<Level, number>[]>`
    SELECT (SELECT count(*) FROM province)::int AS province,
           (SELECT count(*) FROM regency)::int  AS regency,
           (SELECT count(*) FROM district)::int AS district,
           (SELECT count(*) FROM village)::int  AS village`
  return row!
}

// --- Branches: loading ------------------------------------------------------------------------

export async function allRegencies(db: Db): Promise<{ code: string; name: string }[]> {
  return [...(await db<{ code: string; name: string }[]>`SELECT code, name FROM regency ORDER BY code`)]
}

/** Inserts or renames the given branches and marks them active. Returns how many rows changed. */
export async function saveBranches(tx: Tx, branches: { code: string; name: string }[]): Promise<number> {
  const res = await tx`
    INSERT INTO branch AS b (code, name, active)
    SELECT code, name, true FROM unnest(${branches.map((b) => b.code)}::text[], ${branches.map((b) => b.name)}::text[]) AS x (code, name)
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, active = true
    WHERE (b.name, b.active) IS DISTINCT FROM (EXCLUDED.name, true)`
  return res.count
}

/** Branches serving no regency any more stay (participants keep their codes) but go inactive. */
export async function deactivateBranchesExcept(tx: Tx, codes: string[]): Promise<number> {
  const res = await tx`UPDATE branch SET active = false WHERE active AND NOT (code = ANY(${codes}::text[]))`
  return res.count
}

export async function saveBranchAssignments(tx: Tx, assignments: { regencyCode: string; branchCode: string }[]): Promise<number> {
  const res = await tx`
    INSERT INTO branch_regency AS br (regency_code, branch_code)
    SELECT * FROM unnest(${assignments.map((a) => a.regencyCode)}::text[], ${assignments.map((a) => a.branchCode)}::text[])
    ON CONFLICT (regency_code) DO UPDATE SET branch_code = EXCLUDED.branch_code
    WHERE br.branch_code <> EXCLUDED.branch_code`
  return res.count
}

// --- Places ------------------------------------------------------------------------------------

export interface PlaceRow {
  villageCode: string
  villageName: string
  districtCode: string
  districtName: string
  regencyCode: string
  regencyName: string
  provinceCode: string
  provinceName: string
  branchCode: string
  branchName: string
}

export async function findPlace(db: Db, villageCode: string): Promise<PlaceRow | undefined> {
  const [row] = await db<PlaceRow[]>`
    SELECT v.code AS "villageCode", v.name AS "villageName",
           d.code AS "districtCode", d.name AS "districtName",
           r.code AS "regencyCode", r.name AS "regencyName",
           p.code AS "provinceCode", p.name AS "provinceName",
           b.code AS "branchCode", b.name AS "branchName"
    FROM village v
    JOIN district d ON d.code = v.district_code
    JOIN regency r ON r.code = d.regency_code
    JOIN province p ON p.code = r.province_code
    JOIN branch_regency br ON br.regency_code = r.code
    JOIN branch b ON b.code = br.branch_code
    WHERE v.code = ${villageCode}`
  return row
}

export type DistrictPlacesRow = Omit<PlaceRow, 'villageCode' | 'villageName'> & { villageCodes: string[]; villageNames: string[] }

/** Every village, one row per district (its villages as two parallel arrays). */
export async function allPlacesByDistrict(db: Db): Promise<DistrictPlacesRow[]> {
  return [
    ...(await db<DistrictPlacesRow[]>`
      SELECT d.code AS "districtCode", d.name AS "districtName",
             r.code AS "regencyCode", r.name AS "regencyName",
             p.code AS "provinceCode", p.name AS "provinceName",
             b.code AS "branchCode", b.name AS "branchName",
             v.codes AS "villageCodes", v.names AS "villageNames"
      FROM (SELECT district_code, array_agg(code ORDER BY code) AS codes, array_agg(name ORDER BY code) AS names
            FROM village GROUP BY district_code) v
      JOIN district d ON d.code = v.district_code
      JOIN regency r ON r.code = d.regency_code
      JOIN province p ON p.code = r.province_code
      JOIN branch_regency br ON br.regency_code = r.code
      JOIN branch b ON b.code = br.branch_code
      ORDER BY d.code`),
  ]
}

export async function allRegionCodes(db: Db): Promise<{ provinces: string[]; regencies: string[]; districts: string[] }> {
  const [row] = await db<{ provinces: string[]; regencies: string[]; districts: string[] }[]>`
    SELECT coalesce((SELECT array_agg(code) FROM province), '{}') AS provinces,
           coalesce((SELECT array_agg(code) FROM regency), '{}')  AS regencies,
           coalesce((SELECT array_agg(code) FROM district), '{}') AS districts`
  return row!
}

// --- The tree ----------------------------------------------------------------------------------

/** A region's code, name and level: the RegionRef the routes answer. */
export type RegionRow = RegionRef

export async function listProvinces(db: Db): Promise<RegionRow[]> {
  return [...(await db<RegionRow[]>`SELECT code, name, 'province' AS level FROM province ORDER BY code`)]
}

/** The regions among the given codes, at whatever level each is. */
export async function regionsByCodes(db: Db, codes: string[]): Promise<RegionRow[]> {
  if (codes.length === 0) return []
  return [
    ...(await db<RegionRow[]>`
      SELECT code, name, 'province' AS level FROM province WHERE code = ANY(${codes}::text[])
      UNION ALL SELECT code, name, 'regency' FROM regency WHERE code = ANY(${codes}::text[])
      UNION ALL SELECT code, name, 'district' FROM district WHERE code = ANY(${codes}::text[])
      UNION ALL SELECT code, name, 'village' FROM village WHERE code = ANY(${codes}::text[])`),
  ]
}

/** The direct children of a region (level is the children's level). */
export async function childrenOf(db: Db, level: Exclude<Level, 'province'>, parentCode: string): Promise<RegionRow[]> {
  return [
    ...(await db<RegionRow[]>`
      SELECT code, name, ${level}::text AS level FROM ${db(level)}
      WHERE ${db(PARENT_COLUMN[level]!)} = ${parentCode} ORDER BY code`),
  ]
}

export interface SearchQuery {
  /** Levels to search, in the order results rank. */
  levels: Level[]
  /** A code prefix ('35.05') or else folded-name text. */
  codePrefix?: string
  text?: string
  /** Only descendants of this region. */
  parent?: string
  limit: number
  /** Keyset: the sort key of the last hit of the previous page. */
  after?: RegionSortKey
}

/** Where a hit sorts: [rank, depth, sort text, code]; unique, since codes are. */
export type RegionSortKey = [rank: number, depth: number, sortText: string, code: string]

/**
 * The words of a name that say what kind of region it is, not which: 'blitar' is the whole name of
 * KABUPATEN BLITAR and KOTA BLITAR as a person means it, so those rank as exact matches.
 */
const BARE_NAME: Partial<Record<Level, string>> = {
  province: '^(dki|daerah istimewa) ',
  regency: '^(kabupaten|kota)( administrasi)? ',
}

/**
 * Regions matching a code prefix or a name, ranked: exact name, name prefix (both without the
 * kind words of BARE_NAME), a word of the name starting with the text, anywhere in the name; then
 * by level (provinces first), name and code. Names compare folded (jamsos_fold: case and accents ignored).
 */
export async function searchRegions(db: Db, q: SearchQuery): Promise<(RegionRow & { key: RegionSortKey })[]> {
  const under = q.parent ? `${likeLiteral(q.parent)}.%` : null
  const parts = q.levels.map((level) => {
    const depth = LEVELS.indexOf(level)
    const scope = under ? db`AND t.code LIKE ${under}` : db``
    if (q.codePrefix !== undefined) {
      return db`
        SELECT t.code, t.name, ${level}::text AS level, ${depth}::int AS depth,
               CASE WHEN t.code = ${q.codePrefix} THEN 0 ELSE 1 END AS rank, t.code AS sort_key
        FROM ${db(level)} t
        WHERE t.code LIKE ${likeLiteral(q.codePrefix) + '%'} ${scope}`
    }
    const bare = BARE_NAME[level] ? db`regexp_replace(t.name_folded, ${BARE_NAME[level]}, '')` : db`t.name_folded`
    return db`
      SELECT t.code, t.name, ${level}::text AS level, ${depth}::int AS depth,
             CASE WHEN ${bare} = q.exact THEN 0
                  WHEN ${bare} LIKE q.pattern || '%' THEN 1
                  WHEN t.name_folded LIKE '% ' || q.pattern || '%' THEN 2
                  ELSE 3 END AS rank,
             t.name_folded AS sort_key
      FROM ${db(level)} t, q
      WHERE t.name_folded LIKE '%' || q.pattern || '%' ${scope}`
  })
  const union = parts.reduce((acc, p) => db`${acc} UNION ALL ${p}`)
  const text = q.text ?? ''
  // The page goes on after the previous page's last hit in the very order of ORDER BY (a row
  // comparison over the same four columns), so pages neither repeat nor skip a hit.
  const after = q.after ? db`WHERE (rank, depth, sort_key, code) > (${q.after[0]}::int, ${q.after[1]}::int, ${q.after[2]}::text, ${q.after[3]}::text)` : db``
  const rows = await db<{ code: string; name: string; level: Level; rank: number; depth: number; sort_key: string }[]>`
    WITH q AS (SELECT jamsos_fold(${text}) AS exact, jamsos_fold(${likeLiteral(text)}) AS pattern)
    SELECT code, name, level, rank, depth, sort_key
    FROM (${union}) hits
    ${after}
    ORDER BY rank, depth, sort_key, code
    LIMIT ${q.limit}`
  return rows.map(({ code, name, level, rank, depth, sort_key }) => ({ code, name, level, key: [rank, depth, sort_key, code] }))
}

// --- Branches: reading -------------------------------------------------------------------------

export type BranchRow = Branch

export async function listBranchRows(db: Db): Promise<BranchRow[]> {
  return [
    ...(await db<BranchRow[]>`
      SELECT b.code, b.name, b.active, count(br.regency_code)::int AS "regencyCount"
      FROM branch b LEFT JOIN branch_regency br ON br.branch_code = b.code
      GROUP BY b.code ORDER BY b.code`),
  ]
}

export async function findBranchRow(db: Db, code: string): Promise<Omit<BranchRow, 'regencyCount'> | undefined> {
  const [row] = await db<Omit<BranchRow, 'regencyCount'>[]>`SELECT code, name, active FROM branch WHERE code = ${code}`
  return row
}

export type BranchRegencyRow = BranchRegency

export async function regenciesOfBranch(db: Db, branchCode: string): Promise<BranchRegencyRow[]> {
  return [
    ...(await db<BranchRegencyRow[]>`
      SELECT r.code, r.name, p.code AS "provinceCode", p.name AS "provinceName"
      FROM branch_regency br
      JOIN regency r ON r.code = br.regency_code
      JOIN province p ON p.code = r.province_code
      WHERE br.branch_code = ${branchCode}
      ORDER BY r.code`),
  ]
}

export async function branchOfRegency(db: Db, regencyCode: string): Promise<{ code: string; name: string } | undefined> {
  const [row] = await db<{ code: string; name: string }[]>`
    SELECT b.code, b.name FROM branch_regency br JOIN branch b ON b.code = br.branch_code
    WHERE br.regency_code = ${regencyCode}`
  return row
}
