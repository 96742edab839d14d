// What the audit trail answers, as TypeBox schemas: the route validates, serializes and documents
// with them, and trail.ts takes its view type from them (Static), so the shape is written once
// (issue 13 §5).
import { Type, type Static } from 'typebox'
import { JsonObject } from '../platform/schemas.ts'

const Changes = Type.Union([
  Type.Null(),
  Type.Object({
    before: Type.Optional(JsonObject()),
    after: Type.Optional(JsonObject()),
  }),
])

export const AuditEvent = Type.Object({
  id: Type.Integer({ description: 'Increasing with the time recorded; an id a rolled-back change drew is skipped' }),
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
  hash: Type.Union([Type.String(), Type.Null()], {
    description: 'The chain link (HMAC-SHA256) joining this event to the one before it; null until the chain builder has reached it (seconds after the change)',
  }),
})
/** An event as the API shows it. */
export type AuditEventView = Static<typeof AuditEvent>
