// Idempotency-Key and command ids (issue 13 §2). A client retrying a state-changing request (a
// timeout, a dropped connection, an agent's phone syncing days later) sends the same key again and
// gets the first answer back instead of the work being done twice. The same key with a different
// request is a client bug and is refused. Keys belong to their caller: two callers never see each
// other's answers.
//
// One transaction from the claim to the answer. A request with a key opens a transaction before
// its handler runs, inserts the key's row first thing, runs the handler in it (every withActor /
// inTransaction on the app pool joins it: platform/db.ts) and, once Fastify has serialized the
// answer, stores status and body in the key's row and commits. So the work, the key and the
// answer commit together or not at all: a crash, a killed connection or a 5xx leaves no key behind
// (it used to leave the key "in progress" for 24 hours), and the retry does the work once.
// A duplicate arriving meanwhile waits on the key's unique index until the first commits (then it
// replays the answer) or rolls back (then it does the work itself); one still waiting after
// WAIT_FOR_FIRST_MS is told IDEMPOTENCY_IN_PROGRESS.
//
// Command ids: a key that is a UUID is a client's command id (an offline client makes one per
// command when the user acts, and sends it with every sync attempt). It is remembered for
// JAMSOS_COMMAND_ID_RETENTION_DAYS (90) instead of JAMSOS_IDEMPOTENCY_TTL_HOURS (24), so a
// command replayed weeks later is still a no-op that answers what the first run answered.
//
// Every state-changing route under /api/v1 that is not public is covered: the plugin wraps the
// handlers as routes are registered (idempotentRoutes lists them; a test checks none is missing).
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { withActor, type Actor } from './actor.ts'
import { canonicalJson } from './canonical-json.ts'
import { openTransaction, runInRequestTransaction, type Db, type OpenTransaction, type Sql, type Tx } from './db.ts'
import { AppError, defineErrors, PlatformErrors } from './errors.ts'
import type { App } from './http.ts'
import crypto from 'node:crypto'

export const IdempotencyErrors = defineErrors({
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    id: 'Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda',
    en: 'This Idempotency-Key was already used for a different request',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    id: 'Permintaan dengan Idempotency-Key ini masih diproses',
    en: 'A request with this Idempotency-Key is still being processed',
  },
  IDEMPOTENCY_NOT_REPLAYABLE: {
    status: 409,
    id: 'Permintaan dengan Idempotency-Key ini sudah berhasil; jawabannya memuat rahasia yang hanya ditampilkan sekali, jadi tidak diulang',
    en: 'The request with this Idempotency-Key already succeeded; its answer held a secret shown only once, so it is not replayed',
  },
})
const E = IdempotencyErrors

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's Idempotency-Key while its transaction is open; null otherwise. */
    idempotency: RequestIdempotency | null
  }
  interface FastifyContextConfig {
    /**
     * false on a route whose successful answer holds a secret shown once (a generated password, a
     * partner secret): the Idempotency-Key still keeps the work from being done twice, but the
     * answer is not stored, so the secret never rests in idempotency_key in clear. A retry of a
     * success gets 409 IDEMPOTENCY_NOT_REPLAYABLE; refusals are stored and replayed as usual.
     */
    storeResponse?: boolean
    /** Set by idempotencyPlugin on the routes it covers; not declared by routes. */
    idempotent?: boolean
  }
}

export interface RequestIdempotency {
  scope: string
  key: string
  /** The request's transaction: the key's row, the handler's work and the answer. */
  open: OpenTransaction
}

// Pure rules ----------------------------------------------------------------------------------------

/** Whose keys these are, or null for callers whose retries are not remembered (anonymous, system). */
export function idempotencyScope(actor: Actor): string | null {
  if (actor.kind === 'user' && actor.userId !== null) return `user:${actor.userId}`
  // All of a partner's keys share one space, so a retry after a key rotation is still a retry.
  if (actor.kind === 'partner_key' && actor.partnerId !== null) return `partner:${actor.partnerId}`
  return null
}

/** Fingerprint of a request: method, URL and the body in canonical JSON (key order ignored). */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const text = `${method.toUpperCase()} ${url}\n${body === undefined ? '' : canonicalJson(body)}`
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex')
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

export function validIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key)
}

// RFC 9562 text form, any version (v4 random or v7 time-ordered are what clients make).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

/** A key that is a UUID is a client's command id, remembered for the longer retention. */
export function isCommandId(key: string): boolean {
  return UUID.test(key)
}

export interface KeyRetention {
  /** Ordinary keys: JAMSOS_IDEMPOTENCY_TTL_HOURS (24). */
  ttlHours: number
  /** Command ids (UUID keys): JAMSOS_COMMAND_ID_RETENTION_DAYS (90). */
  commandIdRetentionDays: number
}

/** Until when a key claimed now is remembered. */
export function keyExpiry(key: string, now: Date, r: KeyRetention): Date {
  const ms = isCommandId(key) ? r.commandIdRetentionDays * 86_400_000 : r.ttlHours * 3_600_000
  return new Date(now.getTime() + ms)
}

/** Whether an answer is final and worth replaying; a 5xx or a rate-limit refusal is not. */
export function replayable(status: number): boolean {
  return status < 500 && status !== 429
}

// The key's row --------------------------------------------------------------------------------------

export interface IdempotencyRow {
  scope: string
  key: string
  request_hash: string
  /** NULL only in rows of the scheme before migration 0015 (claimed apart from the work). */
  status: number | null
  content_type: string | null
  response: string | null
  created_at: Date
  expires_at: Date
}

/** How long a duplicate waits for the first request holding its key before IDEMPOTENCY_IN_PROGRESS. */
export const WAIT_FOR_FIRST_MS = 10_000

export interface KeyClaim {
  scope: string
  key: string
  requestHash: string
  now: Date
  expiresAt: Date
}

/**
 * Claims a key inside the caller's transaction: inserts its row, or takes over a row that
 * expired. A row another transaction inserted and has not committed is waited for (up to
 * waitMs): its commit makes this a replay, its rollback a first request. Returns true when
 * claimed; false when a live row holds the key (read it with findKey in the same transaction).
 * Throws IDEMPOTENCY_IN_PROGRESS when the wait runs out. Usable by any command path (a batch sync
 * endpoint too): the claim commits or rolls back with the caller's work.
 */
export async function claimKey(tx: Tx, k: KeyClaim, waitMs = WAIT_FOR_FIRST_MS): Promise<boolean> {
  // lock_timeout for this statement only: set and restored around it, in the same round trip.
  const [{ before }] = (await tx`SELECT current_setting('lock_timeout') AS before, set_config('lock_timeout', ${`${waitMs}ms`}, true)`) as unknown as [{ before: string }]
  try {
    const rows = await tx`
      INSERT INTO idempotency_key (scope, key, request_hash, created_at, expires_at)
      VALUES (${k.scope}, ${k.key}, ${k.requestHash}, ${k.now}, ${k.expiresAt})
      ON CONFLICT (scope, key) DO UPDATE
        SET request_hash = excluded.request_hash, status = NULL, content_type = NULL, response = NULL,
            created_at = excluded.created_at, expires_at = excluded.expires_at
        WHERE idempotency_key.expires_at <= ${k.now}
      RETURNING 1`
    return rows.length === 1
  } catch (e) {
    // 55P03 lock_not_available: the first request still holds the key.
    if ((e as { code?: string }).code === '55P03') throw new AppError(E.IDEMPOTENCY_IN_PROGRESS, { reason: `still running after ${waitMs} ms` })
    throw e
  } finally {
    await tx`SELECT set_config('lock_timeout', ${before}, true)`.catch(() => {})
  }
}

export const findKey = async (db: Db, scope: string, key: string): Promise<IdempotencyRow | undefined> =>
  (await db<IdempotencyRow[]>`SELECT * FROM idempotency_key WHERE scope = ${scope} AND key = ${key}`)[0]

/** Stores the answer of a claimed key, in the transaction that claimed it. */
export async function storeAnswer(tx: Tx, scope: string, key: string, status: number, contentType: string | null, response: string | null): Promise<void> {
  const rows = await tx`UPDATE idempotency_key SET status = ${status}, content_type = ${contentType}, response = ${response} WHERE scope = ${scope} AND key = ${key} RETURNING 1`
  // Never commit a key without its answer: a retry would wait for ever on a request long gone.
  if (rows.length !== 1) throw new Error(`idempotency key ${scope}/${key} was not found to store its answer`)
}

/** Deletes up to 1,000 expired keys, skipping rows another transaction holds (never waits). */
export const deleteExpiredKeys = (db: Db, before: Date) => db`
  DELETE FROM idempotency_key WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM idempotency_key WHERE expires_at < ${before} LIMIT 1000 FOR UPDATE SKIP LOCKED))`

// The HTTP mechanism ---------------------------------------------------------------------------------

export interface IdempotencyOptions extends KeyRetention {
  /** The pool requests run on (the application role's): the request's transaction opens there. */
  pool: () => Sql
  /** The owner's pool, for removing expired keys of every caller (row-level security keeps requests to their own). */
  housekeeping: () => Sql
  /** Whether the route keeps Idempotency-Keys at all (every unsafe, non-public /api/v1 route). */
  covers(route: Pick<RouteOptions, 'url' | 'method' | 'config'>, method: string): boolean
  /** The caller's key space, or null when the caller's keys are not kept. */
  scope(req: FastifyRequest): string | null
  /** Now, from the app's clock. */
  now(): Date
  waitMs?: number
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const covered = new WeakMap<object, { method: string; url: string }[]>()

/** The routes whose handlers run in the Idempotency-Key's transaction (for the coverage test). */
export function idempotentRoutes(app: App): { method: string; url: string }[] {
  return [...(covered.get(app) ?? [])]
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return typeof v === 'string' ? v : undefined
}

/** A success of a route whose answer holds a one-time secret: not stored, not replayed. */
function withheld(req: FastifyRequest, status: number): boolean {
  return req.routeOptions?.config?.storeResponse === false && status >= 200 && status < 300
}

/**
 * Installs Idempotency-Key handling on the root instance, before any route is registered: the
 * handler wrapper (onRoute), the claim or replay (preHandler, after authentication and
 * validation), and the stored answer and commit (onSend, after serialization).
 */
export function idempotencyPlugin(app: App, o: IdempotencyOptions): void {
  const routes: { method: string; url: string }[] = []
  covered.set(app, routes)
  app.decorateRequest('idempotency', null)

  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]) as string[]
    const unsafe = methods.filter((m) => UNSAFE.has(m) && o.covers(route, m))
    if (!unsafe.length) return
    for (const method of unsafe) routes.push({ method, url: route.url })
    route.config = { ...(route.config as object), idempotent: true } as typeof route.config
    const handler = route.handler
    route.handler = function idempotentHandler(this: unknown, req: FastifyRequest, reply: FastifyReply) {
      const idem = req.idempotency
      return idem ? runInRequestTransaction(o.pool(), idem.open.tx, () => handler.call(this as never, req, reply)) : handler.call(this as never, req, reply)
    }
  })

  app.addHook('preHandler', async (req, reply) => {
    if (!UNSAFE.has(req.method) || req.routeOptions.config?.idempotent !== true) return
    const key = header(req, 'idempotency-key')
    if (key === undefined) return
    if (!validIdempotencyKey(key)) throw AppError.field(PlatformErrors.INVALID_FORMAT, 'Idempotency-Key', '1 to 255 visible ASCII characters')
    const scope = o.scope(req)
    if (!scope) return
    const pool = o.pool()
    const now = o.now()
    const requestHash = requestFingerprint(req.method, req.url, req.body)
    // Housekeeping now and then (1 in 256 requests), never waiting on a key in use.
    if (requestHash.startsWith('00')) await deleteExpiredKeys(o.housekeeping(), now)
    const open = await openTransaction(pool)
    let claimed = false
    let prior: IdempotencyRow | undefined
    try {
      // As the caller: the key's row is behind row-level security by key space (migration 0015).
      await withActor(open.tx, req.actor, async (tx) => {
        claimed = await claimKey(tx, { scope, key, requestHash, now, expiresAt: keyExpiry(key, now, o) }, o.waitMs)
        if (!claimed) prior = await findKey(tx, scope, key)
      })
    } catch (e) {
      await open.rollback(e)
      throw e
    }
    if (claimed) {
      req.idempotency = { scope, key, open }
      return
    }
    await open.rollback()
    if (prior && prior.request_hash !== requestHash) throw new AppError(E.IDEMPOTENCY_KEY_REUSED, { reason: 'same key, different request' })
    // A row of the old scheme (claimed apart from its work) whose request never answered.
    if (!prior || prior.status === null) throw new AppError(E.IDEMPOTENCY_IN_PROGRESS)
    // Also covers an answer stored before the route withheld it: a secret is never replayed.
    if (withheld(req, prior.status)) {
      throw new AppError(E.IDEMPOTENCY_NOT_REPLAYABLE, {
        reason: `the first request answered ${prior.status}; look up what it did instead of retrying`,
        details: { status: prior.status },
      })
    }
    reply.code(prior.status).header('idempotent-replayed', 'true')
    if (prior.content_type) reply.header('content-type', prior.content_type)
    return reply.send(prior.response ?? undefined)
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const idem = req.idempotency
    if (!idem) return payload
    req.idempotency = null
    if (!replayable(reply.statusCode)) {
      // A failure that may pass (5xx, 429): nothing of the request is kept, the key included.
      await idem.open.rollback()
      return payload
    }
    let body: string | null = null
    let contentType: string | null = null
    // An answer that holds a one-time secret, or sets a cookie (a credential: a session), is not
    // stored: the status marks the work as done; the answer goes to this caller only.
    if (!withheld(req, reply.statusCode) && !reply.hasHeader('set-cookie')) {
      body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
      const ct = reply.getHeader('content-type')
      contentType = typeof ct === 'string' ? ct : null
    }
    try {
      // As the caller again: the handler may have left other settings in the transaction.
      await withActor(idem.open.tx, req.actor, (tx) => storeAnswer(tx, idem.scope, idem.key, reply.statusCode, contentType, body))
    } catch (e) {
      await idem.open.rollback(e)
      throw e
    }
    // The answer leaves only once the work and the key are committed; a failed commit answers as
    // an error (the error handler), and the work is not done.
    await idem.open.commit()
    return payload
  })

  // A request that ends without its answer being sent (it cannot, but if it did) must not leave
  // its transaction open, holding a connection and the key's row.
  app.addHook('onResponse', async (req) => {
    const idem = req.idempotency
    if (!idem) return
    req.idempotency = null
    await idem.open.rollback()
  })
}
