// Kemendagri region codes: what level a code names and which codes are its ancestors. A child's
// code is its parent's code plus one more dotted part: province '35', regency '35.05',
// district '35.05.01', village '35.05.01.2001' (Kepmendagri 300.2.2-2138/2025, Lampiran).

export type Level = 'province' | 'regency' | 'district' | 'village'

export const LEVELS: readonly Level[] = ['province', 'regency', 'district', 'village']

const PATTERNS: Record<Level, RegExp> = {
  province: /^[0-9]{2}$/,
  regency: /^[0-9]{2}\.[0-9]{2}$/,
  district: /^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$/,
  village: /^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$/,
}

/** Length of a code at each level: the prefix a descendant shares with its ancestor. */
export const CODE_LENGTH: Record<Level, number> = { province: 2, regency: 5, district: 8, village: 13 }

/** The level a code names, or undefined when it is not a well-formed region code. */
export function regionLevel(code: string): Level | undefined {
  return LEVELS.find((l) => PATTERNS[l].test(code))
}

/** Why a code is not a region code, for the client; undefined when it is one. */
export function codeProblem(code: string): string | undefined {
  if (regionLevel(code)) return undefined
  return `"${code.slice(0, 20)}" is not a region code: expected 35, 35.05, 35.05.01 or 35.05.01.2001`
}

/** The codes of a code's ancestors, province first. */
export function ancestorCodes(code: string): string[] {
  const level = regionLevel(code)
  if (!level) return []
  return LEVELS.slice(0, LEVELS.indexOf(level)).map((l) => code.slice(0, CODE_LENGTH[l]))
}

/** The parent's code, or null for a province. */
export function parentCode(code: string): string | null {
  return ancestorCodes(code).at(-1) ?? null
}

/** The level below, or undefined for a village. */
export function childLevel(level: Level): Level | undefined {
  return LEVELS[LEVELS.indexOf(level) + 1]
}

/**
 * The code prefix q stands for, when q reads as the start of a region code rather than a name:
 * dotted as the tables write codes ('35.05', '35.05.') or undotted as a NIK writes them ('3505').
 * The few names that begin with digits ('2 x 11 Kayu Tanam', '19 Nopember') go on with letters, so
 * a query of nothing but digits and dots means a code.
 */
export function codePrefix(q: string): string | undefined {
  if (/^[0-9]{1,2}(\.[0-9]{0,2}(\.[0-9]{0,2}(\.[0-9]{0,4})?)?)?$/.test(q)) return q
  if (/^[0-9]{1,10}$/.test(q)) {
    return [q.slice(0, 2), q.slice(2, 4), q.slice(4, 6), q.slice(6, 10)].filter(Boolean).join('.')
  }
  return undefined
}
