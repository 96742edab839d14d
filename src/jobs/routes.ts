// GET /api/v1/admin/jobs: the background work as an administrator sees it. The queue is the
// owner's (the application role cannot read it, migration 0013), so this reads on the system pool,
// behind the route's admin-only declaration.
import { Type, type Static } from 'typebox'
import type { App } from '../platform/http.ts'
import { jobsOverview } from './overview.ts'

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
  payload: Type.Object({}, { additionalProperties: true, description: "The job's payload (references, e.g. an outbox event id)" }),
})

export const JobsOverview = Type.Object({ queues: Type.Array(JobQueue), deadLetters: Type.Array(DeadLetter) })
export type JobsOverviewView = Static<typeof JobsOverview>

export async function jobRoutes(app: App): Promise<void> {
  app.get(
    '/admin/jobs',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['admin'],
        operationId: 'listJobQueues',
        summary: 'Background job queues with their jobs counted by state, and the latest dead letters',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Dead letters to list, newest first' }) }),
        response: { 200: JobsOverview },
      },
    },
    async (req): Promise<JobsOverviewView> => jobsOverview(app.ctx.systemDb, { limit: req.query.limit }),
  )
}
