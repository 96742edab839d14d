// The HTTP app: Fastify with JSON-schema validation (TypeBox), an OpenAPI 3 document generated
// from the same schemas, the one error model, and health endpoints. Modules add their routes as
// plugins through src/app.ts; this file knows none of them.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AjvCompiler, type Options as AjvOptions } from '@fastify/ajv-compiler'
import addFormats from 'ajv-formats'
import type { Logger } from './log.ts'
import type { Sql } from './db.ts'
import { isDatabaseUnavailable } from './db.ts'
import type { Config } from './config.ts'
import { AppError, errorBody, langFrom, PlatformErrors as E, sqlState, type FieldError } from './errors.ts'
import { ErrorResponse } from './schemas.ts'
import { ANONYMOUS_ACTOR, type Actor } from './actor.ts'
import { illFormedTextPaths } from './unicode.ts'

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  TypeBoxTypeProvider
>

/**
 * Services modules need at run time (the NIK vault, the identity key), one typed member per
 * module: the module that reads a member declares it here by augmentation, beside the type its
 * index.ts exports (`declare module '../platform/http.ts' { interface AppServices { … } }`), and
 * the composition root builds them (src/app.ts startServices). Members are optional because a
 * context exists before its services are started; each module's accessor says when one is missing.
 */
export interface AppServices {}

/** What every route can reach: the pools, configuration, the clock and the modules' services. */
export interface AppContext {
  /** Pool for request work (runs as the restricted application role once it exists). */
  db: Sql
  /** Pool for system work: migrations, bulk loads, jobs. */
  systemDb: Sql
  config: Config
  /** The clock; tests pass a fixed one. */
  now: () => Date
  /** The modules' run-time services (AppServices), built by src/app.ts startServices. */
  services: AppServices
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext
  }
  interface FastifyRequest {
    /** Who is asking; set by the identity module's hooks, anonymous until then. */
    actor: Actor
  }
}

// Ajv keywords → our field codes.
const KEYWORD_CODES: Record<string, string> = {
  required: E.REQUIRED,
  type: E.INVALID_TYPE,
  format: E.INVALID_FORMAT,
  pattern: E.INVALID_FORMAT,
  enum: E.INVALID_VALUE,
  const: E.INVALID_VALUE,
  anyOf: E.INVALID_VALUE,
  oneOf: E.INVALID_VALUE,
  minLength: E.TOO_SHORT,
  maxLength: E.TOO_LONG,
  minItems: E.TOO_SHORT,
  maxItems: E.TOO_LONG,
  minimum: E.OUT_OF_RANGE,
  maximum: E.OUT_OF_RANGE,
  exclusiveMinimum: E.OUT_OF_RANGE,
  exclusiveMaximum: E.OUT_OF_RANGE,
  uniqueItems: E.INVALID_VALUE,
  additionalProperties: E.UNKNOWN_FIELD,
}

interface AjvError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

function fieldErrors(validation: AjvError[], context: string | undefined): FieldError[] {
  const out: FieldError[] = []
  const seen = new Set<string>()
  for (const v of validation) {
    let path = v.instancePath.replace(/^\//, '').replace(/\//g, '.')
    if (v.keyword === 'required') path = [path, v.params.missingProperty].filter(Boolean).join('.')
    if (v.keyword === 'additionalProperties') path = [path, v.params.additionalProperty].filter(Boolean).join('.')
    if (!path && context && context !== 'body') path = context
    const code = KEYWORD_CODES[v.keyword] ?? E.INVALID_VALUE
    const key = `${path}|${code}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ path: path || '(body)', code, ...(v.message ? { reason: v.message } : {}) })
  }
  return out
}

/** Turns anything thrown into the AppError a client sees; unknown failures become INTERNAL_ERROR. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string }
  if (fe.validation) return new AppError(E.VALIDATION_FAILED, { fields: fieldErrors(fe.validation, fe.validationContext) })
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(E.UNSUPPORTED_MEDIA_TYPE)
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(E.PAYLOAD_TOO_LARGE)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(E.VALIDATION_FAILED, { fields: [{ path: '(body)', code: E.REQUIRED }] })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(E.MALFORMED_JSON)
  }
  if (fe instanceof SyntaxError && fe.statusCode === 400) return new AppError(E.MALFORMED_JSON)
  if (fe.statusCode === 429) return new AppError(E.RATE_LIMITED)
  if (fe.statusCode === 413) return new AppError(E.PAYLOAD_TOO_LARGE)
  // The database is out of reach (restarting, or an external server down): 503, never a 500.
  if (isDatabaseUnavailable(err)) return new AppError(E.DATABASE_UNAVAILABLE)
  const state = sqlState(err)
  if (state === '23505') return new AppError(E.CONFLICT)
  // The database refusing a value or a write is the caller's doing, never a 500. Modules check
  // their input first and name the field; these are the backstops for what slips past them.
  if (state === '22003') return new AppError(E.OUT_OF_RANGE, { reason: 'a number is outside what can be stored' })
  if (state === '22P02' || state === '22021' || state === '23514') return new AppError(E.INVALID_VALUE, { reason: 'the database refused a value' })
  // Row-level security refused the write (migration 0006): the row would fall outside the caller's scope.
  if (state === '42501') return new AppError(E.OUT_OF_SCOPE)
  if (state === '40001' || state === '40P01') return new AppError(E.UNAVAILABLE)
  return new AppError(E.INTERNAL_ERROR)
}

/** Seconds a client should wait before retrying a 503: an embedded cluster's restart takes a few. */
export const RETRY_AFTER_S = { [E.DATABASE_UNAVAILABLE]: 5, [E.UNAVAILABLE]: 1 } as Record<string, number>

export function sendError(req: FastifyRequest, reply: FastifyReply, err: AppError) {
  if (err.status === 503) reply.header('retry-after', String(RETRY_AFTER_S[err.code] ?? 5))
  return reply.code(err.status).type('application/json; charset=utf-8').send(errorBody(err, langFrom(req.headers['accept-language'])))
}

/**
 * Refuses a request holding text that is not well-formed Unicode anywhere a handler could read it:
 * headers, path parameters, query string and body (strings and object keys alike). PostgreSQL would
 * store U+FFFD for a lone surrogate, so what was checked and hashed would not be what is stored
 * (issue 12, item 7). One field names its path; several answer VALIDATION_FAILED listing each.
 */
export function refuseIllFormedText(req: { headers: unknown; params: unknown; query: unknown; body: unknown }): void {
  const paths = [
    ...illFormedTextPaths(req.headers),
    ...illFormedTextPaths(req.params),
    ...illFormedTextPaths(req.query),
    ...illFormedTextPaths(req.body),
  ]
  if (paths.length === 0) return
  const reason = 'holds a lone UTF-16 surrogate (e.g. \\ud800 without its pair); send well-formed Unicode'
  const fields: FieldError[] = paths.map((path) => ({ path, code: E.TEXT_NOT_UNICODE, reason }))
  throw fields.length === 1 ? new AppError(E.TEXT_NOT_UNICODE, { fields, reason }) : new AppError(E.VALIDATION_FAILED, { fields })
}

type AjvPlugins = NonNullable<NonNullable<Parameters<ReturnType<typeof AjvCompiler>>[1]>['plugins']>

/**
 * Validators per part of the request. Bodies are JSON, so a value's type is the caller's
 * statement: it is checked as sent, never coerced (a NIK sent as a JSON number has already lost
 * digits past 2^53 by the time it is parsed; coercion would register another person's number,
 * issue 12, item 2). Path parameters, query strings and headers are text by nature, so there the
 * schema's type is read out of the text (limit=20 is the number 20, one ?programs=JKK a list).
 * Two Ajv instances from Fastify's own compiler pool; shared schemas (addSchema) reach both.
 */
function validatorFactory() {
  const pool = AjvCompiler()
  return (externalSchemas: Parameters<typeof pool>[0], options: { customOptions?: AjvOptions; plugins?: AjvPlugins } = {}) => {
    const coercing = pool(externalSchemas, options)
    const strict = pool(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } })
    return (route: Parameters<typeof coercing>[0]) => (route.httpPart === 'body' ? strict : coercing)(route)
  }
}

export interface HttpOptions {
  logger: Logger
  ctx: AppContext
  /** Registers the modules' plugins; called inside /api/v1's scope. */
  routes: (app: App) => Promise<void>
  /** Hooks that must run before the API routes (security, auth); called on the root instance. */
  before?: (app: App) => Promise<void>
  /** A function answering /readyz beyond the database ping. */
  ready?: () => Promise<boolean>
  bodyLimit?: number
}

/** JAMSOS_TRUST_PROXY as Fastify takes it: a hop count becomes "the nearest n hops". */
function trustProxyOption(t: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof t === 'number' ? (_address, hop) => hop < t : t
}

export async function createHttp(opts: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    trustProxy: trustProxyOption(opts.ctx.config.trustProxy),
    genReqId: () => crypto.randomUUID(),
    schemaController: { compilersFactory: { buildValidator: validatorFactory() } },
    // A path whose percent-encoding does not decode (not UTF-8, e.g. %ED%A0%80, or a broken %zz)
    // is answered in the one error model rather than in Fastify's own shape.
    frameworkErrors: (err, req, reply) =>
      sendError(req, reply, err.code === 'FST_ERR_BAD_URL' ? AppError.field(E.MALFORMED_URL, '(url)', 'a percent-encoded part of the path is not UTF-8 text') : toAppError(err)),
    // coerceTypes applies to params, query strings and headers only: validatorFactory turns it off for bodies.
    ajv: {
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true },
      plugins: [addFormats as never],
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App

  app.decorate('ctx', opts.ctx)
  app.decorateRequest('actor', null as unknown as Actor)
  app.addHook('onRequest', async (req) => {
    req.actor = { ...ANONYMOUS_ACTOR, ip: req.ip }
  })

  app.setErrorHandler((err, req, reply) => {
    const appErr = toAppError(err)
    if (appErr.status >= 500) req.log.error({ err }, 'request failed')
    return sendError(req, reply, appErr)
  })
  app.setNotFoundHandler((req, reply) => sendError(req, reply, new AppError(E.ROUTE_NOT_FOUND, { reason: `${req.method} ${req.url.split('?')[0]}` })))

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Jamsos API',
        version: '1',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        description:
          'Employment social security for informal workers (BPU, Bukan Penerima Upah). ' +
          'Every error answers {"error": {"code", "message", "fields": [{"path", "code", "message"}]}}. ' +
          'Send Accept-Language: en for English messages (Indonesian by default).',
      },
      // Relative: the document's paths carry /api/v1, and the server is wherever the document was
      // fetched from (any host, port or TLS proxy). Generators and linters want servers present.
      servers: [{ url: '/', description: 'This Jamsos server' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'jamsos_session' },
          partnerSignature: { type: 'apiKey', in: 'header', name: 'X-Jamsos-Signature' },
        },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  if (opts.before) await opts.before(app)
  // After authentication and the access check (an anonymous caller learns nothing of the body
  // rules), before schema validation and every handler.
  app.addHook('preValidation', async (req) => refuseIllFormedText(req))

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await opts.ctx.db`SELECT 1`
      if (opts.ready && !(await opts.ready())) throw new Error('not ready')
      return { status: 'ready' }
    } catch {
      return reply.code(503).send({ status: 'unavailable' })
    }
  })

  await app.register(
    async (api) => {
      // Every API route documents the shared error shape for its failure statuses, and is named:
      // its operationId is what generated clients call it (registerParticipant, getCoverage …),
      // so a route without one refuses to start, as a route without an access declaration does.
      const named = new Map<string, string>()
      api.addHook('onRoute', (route) => {
        const schema = (route.schema ??= {}) as { response?: Record<string, unknown>; operationId?: string }
        if (route.method !== 'HEAD') {
          const where = `${String(route.method)} ${route.url}`
          if (!schema.operationId) {
            throw new Error(`${where}: no operationId. Every route under /api/v1 names its operation in its schema (schema: { operationId: 'verbNoun', … }), unique across the API.`)
          }
          const prior = named.get(schema.operationId)
          if (prior) throw new Error(`${where}: operationId '${schema.operationId}' already names ${prior}; each operation needs its own.`)
          named.set(schema.operationId, where)
        }
        schema.response ??= {}
        for (const status of ['400', '401', '403', '404', '409', '422', '429', '500']) schema.response[status] ??= ErrorResponse
      })
      await opts.routes(api as unknown as App)
    },
    { prefix: '/api/v1' },
  )
  return app
}
