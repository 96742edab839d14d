// The job queue's public surface: declare a job type, enqueue it in the caller's transaction,
// pair it with a handler; the server starts the runner. Operators see and retry jobs through
// `jamsos jobs` and GET /api/v1/admin/jobs.
export {
  jobType,
  enqueue,
  handler,
  ensureQueues,
  startJobRunner,
  DEFAULT_QUEUE_SETTINGS,
  type JobType,
  type JobRun,
  type JobHandler,
  type JobRunner,
  type QueueSettings,
  type EnqueueOptions,
  type RunnerOptions,
} from './jobs.ts'
export { jobsOverview, retryJob, type JobsOverview, type QueueView, type DeadLetterView, type RetryResult } from './overview.ts'
export { jobRoutes } from './routes.ts'
export { jobCommands } from './commands.ts'
export { JobErrors } from './errors.ts'
