// Business dates are Asia/Jakarta (WIB, UTC+7, no daylight saving since 1964); contribution
// periods are calendar months written 'YYYY-MM'. Instants are stored as timestamptz in UTC and
// turned into a Jakarta date only here, so a payment at 23:30 UTC on 31 January counts on
// 1 February, as the member and the branch see it.

/** A calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string
/** A contribution period (calendar month), 'YYYY-MM'. */
export type YearMonth = string

export const JAKARTA_OFFSET_MINUTES = 7 * 60

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const MONTH_RE = /^(\d{4})-(\d{2})$/

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)
}

export function isYearMonth(s: string): boolean {
  const m = MONTH_RE.exec(s)
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12
}

/** The Jakarta calendar date of an instant. */
export function jakartaDate(instant: Date): IsoDate {
  const shifted = new Date(instant.getTime() + JAKARTA_OFFSET_MINUTES * 60_000)
  return shifted.toISOString().slice(0, 10)
}

/** Today in Jakarta. */
export function todayJakarta(now: Date = new Date()): IsoDate {
  return jakartaDate(now)
}

/** The UTC instant at which a Jakarta date begins (00:00 WIB). */
export function jakartaStartOf(date: IsoDate): Date {
  return new Date(Date.parse(`${date}T00:00:00+07:00`))
}

/** The UTC instant at which a Jakarta date ends (the next day's 00:00 WIB, exclusive). */
export function jakartaEndOf(date: IsoDate): Date {
  return new Date(jakartaStartOf(date).getTime() + 86_400_000)
}

export function monthOf(date: IsoDate): YearMonth {
  return date.slice(0, 7)
}

function ymParts(ym: YearMonth): [number, number] {
  return [Number(ym.slice(0, 4)), Number(ym.slice(5, 7))]
}

/** Months from a to b (b − a): ('2024-11', '2025-02') → 3. */
export function monthDiff(a: YearMonth, b: YearMonth): number {
  const [ay, am] = ymParts(a)
  const [by, bm] = ymParts(b)
  return (by - ay) * 12 + (bm - am)
}

export function addMonths(ym: YearMonth, n: number): YearMonth {
  const [y, m] = ymParts(ym)
  const total = y * 12 + (m - 1) + n
  const yy = Math.floor(total / 12)
  const mm = total - yy * 12 + 1
  return `${String(yy).padStart(4, '0')}-${String(mm).padStart(2, '0')}`
}

/** The months from `from` through `to`, inclusive. */
export function monthRange(from: YearMonth, to: YearMonth): YearMonth[] {
  const out: YearMonth[] = []
  for (let ym = from; ym <= to; ym = addMonths(ym, 1)) out.push(ym)
  return out
}

export function firstDayOf(ym: YearMonth): IsoDate {
  return `${ym}-01`
}

export function lastDayOf(ym: YearMonth): IsoDate {
  const [y, m] = ymParts(ym)
  return `${ym}-${String(daysInMonth(y, m)).padStart(2, '0')}`
}

export function addDays(date: IsoDate, n: number): IsoDate {
  const t = Date.parse(`${date}T00:00:00Z`) + n * 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}

/** Whole years between a birth date and a date (age on that date). */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = on.split('-').map(Number) as [number, number, number]
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}
