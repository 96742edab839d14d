// All of the card module's SQL. Each function takes the connection or transaction first; run them
// inside withActor() so row-level security scopes them to the caller's participants.
import type { Db } from '../platform/db.ts'
import type { MembershipCardCheckRow, MembershipCardRow } from '../platform/db-types.ts'

/** A membership_card row, as migration 0021 makes it (generated: src/platform/db-types.ts). */
export type CardRow = MembershipCardRow

export async function insertCard(db: Db, c: { participantId: number; issuedAt: Date; issuedBy: number | null; issuedByName: string }): Promise<CardRow> {
  const [row] = await db<CardRow[]>`
    INSERT INTO membership_card (participant_id, issued_at, issued_by, issued_by_name)
    VALUES (${c.participantId}, ${c.issuedAt}, ${c.issuedBy}, ${c.issuedByName})
    RETURNING *`
  return row!
}

/** The participant's card not yet revoked, if any (at most one: membership_card_live_idx). */
export async function liveCard(db: Db, participantId: number): Promise<CardRow | undefined> {
  const [row] = await db<CardRow[]>`
    SELECT * FROM membership_card WHERE participant_id = ${participantId} AND revoked_at IS NULL`
  return row
}

/** One card by its key (the token's KPJ gives the participant id). */
export async function findCard(db: Db, participantId: number, cardId: number): Promise<CardRow | undefined> {
  const [row] = await db<CardRow[]>`
    SELECT * FROM membership_card WHERE participant_id = ${participantId} AND id = ${cardId}`
  return row
}

/** Every card of a participant, newest first. */
export async function cardsOf(db: Db, participantId: number): Promise<CardRow[]> {
  return [...(await db<CardRow[]>`
    SELECT * FROM membership_card WHERE participant_id = ${participantId} ORDER BY id DESC`)]
}

/** Sets a live card's revocation, once; undefined when it was revoked meanwhile. */
export async function revokeCard(
  db: Db,
  c: { participantId: number; cardId: number; at: Date; by: number | null; byName: string; reason: NonNullable<CardRow['revoke_reason']> },
): Promise<CardRow | undefined> {
  const [row] = await db<CardRow[]>`
    UPDATE membership_card
       SET revoked_at = ${c.at}, revoked_by = ${c.by}, revoked_by_name = ${c.byName}, revoke_reason = ${c.reason}
     WHERE participant_id = ${c.participantId} AND id = ${c.cardId} AND revoked_at IS NULL
    RETURNING *`
  return row
}

/** Counts one public verification of a card on a Jakarta day (one row per card and day). */
export async function countCheck(db: Db, c: { participantId: number; cardId: number; day: string; at: Date }): Promise<void> {
  await db`
    INSERT INTO membership_card_check AS k (participant_id, card_id, day, checks, last_checked_at)
    VALUES (${c.participantId}, ${c.cardId}, ${c.day}, 1, ${c.at})
    ON CONFLICT (participant_id, card_id, day)
      DO UPDATE SET checks = k.checks + 1, last_checked_at = greatest(k.last_checked_at, excluded.last_checked_at)`
}

export type CheckRow = Pick<MembershipCardCheckRow, 'day' | 'checks' | 'last_checked_at'>

/** A card's verifications per day, newest first, for the days since `from`. */
export async function checksOf(db: Db, participantId: number, cardId: number, from: string): Promise<CheckRow[]> {
  return [...(await db<CheckRow[]>`
    SELECT day, checks, last_checked_at FROM membership_card_check
     WHERE participant_id = ${participantId} AND card_id = ${cardId} AND day >= ${from}
     ORDER BY day DESC`)]
}
