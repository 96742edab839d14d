// Membership card routes. The API (under /api/v1): issue, show, download as PDF, revoke, and the
// public JSON verification; and the public verification page GET /verify/{token}, outside the
// API (cardPages, registered on the root by src/app.ts). Row scope is enforced by the queries
// (withActor + row-level security): a Blitar officer asking for a Malang member's card gets 404.
import '@fastify/rate-limit'
import { Type, type Static } from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App, AppContext } from '../platform/http.ts'
import { RETRY_AFTER_S, toAppError } from '../platform/http.ts'
import { AppError, PlatformErrors } from '../platform/errors.ts'
import { ErrorResponse, StringEnum } from '../platform/schemas.ts'
import type { Role } from '../platform/actor.ts'
import { countVerification, currentCard, issueCard, revokeCard, verifyCard, REVOKE_REASONS, type CardContext, type CardFacts } from './cards.ts'
import { CardErrors as E } from './errors.ts'
import { verificationPage, type PageOutcome } from './page.ts'
import { cardPdf } from './pdf.ts'
import { qrSvg, verifyUrl } from './qr.ts'
import { cardLang, cardText } from './text.ts'
import { cardTokenKey } from './token.ts'
import { CurrentCardView, IssuedCardView, RevokedCardView, VerifiedCardView } from './views.ts'

/** Who issues and revokes cards: staff in scope, an agent for its members, a member for themself. */
const CARD_WRITERS: readonly Role[] = ['admin', 'branch_officer', 'agent', 'participant']

const Kpj = Type.String({ pattern: '^[0-9]{11}$', description: 'Membership number (KPJ): 11 digits, the last a check digit' })
const KpjParams = Type.Object({ kpj: Kpj })
const LangQuery = Type.Object({ lang: Type.Optional(StringEnum(['id', 'en'], { description: 'Language of the card (default: Accept-Language, else Indonesian)' })) }, { additionalProperties: false })
const RevokeReason = StringEnum([...REVOKE_REASONS])

type Limiter = (req: FastifyRequest) => Promise<{ isAllowed: true } | { isAllowed: false; ttlInSeconds: number; isExceeded: boolean }>

interface CardRuntime {
  /** Verifications per address (IPv6: per /64), the page and the API together. */
  limiter: Limiter
}

const runtimes = new WeakMap<AppContext, CardRuntime>()

/** One limiter per app, shared by the page and the API route (a store per createRateLimit call). */
function cardRuntime(app: App): CardRuntime {
  let r = runtimes.get(app.ctx)
  if (!r) {
    r = {
      limiter: app.createRateLimit({ timeWindow: 60_000, max: app.ctx.config.cardVerifyRateLimit, ipv6Subnet: 64 }),
    }
    runtimes.set(app.ctx, r)
  }
  return r
}

declare module '../platform/http.ts' {
  interface AppServices {
    /** The card token key, derived once from the server key (tokenKey). */
    cardTokenKey?: Buffer
  }
}

const tokenKeys = new WeakMap<AppContext, Buffer>()

/** The token key: derived once from the server key the identity module loads at start-up (ctx.services.authKey). */
function tokenKey(ctx: AppContext): Buffer {
  let key = tokenKeys.get(ctx)
  if (!key) {
    const serverKey = ctx.services.authKey
    if (!Buffer.isBuffer(serverKey)) throw new Error('the server key (ctx.services.authKey) is not loaded: the security plugin loads it at start-up')
    key = cardTokenKey(serverKey)
    tokenKeys.set(ctx, key)
  }
  return key
}

/** Where the public reaches this server: JAMSOS_PUBLIC_URL, else the address this request came to. */
function publicBase(app: App, req: FastifyRequest): string {
  return app.ctx.config.publicUrl ?? `${req.protocol}://${req.host}`
}

function context(app: App, req: FastifyRequest): CardContext {
  return { db: app.ctx.db, actor: req.actor, key: tokenKey(app.ctx), graceMonths: app.ctx.config.graceMonths, now: app.ctx.now() }
}

/** A card as the API answers it: with its verify URL and QR code, instants as ISO text. */
async function withQr<T extends CardFacts>(app: App, req: FastifyRequest, card: T, lang: 'id' | 'en') {
  const url = verifyUrl(publicBase(app, req), card.token)
  return { ...card, issuedAt: card.issuedAt.toISOString(), verifyUrl: url, qrSvg: await qrSvg(url, `${cardText(lang).cardTitle} ${card.kpj}`) }
}

/** Counts a verification; a failure to count is logged, never answered. */
async function count(app: App, req: FastifyRequest, token: string): Promise<void> {
  try {
    await countVerification({ db: app.ctx.db, key: tokenKey(app.ctx), now: app.ctx.now(), ip: req.ip }, token)
  } catch (err) {
    req.log.warn({ err }, 'card verification not counted')
  }
}

export async function cardRoutes(app: App): Promise<void> {
  const tags = ['cards']
  const langOf = (req: { query: Static<typeof LangQuery>; headers: FastifyRequest['headers'] }) => cardLang(req.query.lang, req.headers['accept-language'])

  app.post('/participants/:kpj/cards', {
    schema: {
      tags,
      operationId: 'issueCard',
      summary: 'Issue a digital membership card; the card the member held is revoked (as replaced, or for the reason given)',
      params: KpjParams,
      querystring: LangQuery,
      body: Type.Object({ previousReason: Type.Optional(RevokeReason) }, { additionalProperties: false }),
      response: { 201: IssuedCardView },
    },
    config: { access: { roles: CARD_WRITERS } },
  }, async (req, reply) => {
    const { kpj } = req.params
    const { previousReason } = req.body
    const card = await issueCard(context(app, req), kpj, previousReason ? { previousReason } : {})
    return reply.code(201).send(await withQr(app, req, card, langOf(req)))
  })

  app.get('/participants/:kpj/card', {
    schema: {
      tags,
      operationId: 'getCard',
      summary: "The member's valid card: name, KPJ, programs, today's coverage status, token, verify URL and QR code",
      params: KpjParams,
      querystring: LangQuery,
      response: { 200: CurrentCardView },
    },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => {
    const { kpj } = req.params
    const card = await currentCard(context(app, req), kpj)
    return { ...(await withQr(app, req, card, langOf(req))), checks: { last30Days: card.checks.last30Days, lastCheckedAt: card.checks.lastCheckedAt?.toISOString() ?? null } }
  })

  app.get('/participants/:kpj/card/pdf', {
    schema: {
      tags,
      operationId: 'getCardPdf',
      summary: "The member's valid card as a PDF of ID-1 size (85.6 × 54 mm) with its QR code",
      params: KpjParams,
      querystring: LangQuery,
      // The bytes go out as they are: a Buffer, documented in OpenAPI as a binary string.
      response: { 200: { description: 'The card (application/pdf)', content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } } },
    },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req, reply) => {
    const { kpj } = req.params
    const lang = langOf(req)
    const card = await currentCard(context(app, req), kpj)
    const pdf = await cardPdf(card, verifyUrl(publicBase(app, req), card.token), lang)
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="kartu-${card.kpj}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf)
  })

  app.post('/participants/:kpj/card/revoke', {
    schema: {
      tags,
      operationId: 'revokeCard',
      summary: "Revoke the member's valid card (lost, stolen, damaged …): its QR code stops verifying at once",
      params: KpjParams,
      body: Type.Object({ reason: RevokeReason }, { additionalProperties: false }),
      response: { 200: RevokedCardView },
    },
    config: { access: { roles: CARD_WRITERS } },
  }, async (req) => {
    const revoked = await revokeCard(context(app, req), req.params.kpj, req.body.reason)
    return { ...revoked, revokedAt: revoked.revokedAt.toISOString() }
  })

  const TokenParams = Type.Object({ token: Type.String({ maxLength: 200, description: 'The card token from the QR code' }) })
  app.get('/cards/verify/:token', {
    schema: {
      tags,
      operationId: 'verifyCard',
      summary: "Check a card's token without signing in: masked name, KPJ, programs and today's coverage status; 400 CARD_TOKEN_INVALID if altered or not ours, 410 CARD_REVOKED",
      params: TokenParams,
      response: { 200: VerifiedCardView, 410: ErrorResponse },
    },
    config: { access: { public: true } },
    onRequest: async (req, reply) => limitVerification(app, req, reply),
  }, async (req) => {
    const { token } = req.params
    try {
      return { valid: true as const, ...(await verifyCard({ db: app.ctx.db, key: tokenKey(app.ctx), graceMonths: app.ctx.config.graceMonths, now: app.ctx.now(), ip: req.ip }, token)) }
    } finally {
      await count(app, req, token)
    }
  })
}

/** Over the verification limit: 429 RATE_LIMITED with Retry-After. */
async function limitVerification(app: App, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const r = await cardRuntime(app).limiter(req)
  if (r.isAllowed || !r.isExceeded) return
  reply.header('retry-after', r.ttlInSeconds)
  throw new AppError(PlatformErrors.RATE_LIMITED)
}

/**
 * GET /verify/{token}: the page a phone opens from the card's QR code. Public, rate-limited with
 * the API's verification (one allowance per address for both), never cached (the status is
 * today's), never indexed.
 */
export async function cardPages(app: App): Promise<void> {
  const Params = Type.Object({ token: Type.String({ maxLength: 200 }) })
  const Query = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 20 })) })
  app.get('/verify/:token', { schema: { hide: true, params: Params, querystring: Query } }, async (req, reply) => {
    const { token } = req.params
    const lang = cardLang(req.query.lang, req.headers['accept-language'])
    const now = app.ctx.now()
    let outcome: PageOutcome
    let status = 200
    const limited = await cardRuntime(app).limiter(req)
    if (!limited.isAllowed && limited.isExceeded) {
      outcome = { kind: 'rate_limited', retryAfterSeconds: limited.ttlInSeconds }
      status = 429
      reply.header('retry-after', limited.ttlInSeconds)
    } else {
      try {
        const card = await verifyCard({ db: app.ctx.db, key: tokenKey(app.ctx), graceMonths: app.ctx.config.graceMonths, now, ip: req.ip }, token)
        outcome = { kind: 'valid', card }
      } catch (e) {
        const err = toAppError(e)
        status = err.status
        if (err.code === E.CARD_TOKEN_INVALID) outcome = { kind: 'invalid' }
        else if (err.code === E.CARD_REVOKED) {
          const d = err.details as { kpj: string; revokedOn: string; reason: string | null }
          outcome = { kind: 'revoked', kpj: d.kpj, revokedOn: d.revokedOn, reason: d.reason }
        } else if (err.status === 503) {
          outcome = { kind: 'unavailable' }
          reply.header('retry-after', String(RETRY_AFTER_S[err.code] ?? 5))
        } else throw e
      }
      await count(app, req, token)
    }
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-language', lang)
      .header('vary', 'Accept-Language')
      .header('x-robots-tag', 'noindex, nofollow')
      .send(verificationPage(outcome, lang, now))
  })
}
