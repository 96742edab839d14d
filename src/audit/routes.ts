// GET /api/v1/audit: the trail, filtered, newest first, and scoped by row-level security (admins
// and management all; a branch officer its branches' events and its own; others their own).
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import { withActor } from '../platform/actor.ts'
import { decodeCursor, pageOf } from '../platform/cursor.ts'
import { AppError } from '../platform/errors.ts'
import { PageOf, PageQuery } from '../platform/schemas.ts'
import { AuditErrors as E } from './errors.ts'
import { listEvents } from './queries.ts'
import { eventView } from './trail.ts'
import { AuditEvent } from './views.ts'

const AuditQuery = PageQuery({
  entityType: Type.Optional(Type.String({ maxLength: 60 })),
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  actorId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'User id of whoever acted' })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'From this instant (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Until this instant (exclusive)' })),
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
        response: { 200: PageOf(AuditEvent) },
      },
    },
    async (req) => {
      const qs = req.query
      const from = qs.from ? new Date(qs.from) : undefined
      const to = qs.to ? new Date(qs.to) : undefined
      if (from && to && from.getTime() >= to.getTime()) throw AppError.field(E.AUDIT_RANGE_INVALID, 'from', 'from must be before to')
      const beforeId = qs.cursor === undefined ? undefined : decodeCursor(qs.cursor, ['int'])[0]
      const limit = qs.limit ?? 50
      const rows = await withActor(app.ctx.db, req.actor, (tx) =>
        listEvents(tx, { entityType: qs.entityType, entityId: qs.entityId, actorId: qs.actorId, action: qs.action, from, to, beforeId, limit: limit + 1 }),
      )
      return pageOf(rows, limit, (e) => [e.id], eventView)
    },
  )
}
