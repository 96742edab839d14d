// What makes a registration acceptable. One pure check serves the single API registration and the
// bulk path alike, so a row the API would refuse is refused by a bulk load for the same reason.
import type { ParticipantRow } from '../platform/db-types.ts'
import { AppError, PlatformErrors, type FieldError } from '../platform/errors.ts'
import { isIsoDate, monthOf, type IsoDate, type YearMonth } from '../platform/dates.ts'
import { maskNik } from '../platform/privacy.ts'
import { illFormedTextPaths } from '../platform/unicode.ts'
import { validateBpuIncome, validateBpuPrograms, type ProgramCode, type RateRow } from '../programs/index.ts'
import type { Place } from '../regions/index.ts'
import { checkNikAgainstDeclared, parseNik, type ParsedNik } from './nik.ts'
import { RegistryErrors as R } from './errors.ts'
import type { CodeLists } from './queries.ts'

// participant's CHECK lists (migrations/0004), through the generated row type.
export type Gender = ParticipantRow['gender']
export type Funding = ParticipantRow['funding']

/** The registration body of POST /api/v1/participants (the contract other issues build on). */
export interface RegistrationInput {
  nik: string
  fullName: string
  birthPlace: string
  birthDate: IsoDate
  gender: Gender
  motherMaidenName: string
  phone: string
  address: string
  villageCode: string
  occupation: string
  monthlyIncome: number
  programs: string[]
  ecosystem: string
  channel: string
  funding?: Funding
  heirs?: HeirInput[]
}

export interface HeirInput {
  fullName: string
  relationship: string
  birthDate?: IsoDate | null
  phone?: string | null
}

export interface RegistrationRefs {
  regions: { provinces: Set<string>; regencies: Set<string>; districts: Set<string> }
  place: (villageCode: string) => Place | undefined
  codes: CodeLists
  rates: RateRow[]
  today: IsoDate
}

/** A registration that passed every rule, with what follows from it (place, branch, NIK facts). */
export interface CheckedRegistration {
  input: RegistrationInput
  nik: ParsedNik
  nikMasked: string
  place: Place
  programs: ProgramCode[]
  funding: Funding
}

// An Indonesian mobile number once normalised: 08, then 8 to 13 more digits.
const MOBILE = /^08[1-9][0-9]{6,11}$/

/** The phone in its 08… form, or the field error saying why it is not a mobile number. */
export function checkPhone(raw: string): { phone: string } | { error: FieldError } {
  const phone = normalisePhone(raw)
  return MOBILE.test(phone)
    ? { phone }
    : { error: { path: 'phone', code: R.PHONE_INVALID, reason: `"${raw}" is not an Indonesian mobile number (08…, 10 to 14 digits)` } }
}

/** Normalises free text: trims, folds inner white space. */
export function tidy(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ')
}

/** Normalises an Indonesian mobile number to the 08… form. */
export function normalisePhone(phone: string): string {
  const p = phone.replace(/[\s\-().]/g, '')
  if (p.startsWith('+62')) return '0' + p.slice(3)
  if (p.startsWith('62')) return '0' + p.slice(2)
  return p
}

const TEXT_FIELDS = ['nik', 'fullName', 'birthPlace', 'birthDate', 'gender', 'motherMaidenName', 'phone', 'address', 'villageCode', 'occupation', 'ecosystem', 'channel'] as const

/**
 * The longest text each field may hold, in characters (code points, as PostgreSQL's length() and
 * JSON Schema's maxLength count them). The one source of these limits: the route schemas in
 * routes.ts use them for maxLength, and checkShape applies them to rows that come by file, so a
 * bulk row can never carry a value the table would refuse (full_name's CHECK, migrations/0004)
 * into a COPY, where a refusal cannot be reported.
 */
export const TEXT_LIMITS = {
  nik: 32,
  fullName: 150,
  birthPlace: 100,
  motherMaidenName: 150,
  phone: 20,
  address: 300,
  occupation: 40,
  ecosystem: 40,
  channel: 40,
} as const satisfies Partial<Record<(typeof TEXT_FIELDS)[number], number>>

/** Limits of an heir's text (POST /participants/{kpj}/heirs and a registration's heirs). */
export const HEIR_TEXT_LIMITS = { fullName: 150, phone: 20 } as const

export const HEIR_RELATIONSHIPS = ['spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'] as const

// C0 control characters other than the white space tidy() folds into a space (tab, line feed,
// vertical tab, form feed, carriage return). PostgreSQL refuses U+0000 in text outright; the rest
// would be stored but are never part of a name, address or phone number.
const CONTROL = /[\u0000-\u0008\u000E-\u001F]/

/**
 * Whether a text value fits its limit and carries no control character; the field error if not.
 * Shared by every path that writes participant or heir text (registration, bulk, changes, heirs).
 */
export function checkText(path: string, value: string, max: number): FieldError | undefined {
  const control = CONTROL.exec(value)
  if (control) {
    const cp = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    // The position in characters, as a person counts them (not UTF-16 units).
    return { path, code: PlatformErrors.INVALID_FORMAT, reason: `contains the control character U+${cp} at position ${codePoints(value.slice(0, control.index)) + 1}` }
  }
  // UTF-16 units are never fewer than code points, so only a long string needs counting.
  if (value.length > max) {
    const chars = codePoints(value)
    if (chars > max) return { path, code: PlatformErrors.TOO_LONG, reason: `${chars} characters, at most ${max}` }
  }
  return undefined
}

function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/**
 * The shape the API's JSON schema and its edge guarantee, checked again for rows that arrive by
 * file (bulk import, `participant register`), so a missing or mistyped field is a field error,
 * never a crash. As at the API, a value's JSON type is taken as sent, never coerced: a NIK written
 * as a number has lost digits past 2^53 once parsed (issue 12, item 2). And, as at the edge, text
 * must be well-formed Unicode (src/platform/unicode.ts): a lone surrogate would be stored as
 * U+FFFD, not as it was checked and audited (issue 12, item 7).
 */
function checkShape(raw: unknown): asserts raw is RegistrationInput {
  const r = raw as Record<string, unknown>
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw AppError.field(PlatformErrors.INVALID_TYPE, '(row)', 'a registration is a JSON object')
  if (typeof r.__invalid === 'string') throw AppError.field(PlatformErrors.MALFORMED_JSON, '(row)', r.__invalid)
  const fields: FieldError[] = []
  // Fields (top-level names) holding ill-formed text are reported once, as that, and not checked further.
  const illFormed = new Set<string>()
  for (const path of illFormedTextPaths(r)) {
    fields.push({ path, code: PlatformErrors.TEXT_NOT_UNICODE, reason: 'holds a lone UTF-16 surrogate; send well-formed Unicode' })
    illFormed.add(path.split('.')[0]!)
  }
  for (const f of TEXT_FIELDS) {
    if (illFormed.has(f)) continue
    const v = r[f]
    if (v === undefined || v === null || v === '') fields.push({ path: f, code: PlatformErrors.REQUIRED })
    else if (typeof v !== 'string') fields.push({ path: f, code: PlatformErrors.INVALID_TYPE, reason: 'must be text' })
    else {
      // Birth date, gender and village code have no limit of their own: their exact form is
      // checked below, or against the village list.
      const bad = checkText(f, v, f in TEXT_LIMITS ? TEXT_LIMITS[f as keyof typeof TEXT_LIMITS] : Infinity)
      if (bad) fields.push(bad)
    }
  }
  if (typeof r.birthDate === 'string' && !isIsoDate(r.birthDate)) fields.push({ path: 'birthDate', code: PlatformErrors.INVALID_FORMAT, reason: 'a calendar date YYYY-MM-DD' })
  if (typeof r.gender === 'string' && r.gender !== 'M' && r.gender !== 'F') fields.push({ path: 'gender', code: PlatformErrors.INVALID_VALUE, reason: 'M or F' })
  // The checks below read programs, funding and heirs; one holding ill-formed text is already reported.
  if (illFormed.has('programs') || illFormed.has('funding') || illFormed.has('heirs')) throw shapeError(fields)
  if (!Number.isSafeInteger(r.monthlyIncome)) fields.push({ path: 'monthlyIncome', code: r.monthlyIncome === undefined ? PlatformErrors.REQUIRED : PlatformErrors.INVALID_TYPE, reason: 'whole Rupiah' })
  if (!Array.isArray(r.programs) || !r.programs.every((p) => typeof p === 'string')) fields.push({ path: 'programs', code: PlatformErrors.INVALID_TYPE, reason: 'a list of program codes' })
  if (r.funding !== undefined && !['self', 'sponsor', 'apbn', 'apbd'].includes(r.funding as string)) fields.push({ path: 'funding', code: PlatformErrors.INVALID_VALUE, reason: 'self, sponsor, apbn or apbd' })
  if (r.heirs !== undefined && (!Array.isArray(r.heirs) || !r.heirs.every((h) => h && typeof h === 'object' && typeof (h as HeirInput).fullName === 'string'))) {
    fields.push({ path: 'heirs', code: PlatformErrors.INVALID_TYPE, reason: 'a list of heirs with fullName and relationship' })
  } else if (Array.isArray(r.heirs)) {
    for (const [i, h] of (r.heirs as HeirInput[]).entries()) fields.push(...checkHeirText(h, `heirs.${i}.`))
  }
  if (fields.length) throw shapeError(fields)
}

function shapeError(fields: FieldError[]): AppError {
  return fields.length === 1 ? new AppError(fields[0]!.code, { fields }) : new AppError(PlatformErrors.VALIDATION_FAILED, { fields })
}

/**
 * An heir's text as the heir table will take it: name and phone within their limits and free of
 * control characters, the relationship one the table's CHECK allows. `prefix` places the paths
 * (e.g. "heirs.0.").
 */
export function checkHeirText(h: HeirInput, prefix = ''): FieldError[] {
  const out: FieldError[] = []
  const name = checkText(`${prefix}fullName`, h.fullName, HEIR_TEXT_LIMITS.fullName)
  if (name) out.push(name)
  if (typeof h.phone === 'string') {
    const phone = checkText(`${prefix}phone`, h.phone, HEIR_TEXT_LIMITS.phone)
    if (phone) out.push(phone)
  } else if (h.phone !== undefined && h.phone !== null) out.push({ path: `${prefix}phone`, code: PlatformErrors.INVALID_TYPE, reason: 'must be text' })
  if (!(HEIR_RELATIONSHIPS as readonly unknown[]).includes(h.relationship)) {
    out.push({ path: `${prefix}relationship`, code: PlatformErrors.INVALID_VALUE, reason: HEIR_RELATIONSHIPS.join(', ') })
  }
  return out
}

// Per-field checks shared by registration (single and bulk) and participant changes
// (updateParticipant), so a value one path refuses the other refuses with the same code and words.

/**
 * A tidied required text (name, address …): the error if tidying left it blank or, since NFC can
 * lengthen a text, longer than the column allows. The raw value is checked by checkText first.
 */
export function checkTidiedText(path: keyof typeof TEXT_LIMITS, value: string): FieldError | undefined {
  if (!value) return { path, code: PlatformErrors.REQUIRED, reason: 'must not be blank' }
  // Only a long string needs counting (UTF-16 units are never fewer than code points).
  return value.length > TEXT_LIMITS[path] ? checkText(path, value, TEXT_LIMITS[path]) : undefined
}

/** The error for a village code the caller's lookup (reference data or database) did not find. */
export function unknownVillage(villageCode: string): FieldError {
  return { path: 'villageCode', code: R.VILLAGE_UNKNOWN, reason: `no village has code ${villageCode}` }
}

/** The error when the occupation is not in the occupation list. */
export function checkOccupation(occupation: string, codes: CodeLists): FieldError | undefined {
  return codes.occupations.has(occupation) ? undefined : { path: 'occupation', code: R.OCCUPATION_UNKNOWN, reason: `"${occupation}" is not in the occupation list` }
}

/** The errors that make a declared income unacceptable in `month` (none when it is fine). */
export function checkIncome(rates: readonly RateRow[], income: number, month: YearMonth): FieldError[] {
  try {
    validateBpuIncome(rates, income, month)
    return []
  } catch (e) {
    return fieldErrorsFrom(e)
  }
}

/** The programs as codes, or the errors that make the list unacceptable for a BPU participant. */
export function checkPrograms(programs: readonly string[]): { programs: ProgramCode[] } | { errors: FieldError[] } {
  try {
    return { programs: validateBpuPrograms(programs) }
  } catch (e) {
    return { errors: fieldErrorsFrom(e) }
  }
}

/**
 * The field errors of a check that threw (these checks run for every row of a bulk load, so they
 * are caught where they are called rather than through a closure made per row). An AppError
 * without fields (e.g. no rate in force) still counts, as a '(body)' error with its code; any
 * other exception is a bug and propagates.
 */
function fieldErrorsFrom(e: unknown): FieldError[] {
  if (e instanceof AppError) return e.fields.length ? [...e.fields] : [{ path: '(body)', code: e.code }]
  throw e
}

function pushError(fields: FieldError[], error: FieldError | undefined): void {
  if (error) fields.push(error)
}

/**
 * Checks a registration against every rule; throws one AppError listing every failing field. A
 * single failure answers with that failure's own code (NIK_BAD_DATE, VILLAGE_UNKNOWN …); several
 * answer VALIDATION_FAILED with each field's code.
 */
export function checkRegistration(raw: unknown, refs: RegistrationRefs): CheckedRegistration {
  // A row read from a file is whatever JSON it held, not yet a RegistrationInput: checkShape proves it is.
  checkShape(raw)
  const input: RegistrationInput = {
    ...raw,
    nik: raw.nik.trim(),
    fullName: tidy(raw.fullName),
    birthPlace: tidy(raw.birthPlace),
    motherMaidenName: tidy(raw.motherMaidenName),
    phone: normalisePhone(raw.phone),
    address: tidy(raw.address),
    villageCode: raw.villageCode.trim(),
  }
  const fields: FieldError[] = []
  let nik: ParsedNik | undefined
  try {
    nik = parseNik(input.nik, refs.regions, refs.today)
  } catch (e) {
    fields.push(...fieldErrorsFrom(e))
  }
  if (nik) fields.push(...checkNikAgainstDeclared(nik, { birthDate: input.birthDate, gender: input.gender }))

  // Tidying can lengthen a text (NFC composes most letters but expands a few), so the stored form
  // is measured too: full_name's CHECK applies to what is written, not to what was sent.
  pushError(fields, checkTidiedText('fullName', input.fullName))
  pushError(fields, checkTidiedText('birthPlace', input.birthPlace))
  pushError(fields, checkTidiedText('motherMaidenName', input.motherMaidenName))
  pushError(fields, checkTidiedText('address', input.address))
  if (input.fullName && !/\p{L}/u.test(input.fullName)) fields.push({ path: 'fullName', code: R.NAME_INVALID, reason: 'a name must contain letters' })
  const phone = checkPhone(raw.phone)
  if ('error' in phone) fields.push(phone.error)

  const place = refs.place(input.villageCode)
  if (!place) fields.push(unknownVillage(input.villageCode))

  pushError(fields, checkOccupation(input.occupation, refs.codes))
  if (!refs.codes.ecosystems.has(input.ecosystem))
    fields.push({ path: 'ecosystem', code: R.ECOSYSTEM_UNKNOWN, reason: `"${input.ecosystem}" is not one of ${[...refs.codes.ecosystems].join(', ')}` })
  if (!refs.codes.channels.has(input.channel))
    fields.push({ path: 'channel', code: R.CHANNEL_UNKNOWN, reason: `"${input.channel}" is not one of ${[...refs.codes.channels].join(', ')}` })

  const checkedPrograms = checkPrograms(input.programs)
  const programs = 'programs' in checkedPrograms ? checkedPrograms.programs : []
  if ('errors' in checkedPrograms) fields.push(...checkedPrograms.errors)
  fields.push(...checkIncome(refs.rates, input.monthlyIncome, monthOf(refs.today)))

  for (const [i, h] of (input.heirs ?? []).entries()) {
    if (!tidy(h.fullName)) fields.push({ path: `heirs.${i}.fullName`, code: PlatformErrors.REQUIRED, reason: 'must not be blank' })
  }

  if (fields.length === 1) {
    const f = fields[0]!
    throw new AppError(f.code, { fields, ...(f.reason ? { reason: f.reason } : {}) })
  }
  if (fields.length > 1) throw new AppError(PlatformErrors.VALIDATION_FAILED, { fields })
  return { input, nik: nik!, nikMasked: maskNik(nik!.nik), place: place!, programs, funding: input.funding ?? 'self' }
}
