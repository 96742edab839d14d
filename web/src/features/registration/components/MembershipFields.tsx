// The parts of the membership form that registration and the member's edit screen share, so both
// check and show the same things: the API's field error beside its field, the declared income
// (checked live against the rate table's bounds), the programs (JKK and JKM required, JHT a choice:
// PP 44/2015 as amended for BPU) and the monthly contribution priced live by the server's own
// calculator (preview.ts).
import type { Preview } from '../preview.ts'
import { useI18n } from '../../../app/i18n.tsx'
import type { YearMonth } from '../../../../../src/platform/dates.ts'

/** A whole Rupiah amount as typed ("1.500.000", "1500000"), or null. */
export function parseIncome(typed: string): number | null {
  const digits = typed.replace(/[.,\s]/g, '')
  return /^\d{1,12}$/.test(digits) ? Number(digits) : null
}

/** The programs a BPU member holds with or without the optional JHT. */
export const programsWith = (jht: boolean): string[] => (jht ? ['JKK', 'JKM', 'JHT'] : ['JKK', 'JKM'])

/** The API's (or the live check's) reason for one field, tied to it by `${path}-error`. */
export function FieldError({ path, text }: { path: string; text?: string | undefined }) {
  return text ? (
    <p class="field-error" id={`${path}-error`} role="alert">
      {text}
    </p>
  ) : null
}

/** A labelled text input with the API's error beside it (`${path}-error`). */
export function TextField(props: { path: string; label: string; value: string; onInput(v: string): void; error?: string | undefined } & Record<string, unknown>) {
  const { path, label, value, onInput, error, ...rest } = props
  return (
    <div class="field">
      <label for={path}>{label}</label>
      <input
        id={path}
        name={path}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${path}-error` : undefined}
        {...rest}
      />
      <FieldError path={path} text={error} />
    </div>
  )
}

/** A code list (occupations, ecosystems, channels) as a select, named in the chosen language. */
export function CodeSelect(props: {
  path: string
  label: string
  value: string
  options: readonly { code: string; nameId: string; nameEn: string }[]
  onChange(v: string): void
  error?: string | undefined
  /** A first, empty choice with this text (nothing chosen yet). */
  placeholder?: string
}) {
  const { locale } = useI18n()
  // A stored code the list no longer offers stays selectable, so an edit does not change it silently.
  const unknown = props.value !== '' && !props.options.some((o) => o.code === props.value)
  return (
    <div class="field">
      <label for={props.path}>{props.label}</label>
      <select
        id={props.path}
        name={props.path}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        aria-describedby={props.error ? `${props.path}-error` : undefined}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {unknown && <option value={props.value}>{props.value}</option>}
        {props.options.map((o) => (
          <option key={o.code} value={o.code}>
            {locale === 'id' ? o.nameId : o.nameEn}
          </option>
        ))}
      </select>
      <FieldError path={props.path} text={props.error} />
    </div>
  )
}

/** The declared income: its live refusal (bounds) or the API's error, else the amount read back. */
export function IncomeField(props: { value: string; onInput(v: string): void; error?: string | undefined }) {
  const { t, rupiah } = useI18n()
  const amount = parseIncome(props.value)
  return (
    <div class="field">
      <label for="monthlyIncome">{t('participant.income')}</label>
      <input
        id="monthlyIncome"
        name="monthlyIncome"
        inputMode="numeric"
        autocomplete="off"
        maxLength={16}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? 'monthlyIncome-error' : 'monthlyIncome-hint'}
      />
      {props.error ? (
        <FieldError path="monthlyIncome" text={props.error} />
      ) : (
        <p class="hint" id="monthlyIncome-hint">
          {amount !== null ? t('participant.incomePerMonth', { amount: rupiah(amount) }) : t('register.incomeHint')}
        </p>
      )}
    </div>
  )
}

/** JKK and JKM (required, shown checked and fixed) and JHT (a choice). */
export function ProgramsField(props: { jht: boolean; onChange(jht: boolean): void; error?: string | undefined }) {
  const { t } = useI18n()
  return (
    <fieldset class="field" aria-describedby={['programs-hint', props.error ? 'programs-error' : undefined].filter(Boolean).join(' ')}>
      <legend>{t('participant.programs')}</legend>
      <label class="choice">
        <input type="checkbox" checked disabled /> {t('program.JKK')}
      </label>
      <label class="choice">
        <input type="checkbox" checked disabled /> {t('program.JKM')}
      </label>
      <label class="choice">
        <input type="checkbox" name="jht" checked={props.jht} onChange={(e) => props.onChange(e.currentTarget.checked)} /> {t('program.JHT')}
      </label>
      <p class="hint" id="programs-hint">
        {t('register.programsHint')}
      </p>
      <FieldError path="programs" text={props.error} />
    </fieldset>
  )
}

/** The month's contribution, line by line with any discount and its regulation, or why not yet. */
export function ContributionPanel({ preview, month }: { preview: Preview | null; month: YearMonth }) {
  const { t, rupiah, month: monthText } = useI18n()
  return (
    <section class="panel contribution" aria-labelledby="contribution-title" aria-live="polite">
      <h2 id="contribution-title">{t('register.contribution', { month: monthText(month) })}</h2>
      {preview?.state === 'priced' ? (
        <>
          <dl class="facts">
            {preview.lines.map((l) => (
              <div key={l.program}>
                {/* BPU lines are JKK, JKM or JHT only (validateBpuPrograms). */}
                <dt>{t(`program.${l.program as 'JKK' | 'JKM' | 'JHT'}`)}</dt>
                <dd>{l.discount > 0 ? t('register.lineDiscounted', { amount: rupiah(l.amount), base: rupiah(l.baseAmount), regulation: l.regulation }) : rupiah(l.amount)}</dd>
              </div>
            ))}
          </dl>
          <p class="total" data-testid="contribution-total">
            {t('register.total', { amount: rupiah(preview.total) })}
          </p>
        </>
      ) : (
        <p class="muted">{preview?.state === 'refused' ? t('register.contributionRefused') : t('register.contributionPending')}</p>
      )}
    </section>
  )
}
