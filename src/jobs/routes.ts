// GET /api/v1/admin/jobs: the background work as an administrator sees it. The queue is the
// owner's (the application role cannot read it, migration 0013), so this reads on the system pool,
// behind the route's admin-only declaration.
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import { jobsOverview } from './overview.ts'
import { JobsOverview } from './views.ts'

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
    async (req): Promise<JobsOverview> => jobsOverview(app.ctx.systemDb, { limit: req.query.limit }),
  )
}
