// The NIK checked as it is typed, by the server's own rules: parseNik of src/registry/nik.ts (pure,
// no Node import), so the browser shows the same code and the same exact reason the API would
// answer, and fills the birth date and gender from the same reading (regulations.md §6: DDMMYY,
// day + 40 for women).
import { parseNik, type Gender } from '../../../../src/registry/nik.ts'
import { AppError } from '../../../../src/platform/errors.ts'
import type { IsoDate } from '../../../../src/platform/dates.ts'

export const NIK_DIGITS = 16

export type NikFeedback =
  | { state: 'empty' }
  /** Digits only so far, fewer than 16: nothing wrong yet. */
  | { state: 'typing'; digits: number }
  /** What the API would refuse it with: the field code and its exact reason. */
  | { state: 'invalid'; code: string; reason: string }
  | { state: 'valid'; nik: string; birthDate: IsoDate; gender: Gender; provinceCode: string }

/** What people type around the groups of a NIK (spaces, dots, dashes as printed on some cards) is not part of it. */
export function cleanNik(typed: string): string {
  return typed.replace(/[\s.\-]/g, '')
}

/**
 * Feedback on a NIK being typed. `provinces` are the province codes ('35') the server knows
 * (GET /regions/provinces); regency and district codes only flag a NIK, never refuse it, so they
 * are not needed here. `final` (the field was left, or the form sent) reports a short NIK as the
 * API would, instead of waiting for more digits.
 */
export function nikFeedback(typed: string, provinces: ReadonlySet<string>, today: IsoDate, final = false): NikFeedback {
  const nik = cleanNik(typed)
  if (nik === '' && !final) return { state: 'empty' }
  const chars = [...nik]
  const digitsOnly = chars.every((c) => c >= '0' && c <= '9')
  if (!final && digitsOnly && chars.length < NIK_DIGITS) return { state: 'typing', digits: chars.length }
  // A short NIK with a wrong character: completed with digits, parseNik names that character and
  // its place (the completion cannot come before it), rather than only the length.
  const checked = !digitsOnly && chars.length < NIK_DIGITS ? nik + '1'.repeat(NIK_DIGITS - chars.length) : nik
  try {
    const p = parseNik(checked, { provinces: new Set(provinces), regencies: new Set(), districts: new Set() }, today)
    return { state: 'valid', nik: p.nik, birthDate: p.birthDate, gender: p.gender, provinceCode: p.provinceCode }
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    const field = e.fields[0]
    return { state: 'invalid', code: e.code, reason: field?.reason ?? '' }
  }
}
