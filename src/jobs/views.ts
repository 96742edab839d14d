// What an operator sees of the background work, as TypeBox schemas: GET /api/v1/admin/jobs
// validates and documents with them, and overview.ts takes its types from them (Static).
import { Type, type Static } from 'typebox'
import { JsonObject } from '../platform/schemas.ts'

const Count = Type.Integer({ minimum: 0 })

export const JobQueue = Type.Object({
  name: Type.String({ description: 'The job type, e.g. outbox.deliver' }),
  created: Type.Integer({ minimum: 0, description: 'Waiting to run' }),
  retry: Type.Integer({ minimum: 0, description: 'Failed, waiting for a retry (with backoff)' }),
  active: Count,
  completed: Type.Integer({ minimum: 0, description: 'Done, not yet archived (pg-boss archives after 12 hours)' }),
  cancelled: Count,
  failed: Type.Integer({ minimum: 0, description: 'Failed their last try' }),
  deadLetters: Type.Integer({ minimum: 0, description: 'Failed for good and kept in the dead-letter queue, to be retried (jamsos jobs retry <id>)' }),
  deadLetterQueue: Type.Union([Type.String(), Type.Null()]),
  retryLimit: Count,
  retryDelaySeconds: Count,
  retryBackoff: Type.Boolean(),
})

export const DeadLetter = Type.Object({
  id: Type.String({ format: 'uuid' }),
  queue: Type.String({ description: 'The queue whose job failed for good' }),
  failedAt: Type.String({ format: 'date-time' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'The last failure' }),
  payload: JsonObject({ description: "The job's payload (references, e.g. an outbox event id)" }),
})

export const JobsOverview = Type.Object({ queues: Type.Array(JobQueue), deadLetters: Type.Array(DeadLetter) })
export type JobsOverview = Static<typeof JobsOverview>
export type QueueView = Static<typeof JobQueue>
export type DeadLetterView = Static<typeof DeadLetter>

