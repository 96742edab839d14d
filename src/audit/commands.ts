// `jamsos audit verify`: walks the whole trail and names the first broken event.
import type { Command } from '../commands.ts'
import { openMigrated } from '../platform/runtime.ts'
import { verifyAuditChain } from './trail.ts'

export const auditCommands: Command[] = [
  {
    name: 'audit verify',
    usage: 'audit verify',
    summary: 'Check the audit trail hash chain; exit 1 naming the first broken event',
    async run({ config, log }) {
      const db = await openMigrated(config, { log })
      try {
        const verdict = await verifyAuditChain(db.system)
        if (verdict.ok) {
          console.log(`Audit trail intact: ${verdict.count} event${verdict.count === 1 ? '' : 's'}, head ${verdict.headHash}`)
          return 0
        }
        console.log(`Audit trail BROKEN at event ${verdict.firstBrokenId}: ${verdict.reason} (the ${verdict.count} before it are intact)`)
        return 1
      } finally {
        await db.close()
      }
    },
  },
]
