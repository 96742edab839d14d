// HTTP routes of the identity module (under /api/v1): login and tokens, the caller's own account,
// and the administrator's user and partner-key management.
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import type { App } from '../platform/http.ts'
import { AppError } from '../platform/errors.ts'
import { decodeCursor, pageOf } from '../platform/cursor.ts'
import { ErrorResponse, IsoDateString, PageOf, PageQuery } from '../platform/schemas.ts'
import { registryDepsOf } from '../registry/index.ts'
import { activateMember } from './activation.ts'
import {
  changePassword,
  checkCredentials,
  createUser,
  disableAccount,
  endSession,
  issueSession,
  resetPassword,
  userView,
  USERNAME_PATTERN,
} from './accounts.ts'
import { AuthErrors as E } from './errors.ts'
import { createPartnerKey, listPartnerKeys, revokePartnerKey, rotatePartnerKey } from './partner-keys.ts'
import { authRuntime, clearSessionCookies, setSessionCookies } from './plugin.ts'
import * as q from './queries.ts'
import { Id, NewPartnerKey, Nullable, PartnerKey, Permission, Role, ScopeFields, User } from './views.ts'

const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)

const Password = Type.String({ minLength: 1, maxLength: 200, description: 'At least 10 characters, not a common password' })

const ADMIN = { access: { roles: ['admin'] } } as const
/** Admin routes whose success answer holds a one-time secret: never kept for Idempotency-Key replays. */
const ADMIN_SECRET = { ...ADMIN, storeResponse: false } as const
const LOCKED = { 423: ErrorResponse }

function retryAfter(reply: FastifyReply, e: unknown): never {
  if (e instanceof AppError && typeof e.details?.retryAfterSeconds === 'number') reply.header('retry-after', String(e.details.retryAfterSeconds))
  throw e
}

export async function authRoutes(app: App): Promise<void> {
  const rt = authRuntime(app)

  app.post(
    '/auth/login',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Browser login: sets an httpOnly session cookie; echo csrfToken in X-CSRF-Token on every change',
        body: Credentials,
        response: {
          200: Type.Object({ user: User, csrfToken: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          ...LOCKED,
        },
      },
    },
    async (req, reply) => {
      const c = rt.context()
      const user = await checkCredentials(c, req.body.username, req.body.password, req.ip).catch((e) => retryAfter(reply, e))
      const s = await issueSession(c, user, 'cookie', req.ip)
      setSessionCookies(reply, s.token, s.csrfToken!, s.expiresAt)
      return { user: userView(user), csrfToken: s.csrfToken!, expiresAt: s.expiresAt.toISOString() }
    },
  )

  app.post(
    '/auth/activate',
    {
      // Public like the login, and like it: no CSRF token (nobody has a session yet), no
      // Idempotency-Key (its answer is a credential), throttled per address and per KPJ.
      config: { access: { public: true } },
      schema: {
        tags: ['auth'],
        operationId: 'activateMember',
        summary: "Member self-service: prove who you are (KPJ, NIK, birth date, mother's maiden name), choose a password, and be signed in",
        description:
          'Creates the member account (role participant, username = the KPJ) and opens a browser session as POST /auth/login does. One error, ACTIVATION_FAILED, whichever detail was wrong.',
        body: Type.Object(
          {
            kpj: Type.String({ pattern: '^[0-9]{11}$', description: 'Membership number (KPJ), 11 digits' }),
            nik: Type.String({ pattern: '^[0-9]{16}$', description: 'NIK, 16 digits' }),
            birthDate: IsoDateString,
            motherMaidenName: Type.String({ minLength: 1, maxLength: 150, description: "Mother's maiden name (nama ibu kandung)" }),
            password: Password,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ user: User, csrfToken: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
        },
      },
    },
    async (req, reply) => {
      const c = rt.context()
      const user = await activateMember(c, registryDepsOf(app.ctx).vault, req.body, req.ip).catch((e) => retryAfter(reply, e))
      const s = await issueSession(c, user, 'cookie', req.ip)
      setSessionCookies(reply, s.token, s.csrfToken!, s.expiresAt)
      return reply.code(201).send({ user: userView(user), csrfToken: s.csrfToken!, expiresAt: s.expiresAt.toISOString() })
    },
  )

  app.post(
    '/auth/token',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['auth'],
        operationId: 'createToken',
        summary: 'API login: a short-lived bearer token (Authorization: Bearer …)',
        body: Credentials,
        response: {
          200: Type.Object({
            accessToken: Type.String(),
            tokenType: Type.Literal('Bearer'),
            expiresIn: Type.Integer({ description: 'Seconds' }),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...LOCKED,
        },
      },
    },
    async (req, reply) => {
      const c = rt.context()
      const user = await checkCredentials(c, req.body.username, req.body.password, req.ip).catch((e) => retryAfter(reply, e))
      const s = await issueSession(c, user, 'bearer', req.ip)
      return { accessToken: s.token, tokenType: 'Bearer' as const, expiresIn: rt.settings.bearerTtlSeconds, expiresAt: s.expiresAt.toISOString() }
    },
  )

  app.post(
    '/auth/logout',
    {
      // Ends the caller's own session: not a change to anyone's data, so management may too.
      config: { access: { roles: 'any-authenticated', write: false } },
      schema: { tags: ['auth'], operationId: 'logout', summary: 'Ends the session or revokes the bearer token in use', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      if (req.auth.sessionId !== null) await endSession(rt.context(), req.auth.sessionId)
      if (req.auth.via === 'cookie') clearSessionCookies(reply)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/auth/me',
    {
      config: { access: { roles: 'any-authenticated' } },
      schema: {
        tags: ['auth'],
        operationId: 'getCurrentUser',
        summary: 'Who you are and what you may reach',
        response: {
          200: Type.Object({
            kind: Type.String({ description: 'user or partner_key' }),
            name: Type.String(),
            role: Role,
            ...ScopeFields,
            user: Nullable(User),
            keyId: Nullable(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      const a = req.actor
      const user = a.userId !== null ? await q.findUserById(app.ctx.db, a.userId) : undefined
      return {
        kind: a.kind,
        name: a.name,
        role: a.role!,
        branchCodes: a.branchCodes,
        agentId: a.agentId,
        partnerId: a.partnerId,
        sponsorId: a.sponsorId,
        participantId: a.participantId,
        permissions: a.permissions,
        user: user ? userView(user) : null,
        keyId: req.auth.keyId,
      }
    },
  )

  app.post(
    '/auth/password',
    {
      // The caller's own credential, not registry data: management changes its password too.
      config: { access: { roles: 'any-authenticated', write: false } },
      schema: {
        tags: ['auth'],
        operationId: 'changePassword',
        summary: 'Change your own password; your other sessions end',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...LOCKED },
      },
    },
    async (req, reply) => {
      await changePassword(rt.context(), req.actor, req.auth.sessionId, req.body.currentPassword, req.body.newPassword).catch((e) => retryAfter(reply, e))
      return reply.code(204).send(null)
    },
  )

  // Users (administrators) -------------------------------------------------------------------

  app.get(
    '/users',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        operationId: 'listUsers',
        summary: 'Accounts, by id',
        querystring: PageQuery({
          role: Type.Optional(Role),
          branchCode: Type.Optional(Type.String({ maxLength: 20 })),
          q: Type.Optional(Type.String({ maxLength: 100, description: 'Username prefix or part of the display name' })),
        }),
        response: { 200: PageOf(User) },
      },
    },
    async (req) => {
      const f = req.query
      const limit = f.limit ?? 50
      const rows = await q.listUsers(app.ctx.db, {
        role: f.role,
        branchCode: f.branchCode,
        q: f.q,
        limit: limit + 1,
        afterId: f.cursor === undefined ? undefined : decodeCursor(f.cursor, ['int'])[0],
      })
      return pageOf(rows, limit, (u) => [u.id], userView)
    },
  )

  const UserId = Type.Object({ id: Id() })

  app.get(
    '/users/:id',
    { config: ADMIN, schema: { tags: ['users'], operationId: 'getUser', summary: 'One account', params: UserId, response: { 200: User } } },
    async (req) => {
      const u = await q.findUserById(app.ctx.db, req.params.id)
      if (!u) throw new AppError(E.USER_NOT_FOUND)
      return userView(u)
    },
  )

  app.post(
    '/users',
    {
      config: ADMIN_SECRET,
      schema: {
        tags: ['users'],
        operationId: 'createUser',
        summary: 'Create an account; without a password one is generated and shown once',
        body: Type.Object(
          {
            username: Type.String({ pattern: USERNAME_PATTERN, description: 'Lower case: a-z, 0-9, dot, dash, underscore' }),
            displayName: Type.String({ minLength: 1, maxLength: 150 }),
            role: Role,
            branchCodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 100, description: 'Branch officers' })),
            agentId: Type.Optional(Id()),
            partnerId: Type.Optional(Id()),
            sponsorId: Type.Optional(Id()),
            participantId: Type.Optional(Id()),
            permissions: Type.Optional(Type.Array(Permission, { uniqueItems: true })),
            password: Type.Optional(Password),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ user: User, generatedPassword: Type.Optional(Type.String({ description: 'Shown once' })) }) },
      },
    },
    async (req, reply) => reply.code(201).send(await createUser(rt.context(), req.actor, req.body)),
  )

  app.post(
    '/users/:id/disable',
    {
      config: ADMIN,
      schema: { tags: ['users'], operationId: 'disableUser', summary: 'Disable an account; its sessions and tokens end at once', params: UserId, response: { 200: User } },
    },
    async (req) => disableAccount(rt.context(), req.actor, req.params.id),
  )

  app.post(
    '/users/:id/reset-password',
    {
      config: ADMIN_SECRET,
      schema: {
        tags: ['users'],
        operationId: 'resetUserPassword',
        summary: 'Set a new password (generated when omitted, shown once); unlocks the account and ends its sessions',
        params: UserId,
        body: Type.Optional(Type.Object({ password: Type.Optional(Password) }, { additionalProperties: false })),
        response: { 200: Type.Object({ user: User, generatedPassword: Type.Optional(Type.String()) }) },
      },
    },
    async (req) => resetPassword(rt.context(), req.actor, req.params.id, req.body?.password),
  )

  // Partner keys (administrators) ------------------------------------------------------------

  const PartnerId = Type.Object({ partnerId: Id() })
  const KeyId = Type.Object({ keyId: Type.String({ pattern: '^pk_[0-9a-f]{16}$' }) })

  app.post(
    '/partners/:partnerId/keys',
    {
      config: ADMIN_SECRET,
      schema: { tags: ['partner keys'], operationId: 'createPartnerKey', summary: 'Issue an API key; the secret is shown once', params: PartnerId, response: { 201: NewPartnerKey } },
    },
    async (req, reply) => reply.code(201).send(await createPartnerKey(rt.keyContext(), req.actor, req.params.partnerId)),
  )

  app.get(
    '/partners/:partnerId/keys',
    {
      config: ADMIN,
      schema: { tags: ['partner keys'], operationId: 'listPartnerKeys', summary: "A partner's keys (never their secrets)", params: PartnerId, response: { 200: Type.Object({ items: Type.Array(PartnerKey) }) } },
    },
    async (req) => ({ items: await listPartnerKeys(rt.context(), req.params.partnerId) }),
  )

  app.post(
    '/partner-keys/:keyId/rotate',
    {
      config: ADMIN_SECRET,
      schema: {
        tags: ['partner keys'],
        operationId: 'rotatePartnerKey',
        summary: 'Issue a replacement key; the old one keeps working for the overlap window',
        params: KeyId,
        body: Type.Optional(
          Type.Object({ overlapHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 30, description: 'Default 24' })) }, { additionalProperties: false }),
        ),
        response: { 201: Type.Object({ newKey: NewPartnerKey, oldKey: PartnerKey }) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await rotatePartnerKey(rt.keyContext(), req.actor, req.params.keyId, req.body?.overlapHours ?? rt.settings.keyOverlapHours)),
  )

  app.post(
    '/partner-keys/:keyId/revoke',
    {
      config: ADMIN,
      schema: { tags: ['partner keys'], operationId: 'revokePartnerKey', summary: 'Revoke a key at once', params: KeyId, response: { 200: PartnerKey } },
    },
    async (req) => revokePartnerKey(rt.context(), req.actor, req.params.keyId),
  )
}
