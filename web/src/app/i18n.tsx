// The chosen language for the whole app: remembered in localStorage, Indonesian until someone
// chooses, reflected in <html lang> (screen readers pronounce by it) and in the Accept-Language of
// every API call (so the API's own messages come in the same language).
import { createContext, type ComponentChildren } from 'preact'
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks'
import { setApiLanguage } from '../api/client.ts'
import type { Locale, MessageKey } from '../i18n/messages.ts'
import { errorText, pickLocale, translate, type Params } from '../i18n/translate.ts'
import { formatDate, formatDateTime, formatInstantDate, formatMonth, formatNumber, formatRupiah } from '../lib/format.ts'

export const LOCALE_STORAGE_KEY = 'jamsos.locale'

export interface I18n {
  locale: Locale
  setLocale(l: Locale): void
  t(key: MessageKey, params?: Params): string
  errorText(code: string | undefined, apiMessage?: string): string
  rupiah(n: number): string
  number(n: number): string
  date(isoDate: string): string
  month(isoMonth: string): string
  dateTime(isoInstant: string): string
  /** The Jakarta date of an instant. */
  day(isoInstant: string): string
}

const Ctx = createContext<I18n | null>(null)

function storedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY)
  } catch {
    return null // storage disabled (private mode on some phones): the choice lasts the visit
  }
}

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [locale, setLocaleState] = useState<Locale>(() => pickLocale(storedLocale()))
  setApiLanguage(locale)
  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])
  const setLocale = useCallback((l: Locale) => {
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, l)
    } catch {
      /* see storedLocale */
    }
    setApiLanguage(l)
    setLocaleState(l)
  }, [])
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, params) => translate(locale, key, params),
      errorText: (code, apiMessage) => errorText(locale, code, apiMessage),
      rupiah: (n) => formatRupiah(n, locale),
      number: (n) => formatNumber(n, locale),
      date: (d) => formatDate(d, locale),
      month: (m) => formatMonth(m, locale),
      dateTime: (i) => formatDateTime(i, locale),
      day: (i) => formatInstantDate(i, locale),
    }),
    [locale, setLocale],
  )
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

export function useI18n(): I18n {
  const v = useContext(Ctx)
  if (!v) throw new Error('useI18n outside I18nProvider')
  return v
}
