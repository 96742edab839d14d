// The typed API client: openapi-fetch over the types generated from the server's own OpenAPI
// document (schema.d.ts, written by `npm run api:client`, kept current by a test). Same origin,
// so the session cookie goes along; every change carries the CSRF token the session set in the
// readable jamsos_csrf cookie (src/auth/plugin.ts), and every request asks for messages in the
// chosen language.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'

export type { paths } from './schema'

/** The API's one error shape (src/platform/errors.ts). */
export interface ApiErrorBody {
  error: { code: string; message: string; fields?: { path: string; code: string; message: string }[]; details?: Record<string, unknown> }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return undefined
}

let language = 'id'
/** The language the API answers messages in (Accept-Language); set when the user switches. */
export function setApiLanguage(locale: string): void {
  language = locale
}

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', language)
    if (UNSAFE.has(request.method)) {
      const csrf = readCookie('jamsos_csrf')
      if (csrf) request.headers.set('x-csrf-token', csrf)
    }
    return request
  },
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(headers)

/** A failed call, carrying the API's error code (or NETWORK when the server could not be reached). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly retryAfterSeconds: number | undefined,
    /** The API's per-field failures (path, code, message in the chosen language), for forms to show beside their fields. */
    readonly fields: { path: string; code: string; message: string }[] = [],
    /** Machine-readable facts, e.g. the holder's KPJ of a duplicate NIK. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${status} ${code}`)
  }
}

/** The data of a call, or an ApiError thrown: what the query cache and the forms expect. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: Awaited<typeof call>
  try {
    r = await call
  } catch {
    throw new ApiError(0, 'NETWORK', '', undefined)
  }
  if (r.response.ok) return r.data as T
  const body = r.error as Partial<ApiErrorBody> | undefined
  const retry = Number(r.response.headers.get('retry-after'))
  throw new ApiError(r.response.status, body?.error?.code ?? `HTTP_${r.response.status}`, body?.error?.message ?? '', Number.isFinite(retry) && retry > 0 ? retry : undefined, body?.error?.fields ?? [], body?.error?.details ?? {})
}
