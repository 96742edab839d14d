// The registry's events for the outside world (docs/events.md), written to the outbox in the
// transaction of the change (src/outbox). They carry references and the facts a receiver acts on
// (membership number, branch, programs), never the NIK, the name, the phone, the address or the
// mother's maiden name: a partner that needs more asks the API, under its own scope
// (UU 27/2022: personal data shared only as far as the purpose needs).
import type { Db } from '../platform/db.ts'
import { publishEventsFrom, type OutboxEventInput } from '../outbox/index.ts'
import { registeredEventSource } from './queries.ts'

/** The columns of a participant row the events read. */
export interface EventFacts {
  id: number
  kpj: string
  branch_code: string
  village_code: string
  programs: string[]
  ecosystem: string
  channel: string
  funding: string
  registered_at: Date
  version: number
}

/**
 * participant.changed: what kinds of things changed (contact, address, occupation, income,
 * programs, heir_added, heir_removed) and the card's non-personal facts after the change.
 */
export function participantChanged(p: EventFacts, changes: string[], at: Date): OutboxEventInput {
  return {
    type: 'participant.changed',
    aggregate: { type: 'participant', id: p.kpj },
    shardKey: p.id,
    payload: {
      kpj: p.kpj,
      changes: [...changes],
      branchCode: p.branch_code,
      villageCode: p.village_code,
      programs: [...p.programs],
      version: p.version,
      changedAt: at.toISOString(),
    },
  }
}


/**
 * participant.registered for members just written, one or a bulk load's batch: the payload is
 * built by PostgreSQL from the stored rows (registeredEventSource in queries.ts, docs/events.md),
 * so one definition serves both paths and nothing is read back into Node (publishEventsFrom).
 */
export async function publishRegisteredIds(tx: Db, participantIds: readonly number[]): Promise<void> {
  await publishEventsFrom(tx, {
    type: 'participant.registered',
    aggregateType: 'participant',
    shardKeys: participantIds,
    source: registeredEventSource(tx, participantIds),
  })
}
