// Member self-service activation (issue 14, "Member self-service"): a member proves who they are
// with their KPJ, NIK, birth date and mother's maiden name (nama ibu kandung), the questions a
// BPJS Ketenagakerjaan branch asks at the counter, chooses a password, and gets a member account
// (role participant, linked to their participant) whose username is the KPJ.
//
// Guessing is what this route invites, so it is held to the login's rules (docs/security.md §2):
// every attempt is counted before it is checked (claimAttempt), per address with the logins and
// per KPJ (as its own name, `activate:<kpj>`, so activation failures never lock the member's
// login), and a proof that fails answers one code, ACTIVATION_FAILED, whichever part was wrong or
// whether the KPJ exists at all. Only a correct proof may learn that an account already exists.
// A success is audited (user.activate) in the transaction that creates the account.
import { ANONYMOUS_ACTOR, withActor, type Actor } from '../platform/actor.ts'
import { AppError, sqlState } from '../platform/errors.ts'
import { recordAudit } from '../audit/index.ts'
import { idFromKpj, proveMemberIdentity, type NikVault } from '../registry/index.ts'
import { attemptFailed, claimAttempt, type AuthContext } from './accounts.ts'
import { AuthErrors as E } from './errors.ts'
import { hashPassword, passwordProblem } from './passwords.ts'
import { clientNet } from './throttle.ts'
import * as q from './queries.ts'

export interface ActivationInput {
  kpj: string
  nik: string
  /** YYYY-MM-DD */
  birthDate: string
  motherMaidenName: string
  password: string
}

/** The name activation attempts of a KPJ are counted under (apart from the KPJ's logins). */
export const activationName = (kpj: string) => `activate:${kpj}`

/**
 * Who an activation acts as: nobody has signed in (kind anonymous), and row-level security shows
 * at most the participant the KPJ names (role participant and its id), as a card verification
 * does (src/card/cards.ts verifierActor). Participant 0 exists for no KPJ.
 */
function activationActor(kpj: string, ip: string): Actor {
  let participantId = 0
  try {
    participantId = idFromKpj(kpj)
  } catch {
    // A KPJ whose check digit fails names nobody: it is refused like any other wrong proof.
  }
  return { ...ANONYMOUS_ACTOR, name: 'member activation', role: 'participant', participantId, ip }
}

/** The throttles' own codes say "logins"; an activation says it in its own words, with when to retry. */
function asActivationError(e: unknown): never {
  if (e instanceof AppError && (e.code === E.AUTH_LOCKED || e.code === E.AUTH_THROTTLED || e.code === E.AUTH_ACCOUNT_THROTTLED)) {
    throw new AppError(E.ACTIVATION_THROTTLED, { reason: e.message.replace(/^[A-Z_]+: /, ''), ...(e.details ? { details: e.details } : {}) })
  }
  throw e
}

/**
 * Activates a member's account and returns it (the caller then opens a session). Refusals:
 * PASSWORD_TOO_WEAK on `password` (before anything is counted: it says nothing about the member),
 * ACTIVATION_THROTTLED (429, Retry-After), ACTIVATION_FAILED, ACCOUNT_ALREADY_ACTIVE (409, only
 * after a correct proof).
 */
export async function activateMember(c: AuthContext, vault: NikVault, input: ActivationInput, ip: string): Promise<q.UserRow> {
  const username = input.kpj
  const weak = passwordProblem(input.password, username)
  if (weak) throw AppError.field(E.PASSWORD_TOO_WEAK, 'password', weak)
  const net = clientNet(ip)
  const name = activationName(input.kpj)
  const attempt = await claimAttempt(c, net, name).catch(asActivationError)
  // Hashed before the proof is checked, so a wrong proof and a right one take the same time.
  const hash = await hashPassword(input.password, c.settings.scryptCost)
  const actor = activationActor(input.kpj, ip)
  let user: q.UserRow | undefined
  try {
    user = await withActor(c.db, actor, async (tx) => {
      const member = await proveMemberIdentity(tx, vault, input)
      if (!member) return undefined
      if ((await q.findUsersOfParticipant(tx, member.participantId)).some((u) => u.role === 'participant' && !u.disabled_at)) {
        throw new AppError(E.ACCOUNT_ALREADY_ACTIVE)
      }
      const row = await q.insertUser(tx, {
        username,
        display_name: member.fullName,
        role: 'participant',
        branch_codes: [],
        agent_id: null,
        partner_id: null,
        sponsor_id: null,
        participant_id: member.participantId,
        permissions: [],
        password_hash: hash,
        password_changed_at: c.now,
        created_at: c.now,
        created_by: null,
      })
      await recordAudit(tx, actor, {
        action: 'user.activate',
        entityType: 'user',
        entityId: row.id,
        branchCode: member.branchCode,
        after: { username: row.username, role: row.role, participant_id: row.participant_id, created_at: row.created_at },
      })
      return row
    })
  } catch (e) {
    // The proof was right: the attempt was no guess, and is withdrawn.
    if (sqlState(e) === '23505' || (e instanceof AppError && e.code === E.ACCOUNT_ALREADY_ACTIVE)) {
      await q.withdrawAuthFailures(c.db, net, name, attempt.id)
      throw new AppError(E.ACCOUNT_ALREADY_ACTIVE)
    }
    throw e
  }
  if (!user) throw asActivationError(await attemptFailed(c, attempt, undefined, ip, new AppError(E.ACTIVATION_FAILED)))
  await q.withdrawAuthFailures(c.db, net, name, attempt.id)
  // The member signs in from here at once: their own address, as a login would record it.
  await q.rememberAddress(c.db, username, net, c.now)
  return user
}
