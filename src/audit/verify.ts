// Checking the audit trail: `jamsos audit verify` (issue 13 §1). Walks every id from 1, recomputes
// every link, and reports EVERY broken event, not only the first, and how far the chain is built.
import type { Db, Sql } from '../platform/db.ts'
import { auditHash, type AuditRow } from './chain.ts'
import { linkHash } from './links.ts'
import * as q from './queries.ts'

export interface BrokenEvent {
  id: number
  problem: string
}

export interface ChainVerdict {
  /** No broken event (events not chained yet are not broken). */
  ok: boolean
  /** Events in the trail. */
  events: number
  /** The chain covers ids 1 … chainedUpTo (events, and ids of rolled-back transactions recorded as gaps). */
  chainedUpTo: number
  /** When the last chained event was recorded. */
  chainedUpToAt: Date | null
  /** Gap links in the chain. */
  gaps: number
  /** Events after chainedUpTo, still to be chained. */
  unchained: number
  /** The chain head's hash (the genesis hash for an empty chain). */
  headHash: string
  /** Every broken event found, in id order (the first MAX_REPORTED). */
  broken: BrokenEvent[]
  brokenCount: number
  /** Events written before migration 0014 whose old SHA-256 link was checked too. */
  legacyEvents: number
}

/** Beyond this many, broken events are counted, not listed. */
export const MAX_REPORTED = 10_000
const RANGE = 5000

/**
 * Recomputes every link over the events as stored and reports each break. Run it on the owner's
 * pool (the system pool): the application role sees only its scope, and neither the links' head
 * nor the old links. One snapshot for the whole walk, so appends and chain building meanwhile do
 * not look like damage.
 */
export async function verifyAuditChain(db: Db, key: Buffer): Promise<ChainVerdict> {
  if ('savepoint' in db) return verifyIn(db, key)
  return (db as Sql).begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', (tx) => verifyIn(tx, key)) as Promise<ChainVerdict>
}

async function verifyIn(db: Db, key: Buffer): Promise<ChainVerdict> {
  const head = await q.chainHead(db)
  const end = await q.trailEnd(db)
  const problems = new Map<number, string[]>()
  let brokenCount = 0
  const report = (id: number, problem: string) => {
    const list = problems.get(id)
    if (list) list.push(problem)
    else {
      brokenCount++
      if (problems.size < MAX_REPORTED) problems.set(id, [problem])
    }
  }
  let prevLinkHash: string | null = null // the stored hash of the link at the position before (null: none there)
  let prevLegacy: { id: number; hash: string } | null = null
  let gaps = 0
  let unchained = 0
  let legacyEvents = 0
  let lastEventAt: Date | null = null

  // Nothing may lie before id 1 (the sequence starts there): an id below is an insertion.
  for (const p of await q.idsBelowOne(db)) report(p, 'it lies before the chain, whose ids start at 1 (inserted)')
  let lo = 1
  while (lo <= end.max_id) {
    const hi = lo + RANGE
    const [events, links, legacy] = [await q.eventsInRange(db, lo, hi), await q.linksInRange(db, lo, hi), await q.legacyLinksInRange(db, lo, hi)]
    const eventAt = new Map(events.map((e) => [e.id, e]))
    const linkAt = new Map(links.map((l) => [l.event_id, l]))
    const legacyAt = new Map(legacy.map((l) => [l.event_id, l]))
    // Inside the chain every id is looked at (a hole is damage); beyond it only the ids present.
    const ids = new Set<number>()
    for (let p = lo; p < hi && p <= head.last_id; p++) ids.add(p)
    for (const m of [eventAt, linkAt, legacyAt]) for (const p of m.keys()) ids.add(p)

    for (const p of [...ids].sort((a, b) => a - b)) {
      const e = eventAt.get(p)
      const l = linkAt.get(p)
      if (p <= head.last_id) {
        if (!l) {
          report(p, e
            ? 'it is not in the chain: its link is missing (the link was deleted, or the event inserted after the chain passed its id)'
            : 'the event and its chain link are both missing (deleted)')
        } else {
          if (prevLinkHash !== null && l.prev_hash !== prevLinkHash) report(p, 'its chain link does not follow the link before it (links reordered, replaced or removed)')
          if (p === 1 && l.prev_hash !== '0'.repeat(64)) report(p, 'the first chain link does not start from the genesis hash')
          if (l.kind === 'gap') {
            gaps++
            if (e) report(p, 'it was inserted where the chain recorded an id that no committed transaction held')
            else if (linkHash(key, 'gap', p, l.prev_hash, null) !== l.hash) report(p, 'the chain link recording a rolled-back id does not verify (forged or changed)')
          } else if (!e) {
            report(p, 'it was deleted (its chain link remains)')
          } else if (linkHash(key, 'event', p, l.prev_hash, e.canonical) !== l.hash) {
            report(p, 'its content does not match its chain link (the event or its link was changed)')
          }
          if (p === head.last_id && l.hash !== head.last_hash) report(p, 'the chain head does not match this last link (the head was changed)')
        }
        prevLinkHash = l?.hash ?? null
        if (e) lastEventAt = e.at
      } else {
        if (l) report(p, `it has a chain link beyond the chain head (event ${head.last_id}): the head was moved back or the link forged`)
        if (e) unchained++
      }

      // Events written before migration 0014 still carry their old unkeyed SHA-256 link: checked
      // as 0007 did (ids 1, 2, 3 … without gaps, each over the row and the link before it).
      const g = legacyAt.get(p)
      if (g) {
        legacyEvents++
        if (!e) report(p, 'it was deleted (recorded before migration 0014: its old link remains)')
        else if (auditHash(legacyRow(e, g.prev_hash)) !== g.hash) report(p, 'its content does not match its link of the chain before migration 0014 (the event was changed)')
        // The old chain had no gaps: an id missing before this one was deleted before 0014 ran.
        const after = prevLegacy?.id ?? 0
        for (let m = after + 1; m < p && m <= after + MAX_REPORTED; m++) report(m, 'it is missing: deleted before migration 0014 (the old chain, which had no gaps, names it)')
        const expectedPrev = prevLegacy && prevLegacy.id === p - 1 ? prevLegacy.hash : p === 1 ? '0'.repeat(64) : null
        if (expectedPrev !== null && g.prev_hash !== expectedPrev) report(p, 'its link of the chain before migration 0014 does not follow the one before it')
        prevLegacy = { id: p, hash: g.hash }
      }
    }
    // Past the chain, jump over empty stretches of ids instead of walking them.
    if (hi > head.last_id && events.length + links.length + legacy.length === 0) {
      const next = await q.trailNextId(db, hi - 1)
      lo = next ?? hi
      if (next === null) break
    } else lo = hi
  }
  // The head claims links past anything stored: the end of the trail was cut off.
  for (let p = lo; p <= head.last_id && p < lo + MAX_REPORTED; p++) report(p, 'the event and its chain link are both missing (deleted)')
  const broken = [...problems].sort((a, b) => a[0] - b[0]).map(([id, ps]) => ({ id, problem: ps.join('; ') }))
  return {
    ok: brokenCount === 0,
    events: end.events,
    chainedUpTo: head.last_id,
    chainedUpToAt: lastEventAt,
    gaps,
    unchained,
    headHash: head.last_hash,
    broken,
    brokenCount,
    legacyEvents,
  }
}

function legacyRow(e: q.VerifyEventRow, prevHash: string): AuditRow {
  return {
    id: e.id,
    at: e.at,
    actorKind: e.actor_kind,
    actorUserId: e.actor_user_id,
    actorPartnerId: e.actor_partner_id,
    actorName: e.actor_name,
    actorRole: e.actor_role,
    ip: e.ip,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    branchCode: e.branch_code,
    changes: e.changes,
    prevHash,
  }
}

/** One line per finding, for the terminal. */
export function formatVerdict(v: ChainVerdict): string {
  const lines: string[] = []
  const built =
    `Chained up to event ${v.chainedUpTo}` +
    (v.chainedUpToAt ? ` (recorded ${v.chainedUpToAt.toISOString()})` : '') +
    `; ${v.unchained} event${v.unchained === 1 ? '' : 's'} not yet chained` +
    (v.gaps ? `; ${v.gaps} id${v.gaps === 1 ? '' : 's'} of rolled-back transactions recorded as gaps` : '') +
    '.'
  if (v.ok) {
    lines.push(`Audit trail intact: ${v.events} event${v.events === 1 ? '' : 's'}, head ${v.headHash}`)
  } else {
    lines.push(`Audit trail BROKEN: ${v.brokenCount} broken event${v.brokenCount === 1 ? '' : 's'} (of ${v.events})`)
    for (const b of v.broken) lines.push(`  event ${b.id}: ${b.problem}`)
    if (v.brokenCount > v.broken.length) lines.push(`  … and ${v.brokenCount - v.broken.length} more`)
  }
  lines.push(built)
  if (v.legacyEvents) lines.push(`${v.legacyEvents} event${v.legacyEvents === 1 ? '' : 's'} recorded before migration 0014 also checked against their old links.`)
  return lines.join('\n')
}
