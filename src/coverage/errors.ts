// Error codes of the coverage module (statuses and texts are registered with the platform's one
// error model).
import { defineErrors } from '../platform/errors.ts'

export const CoverageErrors = defineErrors({
  COVERAGE_DATE_INVALID: { status: 400, id: 'Tanggal status kepesertaan tidak valid', en: 'Not a valid date to report coverage on' },
})
