// What the identity module answers, as TypeBox schemas: the routes validate and document with
// them, and accounts.ts and partner-keys.ts take their view types from them (Static), so each
// shape is written once.
import { Type, type Static } from 'typebox'
import { ROLES } from '../platform/actor.ts'
import { StringEnum } from '../platform/schemas.ts'

export const Role = StringEnum(ROLES)
// A plain enum: a one-member anyOf is what linters flag (Redocly: no-illogical-composition-keywords).
export const Permission = StringEnum(['nik:reveal'])
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
/** A database id: bigint in PostgreSQL, but a JS number past 2^53 would be silently rounded. */
export const Id = (opts: { description?: string } = {}) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...opts })

/** What bounds a caller's reach (ActorScope), shown on accounts and on /auth/me. */
export const ScopeFields = {
  branchCodes: Type.Array(Type.String()),
  agentId: Nullable(Type.Integer()),
  partnerId: Nullable(Type.Integer()),
  sponsorId: Nullable(Type.Integer()),
  participantId: Nullable(Type.Integer()),
  permissions: Type.Array(Permission),
}

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  ...ScopeFields,
  disabledAt: Nullable(Type.String({ format: 'date-time' })),
  lockedUntil: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  passwordChangedAt: Type.String({ format: 'date-time' }),
})

export type UserView = Static<typeof User>

export const PartnerKey = Type.Object({
  keyId: Type.String(),
  partnerId: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  replacedBy: Nullable(Type.String()),
  active: Type.Boolean(),
})
export const NewPartnerKey = Type.Intersect([PartnerKey, Type.Object({ secret: Type.String({ description: 'Shown once; store it now' }) })])

export type PartnerKeyView = Static<typeof PartnerKey>
