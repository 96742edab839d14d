// GET /api/v1/audit: the trail, filtered, newest first, and scoped by row-level security (admins
// and management all; a branch officer its branches' events and its own; others their own).
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import { withActor } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { AuditErrors as E } from './errors.ts'
import { listEvents } from './queries.ts'
import { eventView } from './trail.ts'

const Changes = Type.Union([
  Type.Null(),
  Type.Object({
    before: Type.Optional(Type.Object({}, { additionalProperties: true })),
    after: Type.Optional(Type.Object({}, { additionalProperties: true })),
  }),
])

export const AuditEvent = Type.Object({
  id: Type.Integer({ description: 'Position in the chain: 1, 2, 3 … without gaps' }),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    kind: Type.String({ description: 'user, partner_key, system or anonymous' }),
    userId: Type.Union([Type.Integer(), Type.Null()]),
    partnerId: Type.Union([Type.Integer(), Type.Null()]),
    name: Type.String(),
    role: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String({ description: 'e.g. participant.register, user.disable, participant.nik_reveal' }),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  branchCode: Type.Union([Type.String(), Type.Null()]),
  changes: Changes,
  hash: Type.String({ description: 'SHA-256 linking this event to the previous one' }),
})

const AuditQuery = Type.Object({
  entityType: Type.Optional(Type.String({ maxLength: 60 })),
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  actorId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'User id of whoever acted' })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'From this instant (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Until this instant (exclusive)' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 20, description: 'nextCursor of the previous page' })),
})

export async function auditRoutes(app: App): Promise<void> {
  app.get(
    '/audit',
    {
      config: { access: { roles: 'any-authenticated' } },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: 'The audit trail, newest first, within your scope',
        querystring: AuditQuery,
        response: { 200: Type.Object({ items: Type.Array(AuditEvent), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      const qs = req.query
      const from = qs.from ? new Date(qs.from) : undefined
      const to = qs.to ? new Date(qs.to) : undefined
      if (from && to && from.getTime() >= to.getTime()) throw AppError.field(E.AUDIT_RANGE_INVALID, 'from', 'from must be before to')
      let beforeId: number | undefined
      if (qs.cursor !== undefined) {
        beforeId = Number(qs.cursor)
        if (!/^\d{1,15}$/.test(qs.cursor) || beforeId < 1) throw AppError.field(E.AUDIT_CURSOR_INVALID, 'cursor')
      }
      const rows = await withActor(app.ctx.db, req.actor, (tx) =>
        listEvents(tx, { entityType: qs.entityType, entityId: qs.entityId, actorId: qs.actorId, action: qs.action, from, to, beforeId, limit: qs.limit + 1 }),
      )
      const page = rows.slice(0, qs.limit)
      return { items: page.map(eventView), nextCursor: rows.length > qs.limit ? String(page[page.length - 1]!.id) : null }
    },
  )
}
