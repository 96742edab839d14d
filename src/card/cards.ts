// Issuing, showing, revoking and verifying membership cards.
//
// A card is a row of membership_card (migration 0021); its token is computed from the row
// (token.ts), so nothing secret is stored. What the card shows (name, KPJ, programs, coverage
// status today) is read when it is shown, never copied onto the card row: a card reflects the
// member as they are, and a printed one says the date its status was read.
import type { Static } from 'typebox'
import { ANONYMOUS_ACTOR, withActor, type Actor } from '../platform/actor.ts'
import type { Db, Tx } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { addDays, jakartaDate } from '../platform/dates.ts'
import { idFromKpj, memberForCard, type CardMember } from '../registry/index.ts'
import { coverageReport } from '../coverage/index.ts'
import { loadPrograms } from '../programs/index.ts'
import { recordAudit } from '../audit/index.ts'
import { CardErrors as E } from './errors.ts'
import { maskName } from './mask.ts'
import { readCardToken, signCardToken } from './token.ts'
import * as q from './queries.ts'
import type { CardCoverage, CardProgram, CardView, VerifiedCardView } from './views.ts'

/** Why a card was revoked: membership_card.revoke_reason's CHECK list (generated row type). */
export type RevokeReason = NonNullable<q.CardRow['revoke_reason']>
/** The reasons a caller may give; 'replaced' is set by issuing a new card. */
export const REVOKE_REASONS = ['lost', 'stolen', 'damaged', 'data_changed', 'other'] as const satisfies readonly Exclude<RevokeReason, 'replaced'>[]

/** What a signed-in caller sees of a card (views.ts CardView), the issue time as an instant; no verify URL or QR code yet. */
export type CardFacts = Omit<CardView, 'issuedAt' | 'verifyUrl' | 'qrSvg'> & { issuedAt: Date }

/** What anyone holding the QR code learns (views.ts VerifiedCardView): the name masked, no NIK, no address, no birth date. */
export type VerifiedCard = Omit<Static<typeof VerifiedCardView>, 'valid'>

export interface CardContext {
  db: Db
  actor: Actor
  /** The token key (token.ts cardTokenKey). */
  key: Buffer
  /** Coverage policy (Config.graceMonths). */
  graceMonths: number
  now: Date
}

/** The token keeps the issue time to the second, so the row does too. */
const wholeSecond = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000)

async function programsOf(tx: Tx, codes: string[]): Promise<CardProgram[]> {
  const all = await loadPrograms(tx)
  return all.filter((p) => codes.includes(p.code)).map((p) => ({ code: p.code, nameId: p.nameId, nameEn: p.nameEn }))
}

async function coverageToday(tx: Tx, participantId: number, c: Pick<CardContext, 'graceMonths' | 'now'>): Promise<CardCoverage> {
  const r = await coverageReport(tx, participantId, jakartaDate(c.now), { graceMonths: c.graceMonths })
  return { date: r.date, status: r.status, paidThrough: r.paidThrough, graceUntil: r.graceUntil, lapsedOn: r.lapsedOn }
}

async function factsOf(tx: Tx, c: CardContext, p: CardMember, card: q.CardRow): Promise<CardFacts> {
  const [programs, coverage] = await Promise.all([programsOf(tx, p.programs), coverageToday(tx, p.id, c)])
  return {
    cardId: card.id,
    kpj: p.kpj,
    fullName: p.fullName,
    programs,
    coverage,
    issuedAt: card.issued_at,
    issuedBy: card.issued_by_name,
    token: signCardToken(c.key, { cardId: card.id, kpj: p.kpj, issuedAt: card.issued_at }),
  }
}

const auditCard = (card: q.CardRow, kpj: string) => ({
  kpj,
  cardId: card.id,
  issuedAt: card.issued_at.toISOString(),
  ...(card.revoked_at ? { revokedAt: card.revoked_at.toISOString(), reason: card.revoke_reason } : {}),
})

async function revokeLive(tx: Tx, c: CardContext, p: CardMember, live: q.CardRow, reason: RevokeReason): Promise<q.CardRow> {
  const revoked = await q.revokeCard(tx, {
    participantId: p.id,
    cardId: live.id,
    at: c.now,
    by: c.actor.userId,
    byName: c.actor.name,
    reason,
  })
  // The participant's row is locked (FOR UPDATE) for the whole transaction, so the live card
  // cannot have been revoked by someone else between reading and revoking it.
  if (!revoked) throw new Error(`card ${live.id} of ${p.kpj} was revoked meanwhile despite the participant lock`)
  await recordAudit(tx, c.actor, {
    action: 'card.revoke',
    entityType: 'membership_card',
    entityId: revoked.id,
    branchCode: p.branchCode,
    before: auditCard(live, p.kpj),
    after: auditCard(revoked, p.kpj),
  })
  return revoked
}

/**
 * Issues a new card to a participant in the caller's scope (404 otherwise). A participant holds
 * one valid card at a time: the card they held is revoked in the same transaction, as
 * `replaced` unless a reason is given (a lost phone, a stolen card), so an old QR code stops
 * verifying the moment the new one exists.
 */
export async function issueCard(c: CardContext, kpj: string, opts: { previousReason?: RevokeReason } = {}): Promise<CardFacts & { replaced: { cardId: number; reason: string } | null }> {
  return withActor(c.db, c.actor, async (tx) => {
    // The participant's row lock keeps two issues for one member in line (the second replaces the
    // first's card); membership_card_live_idx backs it up in the database.
    const p = await memberForCard(tx, kpj, { lock: true })
    const live = await q.liveCard(tx, p.id)
    const replaced = live ? await revokeLive(tx, c, p, live, opts.previousReason ?? 'replaced') : null
    const card = await q.insertCard(tx, { participantId: p.id, issuedAt: wholeSecond(c.now), issuedBy: c.actor.userId, issuedByName: c.actor.name })
    const facts = await factsOf(tx, c, p, card)
    await recordAudit(tx, c.actor, { action: 'card.issue', entityType: 'membership_card', entityId: card.id, branchCode: p.branchCode, after: auditCard(card, kpj) })
    return { ...facts, replaced: replaced ? { cardId: replaced.id, reason: replaced.revoke_reason! } : null }
  })
}

export interface CardChecks {
  /** Public verifications of the card in the last 30 days (Jakarta days, today included). */
  last30Days: number
  lastCheckedAt: Date | null
}

/** The participant's valid card, as a signed-in caller in scope sees it; CARD_NOT_ISSUED when none. */
export async function currentCard(c: CardContext, kpj: string): Promise<CardFacts & { checks: CardChecks }> {
  return withActor(c.db, c.actor, async (tx) => {
    const p = await memberForCard(tx, kpj)
    const card = await q.liveCard(tx, p.id)
    if (!card) throw AppError.field(E.CARD_NOT_ISSUED, 'kpj', `${kpj} has no card that is not revoked; issue one`)
    const [facts, checks] = await Promise.all([factsOf(tx, c, p, card), q.checksOf(tx, p.id, card.id, addDays(jakartaDate(c.now), -29))])
    return {
      ...facts,
      checks: {
        last30Days: checks.reduce((n, r) => n + r.checks, 0),
        lastCheckedAt: checks.length ? new Date(Math.max(...checks.map((r) => r.last_checked_at.getTime()))) : null,
      },
    }
  })
}

/** Revokes the participant's valid card (CARD_NOT_ISSUED when there is none). Audited. */
export async function revokeCard(c: CardContext, kpj: string, reason: RevokeReason): Promise<{ cardId: number; kpj: string; revokedAt: Date; reason: string }> {
  return withActor(c.db, c.actor, async (tx) => {
    const p = await memberForCard(tx, kpj, { lock: true })
    const live = await q.liveCard(tx, p.id)
    if (!live) throw AppError.field(E.CARD_NOT_ISSUED, 'kpj', `${kpj} has no card that is not revoked`)
    const revoked = await revokeLive(tx, c, p, live, reason)
    return { cardId: revoked.id, kpj, revokedAt: revoked.revoked_at!, reason: revoked.revoke_reason! }
  })
}

/**
 * Who a public verification reads as. A token with a valid signature is a capability for one
 * participant's card, so the read runs with exactly that participant's scope (the `participant`
 * role and its id: row-level security then shows that member's rows and no other), on the
 * restricted application role, never on the owner's pool. Its kind stays anonymous: nobody signed in.
 */
export function verifierActor(participantId: number, ip: string | null): Actor {
  return { ...ANONYMOUS_ACTOR, name: 'card verification', role: 'participant', participantId, ip }
}

const invalid = (reason: string) => new AppError(E.CARD_TOKEN_INVALID, { reason })

/** The card a token names, after its signature is checked; the rest of a token is not trusted. */
function claimsOf(key: Buffer, token: string) {
  const verdict = readCardToken(key, token)
  if (!verdict.ok) throw invalid(`the token's ${verdict.problem} is not valid`)
  let participantId: number
  try {
    participantId = idFromKpj(verdict.claims.kpj)
  } catch {
    throw invalid('the token names no KPJ Jamsos issues')
  }
  return { ...verdict.claims, participantId }
}

/**
 * Public verification of a card token: the masked name, KPJ, programs and coverage status on
 * today's Jakarta date. CARD_TOKEN_INVALID for a token that is malformed, altered, signed with
 * another key or names no card; CARD_REVOKED for a revoked card (with when and why).
 * Read-only: the transaction is set read-only before it reads.
 */
export async function verifyCard(c: Omit<CardContext, 'actor'> & { ip: string | null }, token: string): Promise<VerifiedCard> {
  const claims = claimsOf(c.key, token)
  return withActor(c.db, verifierActor(claims.participantId, c.ip), async (tx) => {
    await tx`SET LOCAL transaction_read_only = on`
    const card = await q.findCard(tx, claims.participantId, claims.cardId)
    // A signature made with this server's key over a card this database does not hold (a restored
    // backup, a test server sharing the key) is no card either.
    if (!card || card.issued_at.getTime() !== claims.issuedAt.getTime()) throw invalid('the token names no card Jamsos issued')
    if (card.revoked_at) {
      throw new AppError(E.CARD_REVOKED, {
        reason: `card ${card.id} was revoked on ${jakartaDate(card.revoked_at)} (${card.revoke_reason})`,
        details: { kpj: claims.kpj, revokedOn: jakartaDate(card.revoked_at), reason: card.revoke_reason },
      })
    }
    const p = await memberForCard(tx, claims.kpj)
    const [programs, coverage] = await Promise.all([programsOf(tx, p.programs), coverageToday(tx, p.id, c)])
    return { cardId: card.id, kpj: p.kpj, maskedName: maskName(p.fullName), programs, coverage, issuedOn: jakartaDate(card.issued_at) }
  })
}

/**
 * Counts one verification of a genuine card (valid or revoked) in its tally for today's Jakarta
 * date: a separate small write after the read, so a failure to count never denies a check.
 */
export async function countVerification(c: Pick<CardContext, 'db' | 'key' | 'now'> & { ip: string | null }, token: string): Promise<void> {
  let claims: ReturnType<typeof claimsOf>
  try {
    claims = claimsOf(c.key, token)
  } catch {
    return
  }
  await withActor(c.db, verifierActor(claims.participantId, c.ip), async (tx) => {
    const card = await q.findCard(tx, claims.participantId, claims.cardId)
    if (!card || card.issued_at.getTime() !== claims.issuedAt.getTime()) return
    await q.countCheck(tx, { participantId: card.participant_id, cardId: card.id, day: jakartaDate(c.now), at: c.now })
  })
}
