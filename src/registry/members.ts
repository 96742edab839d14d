// What other modules may know of a member, as narrow objects (issue 13 §4: billing used to read
// the registry's raw row, nik_cipher and mother_maiden_name included, and its column names, and
// the contribution routes pulled in the NIK vault to look up an occupation group). The registry
// answers these itself, in the caller's transaction and under its row-level security.
import type { Tx } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import type { Funding, ProgramCode } from '../programs/index.ts'
import { idFromKpj } from './kpj.ts'
import { RegistryErrors as R } from './errors.ts'
import * as q from './queries.ts'

/** A member as billing sees it: who, which branch, and what prices a bill (PP 44/2015, PP 50/2025). */
export interface BillingMember {
  id: number
  kpj: string
  branchCode: string
  /** BPU (informal, billed here) or PU (wage earners, billed through their employer). */
  segment: 'BPU' | 'PU'
  /** Declared monthly income in Rupiah, the JKK/JKM base. */
  monthlyIncome: number
  programs: ProgramCode[]
  funding: Funding
  /** The occupation's discount group ('transport' for ojek, drivers, couriers; else 'general'). */
  occupationGroup: string
}

const member = (r: q.BillingMemberRow): BillingMember => ({
  id: r.id,
  kpj: r.kpj,
  branchCode: r.branch_code,
  segment: r.segment,
  monthlyIncome: r.monthly_income,
  programs: r.programs as ProgramCode[],
  funding: r.funding,
  occupationGroup: r.occupation_group,
})

/**
 * The member a KPJ names, within the caller's scope; `lock` takes the member's row lock, which
 * serialises that member's bills and payments. A member out of scope is not found, like one that
 * does not exist (404 on `kpj`).
 */
export async function memberForBilling(tx: Tx, kpj: string, opts: { lock?: boolean } = {}): Promise<BillingMember> {
  const row = await q.findBillingMember(tx, idFromKpj(kpj), opts)
  if (!row) throw notFound(kpj)
  return member(row)
}

const notFound = (kpj: string) => new AppError(R.PARTICIPANT_NOT_FOUND, { fields: [{ path: 'kpj', code: R.PARTICIPANT_NOT_FOUND, reason: `no participant ${kpj}` }] })

/** Members by id (payment codes carry the id) within the caller's scope; unknown ids are left out. */
export async function membersForBilling(tx: Tx, ids: number[], opts: { lock?: boolean } = {}): Promise<BillingMember[]> {
  return (await q.findBillingMembers(tx, ids, opts)).map(member)
}

/**
 * A member as the membership card shows them (src/card): the name and programs printed on the
 * card, and the branch its audit events belong to. Nothing else of the row (no NIK, no address,
 * no birth date) leaves the registry for a card.
 */
export interface CardMember {
  id: number
  kpj: string
  branchCode: string
  fullName: string
  /** Program codes (JKK, JKM, …), as registered. */
  programs: string[]
}

/**
 * The member a KPJ names, within the caller's scope (404 on `kpj` otherwise, like one that does not
 * exist); `lock` takes the member's row lock, which keeps that member's card changes in line.
 */
export async function memberForCard(tx: Tx, kpj: string, opts: { lock?: boolean } = {}): Promise<CardMember> {
  const r = await q.findCardMember(tx, idFromKpj(kpj), opts)
  if (!r) throw notFound(kpj)
  return { id: r.id, kpj: r.kpj, branchCode: r.branch_code, fullName: r.full_name, programs: r.programs }
}
