// The job queue's error codes (operator actions: retrying a job).
import { defineErrors } from '../platform/errors.ts'

export const JobErrors = defineErrors({
  JOB_NOT_FOUND: { status: 404, id: 'Pekerjaan latar tidak ditemukan', en: 'No such background job' },
  JOB_NOT_RETRYABLE: { status: 409, id: 'Pekerjaan latar ini tidak dapat diulang', en: 'This background job cannot be retried' },
})
