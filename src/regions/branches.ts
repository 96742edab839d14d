// Which branch office (Kantor Cabang) serves each regency. By default every regency (kabupaten or
// kota) has a branch of its own, KC + the regency's code digits, named after it ("KC Kabupaten
// Blitar", "KC Kota Malang"). The agency's real offices often serve a kabupaten and the kota
// inside it together; config/branches.json lists those merges. The office map is configuration,
// not law: the agency's list of offices is not published as a regulation.

export interface BranchMerge {
  code: string
  name: string
  regencies: string[]
}

export interface BranchConfig {
  merge: BranchMerge[]
}

export interface RegencyRef {
  code: string
  name: string
}

export interface BranchPlan {
  branches: { code: string; name: string }[]
  /** One per regency, in regency code order. */
  assignments: { regencyCode: string; branchCode: string }[]
}

/** A branch configuration that cannot be used; the message names the file and the entry. */
export class BranchConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BranchConfigError'
  }
}

export const BRANCH_CODE = /^[A-Z][A-Z0-9]{1,19}$/

/** The branch a regency has when no merge names it: KC3505 for regency 35.05. */
export function defaultBranchCode(regencyCode: string): string {
  return 'KC' + regencyCode.replace(/\./g, '')
}

// Conjunctions stay lower case inside a name, as Indonesian titles write them ("Pangkajene dan Kepulauan").
const LOWER_WORDS = new Set(['dan'])

/** "KABUPATEN PANGKAJENE DAN KEPULAUAN" → "Kabupaten Pangkajene dan Kepulauan". */
export function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((w, i) => (i > 0 && LOWER_WORDS.has(w) ? w : w.replace(/(^|[-(/])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase())))
    .join(' ')
}

/** "KC Kabupaten Blitar" for KABUPATEN BLITAR. */
export function defaultBranchName(regencyName: string): string {
  return 'KC ' + titleCase(regencyName)
}

/** Checks the shape of a parsed branches.json; `source` names the file in messages. */
export function parseBranchConfig(json: unknown, source: string): BranchConfig {
  const fail = (where: string, why: string): never => {
    throw new BranchConfigError(`Branch configuration ${source}: ${where}: ${why}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('top level', 'must be an object like {"merge": [...]}')
  const top = json as Record<string, unknown>
  for (const key of Object.keys(top)) {
    if (key !== 'merge' && key !== '$comment') fail(`"${key}"`, 'is not a known key (expected "merge" and optionally "$comment")')
  }
  const merge = top.merge ?? []
  if (!Array.isArray(merge)) fail('"merge"', 'must be an array')
  return {
    merge: (merge as unknown[]).map((entry, i) => {
      const at = `merge[${i}]`
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(at, 'must be an object with code, name and regencies')
      const e = entry as Record<string, unknown>
      const label = typeof e.code === 'string' ? `${at} ("${e.code}")` : at
      for (const key of Object.keys(e)) {
        if (!['code', 'name', 'regencies', '$comment'].includes(key)) fail(label, `"${key}" is not a known key (expected code, name, regencies)`)
      }
      if (typeof e.code !== 'string' || !BRANCH_CODE.test(e.code)) {
        fail(label, 'code must be 2 to 20 capital letters and digits starting with a letter, e.g. "KC3505"')
      }
      if (typeof e.name !== 'string' || e.name.trim() === '') fail(label, 'name must be a non-empty string, e.g. "KC Blitar"')
      if (!Array.isArray(e.regencies) || e.regencies.length === 0) fail(label, 'regencies must be a non-empty array of regency codes, e.g. ["35.05", "35.72"]')
      for (const r of e.regencies as unknown[]) {
        if (typeof r !== 'string' || !/^[0-9]{2}\.[0-9]{2}$/.test(r)) fail(label, `${JSON.stringify(r)} is not a regency code like "35.05"`)
      }
      return { code: e.code as string, name: (e.name as string).trim(), regencies: e.regencies as string[] }
    }),
  }
}

/**
 * The branches and regency assignments a configuration gives for the regencies that exist. Refuses
 * a merge naming an unknown regency, a regency in two merges, two merges with one code, and a merge
 * code that is the default code of a regency the merge leaves out (both would claim that branch).
 */
export function planBranches(regencies: RegencyRef[], config: BranchConfig, source: string): BranchPlan {
  const fail = (at: number, why: string): never => {
    const m = config.merge[at]!
    throw new BranchConfigError(`Branch configuration ${source}: merge[${at}] ("${m.code}", ${m.name}): ${why}`)
  }
  const byCode = new Map(regencies.map((r) => [r.code, r]))
  const mergedInto = new Map<string, number>()
  const mergeByCode = new Map<string, number>()
  config.merge.forEach((m, i) => {
    const same = mergeByCode.get(m.code)
    if (same !== undefined) fail(i, `branch code ${m.code} is already used by merge[${same}]`)
    mergeByCode.set(m.code, i)
    for (const r of m.regencies) {
      if (!byCode.has(r)) fail(i, `unknown regency code "${r}"`)
      const prior = mergedInto.get(r)
      if (prior !== undefined) {
        fail(i, `regency ${r} (${byCode.get(r)!.name}) is already in merge[${prior}] ("${config.merge[prior]!.code}")`)
      }
      mergedInto.set(r, i)
    }
  })
  config.merge.forEach((m, i) => {
    const claimant = regencies.find((r) => defaultBranchCode(r.code) === m.code)
    if (claimant && mergedInto.get(claimant.code) !== i) {
      fail(i, `code ${m.code} is the own branch of regency ${claimant.code} (${claimant.name}), which this merge does not include`)
    }
  })

  const branches = new Map<string, string>()
  const assignments: BranchPlan['assignments'] = []
  for (const r of [...regencies].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    const at = mergedInto.get(r.code)
    const code = at === undefined ? defaultBranchCode(r.code) : config.merge[at]!.code
    if (!branches.has(code)) branches.set(code, at === undefined ? defaultBranchName(r.name) : config.merge[at]!.name)
    assignments.push({ regencyCode: r.code, branchCode: code })
  }
  return { branches: [...branches].map(([code, name]) => ({ code, name })), assignments }
}
