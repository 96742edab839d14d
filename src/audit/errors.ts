// The audit trail's error codes.
import { defineErrors } from '../platform/errors.ts'

export const AuditErrors = defineErrors({
  AUDIT_RANGE_INVALID: { status: 400, id: 'Rentang waktu tidak valid: "from" harus sebelum "to"', en: 'Invalid time range: "from" must be before "to"' },
})
