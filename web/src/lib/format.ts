// Numbers, Rupiah, dates and months through Intl, for the chosen language. Pure: node:test checks
// the exact output (format.test.ts), and the browser's Intl gives the same (the e2e tests read it).
import type { Locale } from '../i18n/messages.ts'

/** Intl's locale for ours: Indonesian as in Indonesia; English with day-month-year dates, as read here. */
export function intlLocale(locale: Locale): string {
  return locale === 'id' ? 'id-ID' : 'en-GB'
}

/** Business time: dates and instants are shown as in Jakarta (the platform's calendar, src/platform/dates.ts). */
const BUSINESS_TZ = 'Asia/Jakarta'

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()
function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key)
  if (!f) cache.set(key, (f = make()))
  return f as T
}

export function formatNumber(n: number, locale: Locale): string {
  return memo(`n:${locale}`, () => new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 })).format(n)
}

/**
 * Whole Rupiah as written in Indonesia: `Rp16.800` (English: `Rp16,800`). Intl's id-ID currency
 * format puts a no-break space after the symbol (`Rp\u00a016.800`) and English names the code
 * (`IDR 16,800`); the narrow symbol without the space is the usual written form (and the one the
 * rate regulations print). Contributions are whole Rupiah, so no decimals.
 */
export function formatRupiah(amount: number, locale: Locale): string {
  const f = memo(
    `idr:${locale}`,
    () => new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: 'IDR', currencyDisplay: 'narrowSymbol', minimumFractionDigits: 0, maximumFractionDigits: 0 }),
  )
  return f
    .formatToParts(amount)
    .filter((p) => !(p.type === 'literal' && /^\s+$/.test(p.value)))
    .map((p) => p.value)
    .join('')
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_MONTH = /^(\d{4})-(\d{2})$/

/** A calendar date ('1990-05-17', as the API gives birth dates): `17 Mei 1990`, never shifted by a time zone. */
export function formatDate(isoDate: string, locale: Locale): string {
  const m = ISO_DATE.exec(isoDate)
  if (!m) return isoDate
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return memo(`d:${locale}`, () => new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })).format(d)
}

/** A month ('2026-03', as periods and paid months are given): `Maret 2026`. */
export function formatMonth(isoMonth: string, locale: Locale): string {
  const m = ISO_MONTH.exec(isoMonth)
  if (!m) return isoMonth
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))
  return memo(`m:${locale}`, () => new Intl.DateTimeFormat(intlLocale(locale), { month: 'long', year: 'numeric', timeZone: 'UTC' })).format(d)
}

/** An instant (ISO 8601 with zone) as a Jakarta date and time: `25 November 2026 10.00`. */
export function formatDateTime(isoInstant: string, locale: Locale): string {
  const d = new Date(isoInstant)
  if (Number.isNaN(d.getTime())) return isoInstant
  return memo(
    `dt:${locale}`,
    () => new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: BUSINESS_TZ }),
  ).format(d)
}

/** The Jakarta calendar date of an instant (a registration time): `25 November 2026`. */
export function formatInstantDate(isoInstant: string, locale: Locale): string {
  const d = new Date(isoInstant)
  if (Number.isNaN(d.getTime())) return isoInstant
  return memo(`id:${locale}`, () => new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'long', year: 'numeric', timeZone: BUSINESS_TZ })).format(d)
}
