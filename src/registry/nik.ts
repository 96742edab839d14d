// The NIK (Nomor Induk Kependudukan), regulations.md §6: 16 digits `PP KK CC DD MM YY SSSS`:
// province, regency and district (kecamatan) of *first* issue, unchanged when the person moves;
// birth date DDMMYY with 40 added to the day for women; a serial from 0001. There is no check
// digit, so only the structure can be verified here; whether the number was really issued is for
// Dukcapil to say.
import { AppError, type FieldError } from '../platform/errors.ts'
import { daysInMonth, isIsoDate, type IsoDate } from '../platform/dates.ts'
import { RegistryErrors as R } from './errors.ts'

export type Gender = 'M' | 'F'

/** Known region codes, dotted as in Kepmendagri: '35', '35.05', '35.05.01'. */
export interface NikRegions {
  provinces: Set<string>
  regencies: Set<string>
  districts: Set<string>
}

export interface ParsedNik {
  nik: string
  provinceCode: string
  regencyCode: string
  districtCode: string
  birthDate: IsoDate
  gender: Gender
  serial: string
  /** False when the regency code no longer exists (regions split over the years): flagged, not refused. */
  regencyKnown: boolean
  /** False when the district code no longer exists: flagged, not refused. */
  districtKnown: boolean
}

/** Women's birth days are written with 40 added (regulations.md §6). */
const WOMAN_DAY_OFFSET = 40
const NIK_LENGTH = 16

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

function nikError(code: string, reason: string): AppError {
  return AppError.field(code, 'nik', reason)
}

/**
 * Reads a NIK and checks its structure against the known regions and today's date. Throws the
 * first problem found, left to right, as an AppError with a field error on `nik`.
 */
export function parseNik(nik: string | null | undefined, regions: NikRegions, today: IsoDate): ParsedNik {
  const digits = requireSixteenDigits(nik)
  const [pp, kk, cc] = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 6)]
  const provinceCode = pp
  const regencyCode = `${pp}.${kk}`
  const districtCode = `${pp}.${kk}.${cc}`

  if (!regions.provinces.has(provinceCode)) throw nikError(R.NIK_UNKNOWN_PROVINCE, `no province has code ${pp} (digits 1–2)`)
  if (kk === '00') throw nikError(R.NIK_BAD_REGENCY, 'the regency code (digits 3–4) is 00; regencies are numbered from 01')
  if (cc === '00') throw nikError(R.NIK_BAD_DISTRICT, 'the district code (digits 5–6) is 00; districts are numbered from 01')

  const { birthDate, gender } = readBirth(digits.slice(6, 8), digits.slice(8, 10), digits.slice(10, 12), today)

  const serial = digits.slice(12, 16)
  if (serial === '0000') throw nikError(R.NIK_BAD_SERIAL, 'the serial number (digits 13–16) is 0000; serials start at 0001')

  return {
    nik: digits,
    provinceCode,
    regencyCode,
    districtCode,
    birthDate,
    gender,
    serial,
    regencyKnown: regions.regencies.has(regencyCode),
    districtKnown: regions.districts.has(districtCode),
  }
}

function requireSixteenDigits(nik: string | null | undefined): string {
  if (nik === null || nik === undefined || nik.trim() === '') throw nikError(R.NIK_REQUIRED, 'no NIK was given')
  const length = [...nik].length
  if (length !== NIK_LENGTH) throw nikError(R.NIK_LENGTH, `has ${length} characters; a NIK has ${NIK_LENGTH} digits`)
  const bad = [...nik].findIndex((ch) => ch < '0' || ch > '9')
  if (bad >= 0) throw nikError(R.NIK_NOT_DIGITS, `character ${bad + 1} is "${[...nik][bad]}"; a NIK has digits only`)
  return nik
}

/**
 * Birth date and gender from DD MM YY.
 *
 * Century: the birth year is the latest year ending in YY that is not after the current year, so a
 * person is 0 to 99 years old. A date later in the current year than today is then a future birth
 * date (a typo, or a number that cannot have been issued), not a 99-year-old: BPU members are of
 * working age, and a wrong digit is far likelier than a centenarian.
 */
function readBirth(dd: string, mm: string, yy: string, today: IsoDate): { birthDate: IsoDate; gender: Gender } {
  const writtenDay = Number(dd)
  const month = Number(mm)
  if (month < 1 || month > 12) throw nikError(R.NIK_BAD_DATE, `birth month ${mm} (digits 9–10) does not exist`)

  const { day, gender } = dayAndGender(writtenDay, dd, month)
  const year = birthYear(Number(yy), Number(today.slice(0, 4)))
  if (day > daysInMonth(year, month)) {
    const said = gender === 'F' ? `birth day ${dd} − ${WOMAN_DAY_OFFSET} = ${day}` : `birth day ${dd}`
    throw nikError(R.NIK_BAD_DATE, `${said} does not exist in ${MONTHS[month - 1]} ${year}`)
  }

  const birthDate = `${String(year).padStart(4, '0')}-${mm}-${String(day).padStart(2, '0')}`
  if (birthDate > today) throw nikError(R.NIK_FUTURE_BIRTH_DATE, `the NIK says born ${birthDate}, after today (${today})`)
  return { birthDate, gender }
}

/** Days 01–31 are men's; 41–71 are women's (day + 40). Everything else cannot be written. */
function dayAndGender(writtenDay: number, dd: string, month: number): { day: number; gender: Gender } {
  if (writtenDay >= 1 && writtenDay <= 31) return { day: writtenDay, gender: 'M' }
  if (writtenDay >= 41 && writtenDay <= 71) return { day: writtenDay - WOMAN_DAY_OFFSET, gender: 'F' }
  if (writtenDay === 0) throw nikError(R.NIK_BAD_DATE, 'birth day 00 (digits 7–8) does not exist')
  if (writtenDay <= 40) {
    throw nikError(R.NIK_BAD_DATE, `birth day ${dd} (digits 7–8) is neither a man's day (01–31) nor a woman's (41–71)`)
  }
  throw nikError(R.NIK_BAD_DATE, `birth day ${dd} − ${WOMAN_DAY_OFFSET} = ${writtenDay - WOMAN_DAY_OFFSET} does not exist in ${MONTHS[month - 1]}`)
}

/** The latest year ending in `yy` that is not after `currentYear`. */
function birthYear(yy: number, currentYear: number): number {
  return currentYear - ((((currentYear - yy) % 100) + 100) % 100)
}

/**
 * What the NIK says against what the form declares. The NIK wins (it is what Dukcapil holds), so a
 * mismatch is reported on the declared field with what the NIK says.
 */
export function checkNikAgainstDeclared(parsed: ParsedNik, declared: { birthDate: IsoDate; gender: Gender }): FieldError[] {
  const out: FieldError[] = []
  if (parsed.birthDate !== declared.birthDate) {
    out.push({ path: 'birthDate', code: R.NIK_BIRTH_DATE_MISMATCH, reason: `the NIK says ${parsed.birthDate}, the form says ${declared.birthDate}` })
  }
  if (parsed.gender !== declared.gender) {
    const day = parsed.nik.slice(6, 8)
    const why = parsed.gender === 'F' ? `birth day ${day} is over 40, a woman's` : `birth day ${day} is under 41, a man's`
    out.push({ path: 'gender', code: R.NIK_GENDER_MISMATCH, reason: `the NIK says ${parsed.gender} (${why}), the form says ${declared.gender}` })
  }
  return out
}

/** The NIK for a district of first issue, birth date, gender and serial: the inverse of parseNik. */
export function makeNik(parts: { districtCode: string; birthDate: IsoDate; gender: Gender; serial: number }): string {
  const district = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(parts.districtCode)
  if (!district) throw new Error(`district code must look like 35.05.01, got "${parts.districtCode}"`)
  const date = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(parts.birthDate)
  if (!date || !isIsoDate(parts.birthDate)) throw new Error(`birth date must be YYYY-MM-DD, got "${parts.birthDate}"`)
  if (!Number.isInteger(parts.serial) || parts.serial < 1 || parts.serial > 9999) throw new Error(`serial ${parts.serial} is outside 1..9999`)
  const [yy, mm, dd] = [date[1]!, date[2]!, date[3]!]
  const day = Number(dd) + (parts.gender === 'F' ? WOMAN_DAY_OFFSET : 0)
  const region = district[1]! + district[2]! + district[3]!
  return region + String(day).padStart(2, '0') + mm + yy + String(parts.serial).padStart(4, '0')
}
