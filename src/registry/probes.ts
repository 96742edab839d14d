// Duplicate probes (registration_probe, migration 0011) are kept only as long as the throttle
// looks back: a row older than the window can never refuse anyone again, and the caller key it
// holds (a user or partner id) is personal enough not to keep without a purpose (UU 27/2022,
// storage limited to the purpose). A daily job deletes them on the owner's pool (the application
// role may not delete).
import type { Sql } from '../platform/db.ts'
import { handler, jobType, type JobHandler } from '../jobs/index.ts'
import { deleteProbesBefore } from './queries.ts'

/** Daily at 03:17 Jakarta time, a quiet hour for branch offices. */
export const PRUNE_REGISTRATION_PROBES = jobType<Record<string, never>>('registry.prune_probes', {
  cron: '17 3 * * *',
  retryLimit: 3,
  retryDelaySeconds: 60,
  expireInSeconds: 10 * 60,
  concurrency: 1,
})

/** Deletes the probes older than the throttle's window as of `now`; returns how many. */
export async function pruneRegistrationProbes(db: Sql, windowMinutes: number, now: Date = new Date()): Promise<number> {
  return deleteProbesBefore(db, new Date(now.getTime() - windowMinutes * 60_000))
}

export function pruneProbesJob(db: Sql, windowMinutes: number): JobHandler {
  return handler(PRUNE_REGISTRATION_PROBES, async () => {
    await pruneRegistrationProbes(db, windowMinutes)
  })
}
