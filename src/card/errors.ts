// Error codes of the membership card module (statuses and texts are registered with the
// platform's one error model).
import { defineErrors } from '../platform/errors.ts'

export const CardErrors = defineErrors({
  // Malformed, altered (one byte is enough), signed with another key, or naming no card Jamsos
  // issued: one code for all; the reason says which check failed (a damaged QR code reads as
  // "format"), never anything about a member.
  CARD_TOKEN_INVALID: {
    status: 400,
    id: 'Kartu tidak sah: kode QR rusak, diubah, atau bukan dari BPJS Ketenagakerjaan',
    en: 'Not a valid card: the QR code is damaged, altered, or was not issued by BPJS Ketenagakerjaan',
  },
  // A genuine card that was revoked (replaced by a newer card, lost, stolen …): 410, it existed.
  CARD_REVOKED: { status: 410, id: 'Kartu sudah dicabut dan tidak berlaku lagi', en: 'This card has been revoked and is no longer valid' },
  CARD_NOT_ISSUED: { status: 404, id: 'Peserta belum memiliki kartu yang berlaku', en: 'The participant has no valid card' },
})
