// The security layer every request passes through, registered on the root instance before any
// route (src/app.ts → createHttp's `before`):
//
//   onRoute       every /api/v1 route must declare config.access, or start-up fails
//   onRequest     rate limit per address; bearer token or cookie session → req.actor; rate
//                 limit per session (or per address without accepted credentials); access check
//                 (401/403, CSRF)
//   preParsing    partner requests: keep the raw body to hash it
//   preValidation partner signature → req.actor; rate limit per partner key (or address); access check
//   preHandler    Idempotency-Key (not on public routes; src/platform/idempotency.ts): replay the
//                 first answer, or claim the key in the transaction the handler then runs in
//   onSend        store the answer under its Idempotency-Key and commit (not a success of a route
//                 with config.storeResponse: false, whose answer holds a one-time secret, nor an
//                 answer that sets a cookie)
//
// The limits run before the access check, so refused requests are counted too (issue 12 §7:
// 401/403 used to be raised before the limiter ran, so bad tokens and signatures were never limited).
//
// plus helmet's security headers and CORS limited to JAMSOS_CORS_ORIGINS.
import crypto from 'node:crypto'
import { Readable } from 'node:stream'
import cookie from '@fastify/cookie'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../platform/http.ts'
import { AppError, PlatformErrors } from '../platform/errors.ts'
import { accessProblem, decideAccess, isWrite, UNSAFE_METHODS, type RouteAccess } from './access.ts'
import { actorFromUser, resolveSession, type AuthContext } from './accounts.ts'
import { AuthErrors as E } from './errors.ts'
import { idempotencyPlugin, idempotencyScope } from '../platform/idempotency.ts'
import { verifySignedRequest, type KeyContext } from './partner-keys.ts'
import { ensureAuthKey, sha256 } from './secrets.ts'
import { loadAuthSettings, type AuthSettings } from './settings.ts'
import { sha256Hex } from './signature.ts'
import { clientNet } from './throttle.ts'
import { SessionCache } from './session-cache.ts'
import * as q from './queries.ts'

export const SESSION_COOKIE = 'jamsos_session'
export const CSRF_COOKIE = 'jamsos_csrf'
export const CSRF_HEADER = 'x-csrf-token'
export const KEY_HEADER = 'x-jamsos-key'
export const TIMESTAMP_HEADER = 'x-jamsos-timestamp'
export const SIGNATURE_HEADER = 'x-jamsos-signature'

/** How the current request authenticated. */
export interface RequestAuth {
  via: 'bearer' | 'cookie' | 'partner_key' | null
  sessionId: number | null
  keyId: string | null
  csrfHash: Buffer | null
  /** Credentials were presented and refused; raised only where the route needs a caller. */
  error: AppError | null
  /** sha256 of the raw body, for partner signatures. */
  bodySha256: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth
  }
}

/** A route as declared, for the authorization matrix and the docs. */
export interface DeclaredRoute {
  method: string
  url: string
  access: RouteAccess
}

const declared = new WeakMap<object, DeclaredRoute[]>()

/** Every /api/v1 route registered on this app with its access declaration. */
export function declaredRoutes(app: App): DeclaredRoute[] {
  return [...(declared.get(app) ?? [])]
}

/** The identity module's settings and keys for this app (shared by the plugin and the routes). */
export interface AuthRuntime {
  settings: AuthSettings
  context(): AuthContext
  keyContext(): KeyContext
  /** Sessions verified in the last SESSION_CACHE_MS (src/auth/session-cache.ts). */
  sessions: SessionCache
}

const runtimes = new WeakMap<object, AuthRuntime>()

export function authRuntime(app: App): AuthRuntime {
  let r = runtimes.get(app.ctx)
  if (!r) {
    const ctx = app.ctx
    const settings = loadAuthSettings(ctx.config, process.env, ctx.services.authSettings)
    // Loaded now, when the app is built, not on the first partner request.
    ensureAuthKey(ctx.services, settings.secretKey, ctx.config.dataDir)
    const secretKey = () => ensureAuthKey(ctx.services, settings.secretKey, ctx.config.dataDir)
    r = {
      settings,
      context: () => ({ db: ctx.db, settings, now: ctx.now() }),
      keyContext: () => ({ db: ctx.db, settings, now: ctx.now(), secretKey: secretKey() }),
      sessions: new SessionCache(),
    }
    runtimes.set(ctx, r)
  }
  return r
}

/** A partner-signed request: X-Jamsos-Key and no Authorization header (a bearer token wins). */
function isPartnerRequest(req: FastifyRequest): boolean {
  return typeof req.headers[KEY_HEADER] === 'string' && req.headers.authorization === undefined
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return typeof v === 'string' ? v : undefined
}

function routeAccess(req: FastifyRequest): RouteAccess | undefined {
  return (req.routeOptions?.config as { access?: RouteAccess } | undefined)?.access
}

/** Refuses the request unless its caller may use the route. */
function enforce(req: FastifyRequest, access: RouteAccess): void {
  if (access.public) return
  if (req.auth.error) throw req.auth.error
  const decision = decideAccess(access, req.actor, req.method)
  if (decision === 'unauthenticated') throw new AppError(E.AUTH_REQUIRED)
  if (decision === 'forbidden') {
    throw new AppError(E.FORBIDDEN, {
      reason: access.permission && access.roles !== undefined ? `needs the ${access.permission} permission or another role` : `role ${req.actor.role} may not ${req.method} ${req.routeOptions.url}`,
    })
  }
  // A browser sends cookies with any request, including one a hostile page makes; only a page of
  // ours can read the CSRF token to echo it (synchronizer token, checked against the session).
  if (req.auth.via === 'cookie' && UNSAFE_METHODS.has(req.method)) {
    const given = header(req, CSRF_HEADER)
    if (!given || !req.auth.csrfHash || !crypto.timingSafeEqual(sha256(given), req.auth.csrfHash)) throw new AppError(E.CSRF_INVALID)
  }
}

async function authenticateSession(app: App, req: FastifyRequest): Promise<void> {
  const authorization = header(req, 'authorization')
  let token: string | undefined
  let kind: 'bearer' | 'cookie' = 'bearer'
  if (authorization !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9_-]{10,200})$/i.exec(authorization.trim())
    if (!m) {
      req.auth.error = new AppError(E.TOKEN_INVALID, { reason: 'Authorization must be "Bearer <token>"' })
      return
    }
    token = m[1]
  } else if (!isPartnerRequest(req)) {
    token = req.cookies?.[SESSION_COOKIE]
    kind = 'cookie'
  }
  if (!token) return
  try {
    // A token verified a moment ago is not looked up again (issue 12 §4: one query less a request).
    const rt = authRuntime(app)
    const now = app.ctx.now()
    const key = SessionCache.key(token, kind)
    let s = rt.sessions.get(key, now)
    if (!s) {
      s = await resolveSession(rt.context(), token, kind)
      rt.sessions.set(key, s, now)
    }
    req.actor = actorFromUser(s.user, req.ip)
    req.auth.via = kind
    req.auth.sessionId = s.id
    req.auth.csrfHash = s.csrf_hash
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    req.auth.error = e
  }
}

async function authenticatePartner(app: App, req: FastifyRequest): Promise<void> {
  const keyId = header(req, KEY_HEADER)!
  const timestamp = header(req, TIMESTAMP_HEADER)
  const signature = header(req, SIGNATURE_HEADER)
  if (!timestamp || !signature) {
    req.auth.error = new AppError(E.SIGNATURE_INVALID, { reason: 'X-Jamsos-Key needs X-Jamsos-Timestamp and X-Jamsos-Signature' })
    return
  }
  try {
    const { actor, key } = await verifySignedRequest(
      authRuntime(app).keyContext(),
      { keyId, timestamp, signature, method: req.method, url: req.url, bodySha256: req.auth.bodySha256 ?? sha256Hex('') },
      req.ip,
    )
    req.actor = actor
    req.auth.via = 'partner_key'
    req.auth.keyId = key.key_id
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    req.auth.error = e
  }
}

/** Per session or partner key; without accepted credentials (anonymous, or refused), per address. */
function rateKey(req: FastifyRequest): string {
  if (req.auth?.sessionId) return `session:${req.auth.sessionId}`
  if (req.auth?.keyId) return `key:${req.auth.keyId}`
  return `ip:${clientNet(req.ip)}`
}

type Limiter = (req: FastifyRequest) => Promise<{ isAllowed: true } | { isAllowed: false; max: number; remaining: number; ttlInSeconds: number; isExceeded: boolean }>

/** Counts the request against a limiter; over the limit → 429 RATE_LIMITED with Retry-After. */
async function limit(limiter: Limiter, req: FastifyRequest, reply: FastifyReply, headers: boolean): Promise<void> {
  if (!req.url.startsWith('/api/')) return // health checks, the docs
  const r = await limiter(req)
  if (r.isAllowed) return
  if (headers) reply.header('x-ratelimit-limit', r.max).header('x-ratelimit-remaining', r.remaining).header('x-ratelimit-reset', r.ttlInSeconds)
  if (r.isExceeded) {
    reply.header('retry-after', r.ttlInSeconds)
    throw new AppError(PlatformErrors.RATE_LIMITED)
  }
}

export async function securityPlugin(app: App): Promise<void> {
  const rt = authRuntime(app)
  const routes: DeclaredRoute[] = []
  declared.set(app, routes)

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return
    const access = (route.config as { access?: RouteAccess } | undefined)?.access
    const methods = (Array.isArray(route.method) ? route.method : [route.method]) as string[]
    for (const method of methods) {
      const problem = accessProblem(access, method)
      if (problem) {
        throw new Error(
          `${method} ${route.url}: ${problem}. Every route under /api/v1 declares config: { access: { public: true } | { roles: 'any-authenticated' | Role[], write?, permission? } } (docs/security.md).`,
        )
      }
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: access! })
    }
    // The OpenAPI document says how to authenticate and who may call.
    const schema = (route.schema ??= {}) as { security?: unknown[]; description?: string }
    if (access!.public) schema.security = []
    else {
      schema.security = [{ bearer: [] }, { session: [] }, { partnerSignature: [] }]
      const who = access!.roles === 'any-authenticated' ? 'any signed-in caller' : `roles ${(access!.roles ?? []).join(', ')}`
      const extra = access!.permission ? ` with the ${access!.permission} permission` : ''
      const line = `Access: ${who}${extra}${isWrite(access!, methods[0]!) ? ' (writes)' : ''}.`
      schema.description = schema.description ? `${schema.description}\n\n${line}` : line
    }
  })

  await app.register(cookie)
  // Default helmet CSP: scripts from 'self' only, inline styles and data: images allowed, which
  // is what the Swagger UI at /api/docs and the web app (src/web: module scripts and a stylesheet
  // from /assets) need. Without upgrade-insecure-requests: every resource is same-origin already,
  // and over plain HTTP on an address that is not localhost (a phone trying `npm start` on the
  // office network) the browser would rewrite the app's own scripts to https:// and show nothing.
  await app.register(helmet, { global: true, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })
  await app.register(cors, {
    // No configured origin: no CORS headers at all, so only same-origin pages can call.
    origin: app.ctx.config.corsOrigins.length ? app.ctx.config.corsOrigins : false,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept-Language', 'Idempotency-Key', 'X-CSRF-Token', 'X-Jamsos-Key', 'X-Jamsos-Timestamp', 'X-Jamsos-Signature'],
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  })

  app.decorateRequest('auth', null as unknown as RequestAuth)

  // Idempotency-Key on every state-changing route that is not public (src/platform/idempotency.ts).
  // Public routes do not remember answers for anyone: they are the same whoever asks, and the
  // public writes are the logins, whose answers are credentials (an access token, a CSRF token)
  // that must never rest in idempotency_key (issue 12 §7, "tokens stored in clear").
  // After the cookie plugin: its onSend sets the Set-Cookie header, which this one's onSend reads
  // (an answer that sets a cookie is never stored).
  idempotencyPlugin(app, {
    pool: () => app.ctx.db,
    housekeeping: () => app.ctx.systemDb,
    covers: (route, method) => route.url.startsWith('/api/v1') && !((route.config as { access?: RouteAccess } | undefined)?.access?.public ?? false) && UNSAFE_METHODS.has(method),
    scope: (req) => idempotencyScope(req.actor),
    now: () => app.ctx.now(),
    ttlHours: rt.settings.idempotencyTtlHours,
    commandIdRetentionDays: rt.settings.commandIdRetentionDays,
  })

  // Rate limits (per process, in memory). First per address (IPv6: per /64), before anything is
  // looked up; then per session or partner key once known, or per address again, at the
  // anonymous allowance, for a request without accepted credentials. Both run before the access
  // check, so a 401 or 403 counts like any other request.
  await app.register(rateLimit, { global: false })
  const addressLimiter: Limiter = app.createRateLimit({
    timeWindow: 60_000,
    max: rt.settings.addressRateLimitPerMinute,
    keyGenerator: (req) => `addr:${clientNet(req.ip)}`,
  })
  const callerLimiter: Limiter = app.createRateLimit({
    timeWindow: 60_000,
    max: (_req, key) => (key.startsWith('ip:') ? rt.settings.anonymousRateLimitPerMinute : rt.settings.rateLimitPerMinute),
    keyGenerator: rateKey,
  })

  app.addHook('onRequest', async (req, reply) => {
    req.auth = { via: null, sessionId: null, keyId: null, csrfHash: null, error: null, bodySha256: null }
    await limit(addressLimiter, req, reply, false)
    if (isPartnerRequest(req)) return
    await authenticateSession(app, req)
    await limit(callerLimiter, req, reply, true)
    // Sessions and tokens are refused here, before the body is even read; a partner's signature
    // covers the body, so its check waits for preValidation.
    const access = routeAccess(req)
    if (access) enforce(req, access)
  })

  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!isPartnerRequest(req)) return payload
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of payload) {
      size += (chunk as Buffer).length
      if (size > app.initialConfig.bodyLimit!) throw new AppError(PlatformErrors.PAYLOAD_TOO_LARGE)
      chunks.push(chunk as Buffer)
    }
    const raw = Buffer.concat(chunks)
    req.auth.bodySha256 = sha256Hex(raw)
    const replay = Readable.from(raw.length ? [raw] : []) as Readable & { receivedEncodedLength?: number }
    replay.receivedEncodedLength = raw.length
    return replay
  })

  app.addHook('preValidation', async (req, reply) => {
    if (!isPartnerRequest(req)) return
    await authenticatePartner(app, req)
    await limit(callerLimiter, req, reply, true)
    const access = routeAccess(req)
    if (access) enforce(req, access)
  })

  // Logout, password changes and resets, disabling an account: whatever a write to /auth or /users
  // did to sessions holds for this process's cached ones at once, before its answer goes out.
  app.addHook('onSend', async (req, _reply, payload) => {
    if (UNSAFE_METHODS.has(req.method) && /^\/api\/v1\/(auth|users)(\/|\?|$)/.test(req.url)) rt.sessions.clear()
    return payload
  })

}

/**
 * The protocol the client used: https when TLS ends here, or when the proxies JAMSOS_TRUST_PROXY
 * trusts say so in X-Forwarded-Proto. Fastify's own req.protocol reads only the last entry of
 * that header; behind a chain (a TLS edge, then a plain-HTTP load balancer that appends
 * "https, http") the entry that counts is the one the outermost trusted proxy wrote, as many
 * entries from the right as there are trusted hops (the same walk proxy-addr makes over
 * X-Forwarded-For for req.ips).
 */
export function clientProtocol(req: FastifyRequest): 'https' | 'http' {
  if ((req.raw.socket as { encrypted?: boolean } | null)?.encrypted) return 'https'
  // req.ips: the socket's peer, then each address a trusted proxy vouched for, up to the client.
  const hops = (req.ips?.length ?? 1) - 1
  // No X-Forwarded-For: only the socket's peer can speak, and Fastify asks whether it is trusted.
  if (hops === 0) return req.protocol === 'https' ? 'https' : 'http'
  const entries = String(req.headers['x-forwarded-proto'] ?? '').split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)
  if (!entries.length) return 'http'
  return entries[entries.length - Math.min(hops, entries.length)] === 'https' ? 'https' : 'http'
}

/** Sets the session and CSRF cookies of a browser login; Secure whenever the client came over HTTPS. */
export function setSessionCookies(reply: FastifyReply, token: string, csrfToken: string, expiresAt: Date): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: clientProtocol(reply.request) === 'https', expires: expiresAt }
  reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true })
  // Readable by the page's script, which echoes it in X-CSRF-Token.
  reply.setCookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false })
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' })
  reply.clearCookie(CSRF_COOKIE, { path: '/' })
}
