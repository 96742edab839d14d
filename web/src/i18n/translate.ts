// Looking texts up in the catalogue: pure functions, so node:test checks them without a browser.
import { catalogue, LOCALES, type Locale, type MessageKey } from './messages.ts'

export type Params = Record<string, string | number>

/** Indonesian first: a visitor who never chose sees Indonesian, whatever the browser says. */
export const DEFAULT_LOCALE: Locale = 'id'

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

/** The remembered choice if it is one of ours, else Indonesian. */
export function pickLocale(stored: string | null | undefined): Locale {
  return isLocale(stored) ? stored : DEFAULT_LOCALE
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(catalogue.id, key)
}

/** The text of `key` in `locale` with `{name}` placeholders filled; an unknown placeholder stays visible. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = catalogue[locale][key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole))
}

/**
 * What to show for an API error: our own text for the codes a screen expects, otherwise the
 * API's message (the client asks for it in the chosen language), otherwise a generic title.
 */
export function errorText(locale: Locale, code: string | undefined, apiMessage: string | undefined): string {
  const key = `error.${code ?? ''}`
  if (code && isMessageKey(key)) return translate(locale, key)
  return apiMessage || translate(locale, 'error.title')
}
