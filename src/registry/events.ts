// The registry's events for the outside world (docs/events.md), written to the outbox in the
// transaction of the change (src/outbox). They carry references and the facts a receiver acts on
// (membership number, branch, programs), never the NIK, the name, the phone, the address or the
// mother's maiden name: a partner that needs more asks the API, under its own scope
// (UU 27/2022: personal data shared only as far as the purpose needs).
import type { Db } from '../platform/db.ts'
import { publishEvents, publishEventsFrom, type OutboxEventInput } from '../outbox/index.ts'
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

/** participant.registered: a member was registered (one at a time or in a bulk load). */
export function participantRegistered(p: Omit<EventFacts, 'version'>): OutboxEventInput {
  return {
    type: 'participant.registered',
    aggregate: { type: 'participant', id: p.kpj },
    shardKey: p.id,
    payload: {
      kpj: p.kpj,
      branchCode: p.branch_code,
      villageCode: p.village_code,
      programs: [...p.programs],
      ecosystem: p.ecosystem,
      channel: p.channel,
      funding: p.funding,
      registeredAt: p.registered_at.toISOString(),
    },
  }
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

/** Publishes participant.registered for participants just written, in the caller's transaction. */
export async function publishRegistered(tx: Db, rows: readonly Omit<EventFacts, 'version'>[]): Promise<void> {
  await publishEvents(tx, rows.map(participantRegistered))
}

/**
 * participant.registered for members a bulk load just copied, built in PostgreSQL rather than read
 * back into Node (see publishEventsFrom): the same payload as participantRegistered.
 */
export async function publishRegisteredIds(tx: Db, participantIds: readonly number[]): Promise<void> {
  await publishEventsFrom(tx, {
    type: 'participant.registered',
    aggregateType: 'participant',
    shardKeys: participantIds,
    source: registeredEventSource(tx, participantIds),
  })
}
