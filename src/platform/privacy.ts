// Personal data protection (UU 27/2022 tentang Pelindungan Data Pribadi): a NIK is shown masked
// everywhere (responses, logs, audit) unless a caller with the right explicitly asks for it.

/** `3505014501900001` → `3505**********01`: the province and regency stay readable, the person not. */
export function maskNik(nik: string): string {
  if (nik.length <= 6) return '*'.repeat(nik.length)
  return nik.slice(0, 4) + '*'.repeat(nik.length - 6) + nik.slice(-2)
}

const SIXTEEN_DIGITS = /(?<!\d)(\d{4})\d{10}(\d{2})(?!\d)/g

/** Masks every 16-digit run in free text (URLs, messages) so a NIK cannot slip into a log line. */
export function scrubNiks(text: string): string {
  return text.replace(SIXTEEN_DIGITS, (_m, a: string, b: string) => `${a}${'*'.repeat(10)}${b}`)
}

/** Deep copy of a value with every string scrubbed and every `nik` key masked. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]'
  if (typeof value === 'string') return scrubNiks(value)
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1))
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] = /^nik$/i.test(k) && typeof v === 'string' ? maskNik(v) : scrubValue(v, depth + 1)
    }
    return out
  }
  return value
}
