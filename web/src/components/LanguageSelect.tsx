// The language switch, on every screen (signed in or not).
import { useI18n } from '../app/i18n.tsx'
import { LOCALES, type Locale } from '../i18n/messages.ts'

export function LanguageSelect() {
  const { locale, setLocale, t } = useI18n()
  return (
    <div class="lang">
      <label for="lang">{t('lang.label')}</label>
      <select id="lang" value={locale} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(l === 'id' ? 'lang.id' : 'lang.en')}
          </option>
        ))}
      </select>
    </div>
  )
}
