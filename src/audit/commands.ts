// `jamsos audit verify`: walks the whole trail and reports every broken event and how far the
// chain is built. `jamsos audit build`: builds the chain now (the server's `audit.chain` job does
// it in the background).
import type { Command } from '../platform/command.ts'
import type { Config } from '../platform/config.ts'
import { openMigrated } from '../platform/runtime.ts'
import { buildAuditChain } from './builder.ts'
import { formatVerdict, verifyAuditChain } from './verify.ts'

/** How long `audit build` keeps coming back to a gap an open transaction may still fill. */
const BUILD_WAIT_MS = 10_000

/** The commands, given how to obtain the chain's key (the composition root knows: src/app.ts auditKey). */
export function auditCommands(keyOf: (config: Config) => Buffer): Command[] {
  return [
    {
      name: 'audit verify',
      usage: 'audit verify',
      summary: 'Check the audit trail hash chain; exit 1 listing every broken event',
      async run({ config, log }) {
        const key = keyOf(config)
        const db = await openMigrated(config, { log })
        try {
          const verdict = await verifyAuditChain(db.system, key)
          console.log(formatVerdict(verdict))
          return verdict.ok ? 0 : 1
        } finally {
          await db.close()
        }
      },
    },
    {
      name: 'audit build',
      usage: 'audit build',
      summary: 'Chain the audit events not chained yet (the server does this in the background)',
      async run({ config, log }) {
        const key = keyOf(config)
        const db = await openMigrated(config, { log })
        try {
          let chained = 0
          let gaps = 0
          const until = Date.now() + BUILD_WAIT_MS
          for (;;) {
            const r = await buildAuditChain(db.system, key)
            chained += r.chained
            gaps += r.gaps
            // A gap settles once the transactions open when it was seen have ended: come back briefly.
            if (r.waitingOn === null || Date.now() > until) {
              console.log(
                `Chained ${chained} event${chained === 1 ? '' : 's'}` +
                  (gaps ? ` and ${gaps} id${gaps === 1 ? '' : 's'} of rolled-back transactions` : '') +
                  `; the chain covers ids 1 to ${r.lastId}; ${r.unchained} event${r.unchained === 1 ? '' : 's'} not yet chained` +
                  (r.waitingOn !== null ? ` (id ${r.waitingOn} is held by a transaction still open: the server's job chains it later)` : '') +
                  '.',
              )
              return 0
            }
            await new Promise((resolve) => setTimeout(resolve, 200))
          }
        } finally {
          await db.close()
        }
      },
    },
  ]
}
