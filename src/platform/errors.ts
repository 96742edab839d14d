// One error model. An expected failure is an AppError value with a stable code; each code is
// mapped once, here, to an HTTP status and to Indonesian and English text. Every error response
// has the shape
//   {"error": {"code", "message", "fields": [{"path", "code", "message"}]}}
// Modules declare their own codes in their errors.ts with defineErrors(); this file holds the
// platform's and the registry that serves them all.

export interface ErrorText {
  /** HTTP status. */
  status: number
  /** Indonesian text (the default language of responses). */
  id: string
  /** English text. */
  en: string
}

export type Lang = 'id' | 'en'

const registry = new Map<string, ErrorText>()

/** Declares error codes with their status and both texts; returns the codes as constants. */
export function defineErrors<T extends Record<string, ErrorText>>(defs: T): { [K in keyof T]: K } {
  const out = {} as { [K in keyof T]: K }
  for (const [code, text] of Object.entries(defs)) {
    const prior = registry.get(code)
    if (prior && (prior.status !== text.status || prior.en !== text.en)) {
      throw new Error(`Error code ${code} is declared twice with different meanings`)
    }
    registry.set(code, text)
    ;(out as Record<string, string>)[code] = code
  }
  return out
}

export function errorText(code: string): ErrorText | undefined {
  return registry.get(code)
}

export function allErrorCodes(): [string, ErrorText][] {
  return [...registry.entries()]
}

export interface FieldError {
  /** Dotted path of the offending input, e.g. `nik` or `heirs.0.relationship`. */
  path: string
  /** Stable code of what is wrong with it. */
  code: string
  /** English detail (the exact reason), appended to the translated text of the code. */
  reason?: string
}

export class AppError extends Error {
  readonly code: string
  readonly fields: FieldError[]
  /** Extra machine-readable facts for the caller (e.g. the existing KPJ of a duplicate). */
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, opts: { fields?: FieldError[]; reason?: string; details?: Record<string, unknown> } = {}) {
    super(opts.reason ? `${code}: ${opts.reason}` : code)
    this.name = 'AppError'
    this.code = code
    this.fields = opts.fields ?? []
    this.details = opts.details
    if (!registry.has(code)) throw new Error(`Undeclared error code ${code}`)
  }

  /** A failure of one input field; the field's code is the error's code. */
  static field(code: string, path: string, reason?: string, details?: Record<string, unknown>): AppError {
    return new AppError(code, { fields: [{ path, code, ...(reason ? { reason } : {}) }], ...(reason ? { reason } : {}), ...(details ? { details } : {}) })
  }

  get status(): number {
    return registry.get(this.code)!.status
  }
}

export const PlatformErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, id: 'Data yang dikirim tidak valid', en: 'The request is not valid' },
  REQUIRED: { status: 400, id: 'Wajib diisi', en: 'Is required' },
  INVALID_TYPE: { status: 400, id: 'Jenis nilai salah', en: 'Has the wrong type' },
  INVALID_FORMAT: { status: 400, id: 'Format tidak sesuai', en: 'Has the wrong format' },
  INVALID_VALUE: { status: 400, id: 'Nilai tidak diizinkan', en: 'Is not an allowed value' },
  TOO_SHORT: { status: 400, id: 'Terlalu pendek', en: 'Is too short' },
  TOO_LONG: { status: 400, id: 'Terlalu panjang', en: 'Is too long' },
  OUT_OF_RANGE: { status: 400, id: 'Di luar rentang yang diizinkan', en: 'Is out of the allowed range' },
  UNKNOWN_FIELD: { status: 400, id: 'Kolom tidak dikenal', en: 'Is not a known field' },
  // Every list pages the same way (src/platform/cursor.ts): a cursor it did not hand out is this.
  CURSOR_INVALID: { status: 400, id: 'Penanda halaman tidak valid', en: 'Not a valid page cursor' },
  MALFORMED_JSON: { status: 400, id: 'Isi permintaan bukan JSON yang sah', en: 'The request body is not valid JSON' },
  // A lone UTF-16 surrogate (JSON's "\ud800" without its pair): PostgreSQL would store U+FFFD instead,
  // so what was checked, hashed into the audit chain and stored would differ (issue 12, item 7).
  TEXT_NOT_UNICODE: { status: 400, id: 'Teks bukan Unicode yang sah (ada surrogate UTF-16 tanpa pasangan)', en: 'Is not well-formed Unicode text (a lone UTF-16 surrogate)' },
  MALFORMED_URL: { status: 400, id: 'Alamat permintaan tidak sah', en: 'The request address is not valid' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, id: 'Jenis konten tidak didukung', en: 'The content type is not supported' },
  PAYLOAD_TOO_LARGE: { status: 413, id: 'Isi permintaan terlalu besar', en: 'The request body is too large' },
  NOT_FOUND: { status: 404, id: 'Tidak ditemukan', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, id: 'Alamat tidak dikenal', en: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, id: 'Metode tidak diizinkan', en: 'Method not allowed' },
  OUT_OF_SCOPE: { status: 403, id: 'Di luar wilayah kerja Anda', en: 'Outside your area of work' },
  CONFLICT: { status: 409, id: 'Bertentangan dengan data yang sudah ada', en: 'Conflicts with existing data' },
  RATE_LIMITED: { status: 429, id: 'Terlalu banyak permintaan, coba lagi nanti', en: 'Too many requests, try again later' },
  UNAVAILABLE: { status: 503, id: 'Layanan sedang tidak tersedia', en: 'The service is unavailable' },
  // The database cannot be reached (the embedded cluster is restarting, an external server is
  // down): answered with Retry-After, never as a 500 (issue 12 §3).
  DATABASE_UNAVAILABLE: { status: 503, id: 'Basis data sedang tidak tersedia, coba lagi sebentar lagi', en: 'The database is unavailable, try again shortly' },
  INTERNAL_ERROR: { status: 500, id: 'Terjadi kesalahan pada sistem', en: 'Something went wrong on our side' },
})

export function translate(code: string, lang: Lang): string {
  const t = registry.get(code)
  return t ? t[lang] : code
}

export interface ErrorBody {
  error: {
    code: string
    message: string
    fields: { path: string; code: string; message: string }[]
    details?: Record<string, unknown>
  }
}

export function errorBody(err: AppError, lang: Lang): ErrorBody {
  const body: ErrorBody = {
    error: {
      code: err.code,
      message: translate(err.code, lang) + (err.fields.length === 0 && reasonOf(err) ? `: ${reasonOf(err)}` : ''),
      fields: err.fields.map((f) => ({
        path: f.path,
        code: f.code,
        message: translate(f.code, lang) + (f.reason ? `: ${f.reason}` : ''),
      })),
    },
  }
  if (err.details) body.error.details = err.details
  return body
}

function reasonOf(err: AppError): string | undefined {
  const i = err.message.indexOf(': ')
  return i >= 0 ? err.message.slice(i + 2) : undefined
}

/** Picks the response language from Accept-Language: English when preferred, else Indonesian. */
export function langFrom(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'id'
  const first = acceptLanguage.split(',')[0]!.trim().toLowerCase()
  return first.startsWith('en') ? 'en' : 'id'
}

/** SQLSTATE of a database error, when it is one. */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** Name of the violated constraint of a database error, when it says. */
export function constraintOf(e: unknown): string | undefined {
  const c = (e as { constraint_name?: unknown })?.constraint_name
  return typeof c === 'string' ? c : undefined
}
