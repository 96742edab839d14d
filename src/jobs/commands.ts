// `jamsos jobs` and `jamsos jobs retry <id>`: the background work from the server's console. They
// read and change the queue only; a one-shot command never runs jobs (the server's runner does).
import type { Command, CommandContext } from '../platform/command.ts'
import { openMigrated } from '../platform/runtime.ts'
import { jobsOverview, retryJob, type JobsOverview } from './overview.ts'

async function withSystemDb<T>(c: CommandContext, fn: (db: Awaited<ReturnType<typeof openMigrated>>['system']) => Promise<T>): Promise<T> {
  const db = await openMigrated(c.config, { log: c.log })
  try {
    return await fn(db.system)
  } finally {
    await db.close()
  }
}

const COLUMNS = ['created', 'retry', 'active', 'completed', 'failed', 'deadLetters'] as const
const HEADINGS: Record<(typeof COLUMNS)[number], string> = {
  created: 'waiting',
  retry: 'retry',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
  deadLetters: 'dead letters',
}

/** The overview as a terminal table. */
export function formatOverview(o: JobsOverview): string {
  const width = Math.max(5, ...o.queues.map((q) => q.name.length))
  const lines = [['queue'.padEnd(width), ...COLUMNS.map((c) => HEADINGS[c].padStart(12))].join(' ')]
  for (const q of o.queues) lines.push([q.name.padEnd(width), ...COLUMNS.map((c) => String(q[c]).padStart(12))].join(' '))
  if (o.queues.length === 0) lines.push('(no queues: run the migrations and start the server once)')
  if (o.deadLetters.length) {
    lines.push('', 'Dead letters (newest first; jamsos jobs retry <id> runs one again):')
    for (const d of o.deadLetters) lines.push(`  ${d.id}  ${d.queue}  ${d.failedAt}  ${JSON.stringify(d.payload)}${d.error ? `\n    ${d.error}` : ''}`)
  }
  return lines.join('\n')
}

export const jobCommands: Command[] = [
  {
    name: 'jobs',
    usage: 'jobs [--json] [--limit N]',
    summary: 'Background job queues: jobs by state, and the dead letters',
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string', default: '20' } },
    async run(c) {
      if (c.positionals.length) {
        console.error(`Unknown jobs command "${c.positionals.join(' ')}". Usage: jamsos jobs [--json] [--limit N] | jamsos jobs retry <id>`)
        return 2
      }
      const limit = Number(c.values.limit)
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
        console.error(`--limit must be a whole number from 1 to 500, got "${c.values.limit}"`)
        return 2
      }
      return withSystemDb(c, async (db) => {
        const o = await jobsOverview(db, { limit })
        console.log(c.values.json ? JSON.stringify(o, null, 2) : formatOverview(o))
        return 0
      })
    },
  },
  {
    name: 'jobs retry',
    usage: 'jobs retry <id>',
    summary: 'Run a dead letter (or a failed job) once more',
    async run(c) {
      const id = c.positionals[0]
      if (!id) {
        console.error('Usage: jamsos jobs retry <id>  (jamsos jobs lists the dead letters and their ids)')
        return 2
      }
      return withSystemDb(c, async (db) => {
        const r = await retryJob(db, id)
        console.log(`Queued again on ${r.queue} as job ${r.jobId}.`)
        return 0
      })
    },
  },
]
