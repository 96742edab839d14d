// Numbers Jamsos issues to members and bills. Public code treats a KPJ as exactly 11 digits
// (regulations.md §6); its internal structure is not published (UNCONFIRMED), so ours is our own:
// the 10-digit participant id (participant_id_seq starts at 1000000001, migrations/0004) followed
// by a Luhn digit. The id is the table's distribution key, so a KPJ routes to its shard without a
// lookup, and a mistyped digit is caught before any query.
import { AppError } from '../platform/errors.ts'
import { luhnCheckDigit, luhnValid } from '../platform/luhn.ts'
import { RegistryErrors as R } from './errors.ts'

const MIN_ID = 1_000_000_001
const MAX_ID = 9_999_999_999
/** The most bills a participant can have: the payment code numbers them in 4 digits. */
export const MAX_BILL_SEQ = 9999

function isParticipantId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= MIN_ID && id <= MAX_ID
}

function requireParticipantId(id: number): void {
  if (!isParticipantId(id)) throw new Error(`participant id ${id} is outside ${MIN_ID}..${MAX_ID}`)
}

function withCheckDigit(payload: string): string {
  return payload + String(luhnCheckDigit(payload))
}

/** The KPJ of a participant id: `1000000001` → `10000000017`. */
export function kpjFromId(id: number): string {
  requireParticipantId(id)
  return withCheckDigit(String(id))
}

/** The participant id a KPJ stands for; a KPJ that is not one Jamsos could have issued is KPJ_INVALID. */
export function idFromKpj(kpj: string): number {
  const fail = (reason: string) => AppError.field(R.KPJ_INVALID, 'kpj', reason)
  if (!/^\d+$/.test(kpj)) throw fail(`"${kpj}" contains characters other than digits`)
  if (kpj.length !== 11) throw fail(`has ${kpj.length} digits; a KPJ has 11`)
  if (!luhnValid(kpj)) throw fail('the check digit (the last one) does not match: a digit is mistyped')
  const id = Number(kpj.slice(0, 10))
  if (!isParticipantId(id)) throw fail(`membership numbers start at ${kpjFromId(MIN_ID)}`)
  return id
}

/**
 * The payment code of a participant's bill number `seq`: id (10) ‖ seq (4, zero-padded) ‖ Luhn
 * digit, 15 digits (migrations/0005: it carries the participant so a payment notification routes
 * to its shard without a lookup).
 */
export function paymentCodeFor(participantId: number, seq: number): string {
  requireParticipantId(participantId)
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_BILL_SEQ) throw new Error(`bill seq ${seq} is outside 1..${MAX_BILL_SEQ}`)
  return withCheckDigit(String(participantId) + String(seq).padStart(4, '0'))
}

/** The participant and bill number a payment code stands for; anything else is PAYMENT_CODE_INVALID. */
export function parsePaymentCode(code: string): { participantId: number; seq: number } {
  const fail = (reason: string) => AppError.field(R.PAYMENT_CODE_INVALID, 'paymentCode', reason)
  if (!/^\d+$/.test(code)) throw fail(`"${code}" contains characters other than digits`)
  if (code.length !== 15) throw fail(`has ${code.length} digits; a payment code has 15`)
  if (!luhnValid(code)) throw fail('the check digit (the last one) does not match: a digit is mistyped')
  const participantId = Number(code.slice(0, 10))
  const seq = Number(code.slice(10, 14))
  if (!isParticipantId(participantId)) throw fail('the first 10 digits are not a participant number Jamsos issues')
  if (seq < 1) throw fail('digits 11 to 14 (the bill number) are 0000; bills are numbered from 0001')
  return { participantId, seq }
}
