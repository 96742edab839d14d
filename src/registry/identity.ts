// Proof of identity for member self-service (issue 14, "Member self-service"): does a KPJ belong
// to the person who also knows its NIK, birth date and mother's maiden name (nama ibu kandung)?
//
// Nothing is decrypted and nothing secret leaves PostgreSQL: the NIK is compared through its
// blind index (the HMAC the registry keeps for look-ups, vault.ts), the birth date and the
// mother's maiden name are compared by the statement itself, and the answer is one boolean, so
// neither the ciphertext nor the stored name is ever read into the process (UU 27/2022: process
// no more personal data than the purpose needs). The caller runs it in its own transaction under
// a scope that shows at most the KPJ's participant.
import type { Tx } from '../platform/db.ts'
import { idFromKpj } from './kpj.ts'
import type { NikVault } from './vault.ts'

export interface IdentityClaim {
  kpj: string
  nik: string
  /** YYYY-MM-DD */
  birthDate: string
  motherMaidenName: string
}

/** The member a claim proved, as self-service needs it: no NIK, no name of the mother. */
export interface ProvedMember {
  participantId: number
  kpj: string
  branchCode: string
  fullName: string
}

/**
 * The member when every part of the claim matches, else undefined, whichever part was wrong (an
 * unknown KPJ, a KPJ whose check digit fails, or any mismatch answer alike).
 *
 * The mother's maiden name is compared folded (case and accents, jamsos_fold) with everything but
 * letters and digits left out: "Siti Aminah", "SITI  AMINAH" and "siti-aminah" are one answer, as
 * a clerk reading the KTP and the member typing on a phone would agree.
 */
export async function proveMemberIdentity(tx: Tx, vault: NikVault, claim: IdentityClaim): Promise<ProvedMember | undefined> {
  let id: number
  try {
    id = idFromKpj(claim.kpj)
  } catch {
    return undefined
  }
  if (!/^[0-9]{16}$/.test(claim.nik) || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(claim.birthDate)) return undefined
  const hash = vault.blindIndex(claim.nik)
  const [row] = await tx<{ id: number; kpj: string; branch_code: string; full_name: string; matches: boolean }[]>`
    SELECT id, kpj, branch_code, full_name,
           (nik_hash = ${hash}::bytea
            AND birth_date::text = ${claim.birthDate}
            AND regexp_replace(jamsos_fold(mother_maiden_name), '[^[:alnum:]]+', '', 'g')
                = regexp_replace(jamsos_fold(${claim.motherMaidenName}::text), '[^[:alnum:]]+', '', 'g')
            AND regexp_replace(jamsos_fold(${claim.motherMaidenName}::text), '[^[:alnum:]]+', '', 'g') <> '') AS matches
    FROM participant WHERE id = ${id}`
  if (!row?.matches) return undefined
  return { participantId: row.id, kpj: row.kpj, branchCode: row.branch_code, fullName: row.full_name }
}
