import { defineErrors } from '../platform/errors.ts'

export const ContributionErrors = defineErrors({
  BILL_MONTHS_INVALID: { status: 400, id: 'Jumlah bulan tagihan tidak diizinkan', en: 'That number of months cannot be billed' },
  BILL_TOO_FAR_AHEAD: { status: 422, id: 'Tagihan melewati batas pembayaran di muka', en: 'The bill would run past how far ahead contributions can be paid' },
  BILL_LIMIT_REACHED: { status: 409, id: 'Peserta sudah mencapai batas 9.999 tagihan', en: 'The participant has reached the limit of 9,999 bills' },
  BILL_NOT_FOUND: { status: 404, id: 'Tagihan tidak ditemukan', en: 'No such bill' },
  BILL_ALREADY_PAID: { status: 409, id: 'Tagihan sudah dibayar', en: 'The bill is already paid' },
  BILL_EXPIRED: { status: 409, id: 'Tagihan sudah kedaluwarsa, buat tagihan baru', en: 'The bill has expired; issue a new one' },
  BILL_SUPERSEDED: { status: 409, id: 'Tagihan sudah digantikan tagihan yang lebih baru', en: 'A newer bill replaced this one' },
  PAYMENT_AMOUNT_MISMATCH: { status: 422, id: 'Jumlah pembayaran tidak sama dengan tagihan', en: 'The amount paid does not match the bill' },
  PAYMENT_REFERENCE_CONFLICT: { status: 409, id: 'Nomor referensi pembayaran sudah dipakai untuk pembayaran lain', en: 'The payment reference was already used for a different payment' },
  PAYMENT_RECEIVED_OUT_OF_ORDER: { status: 409, id: 'Pembayaran peserta yang diterima lebih akhir sudah dicatat', en: 'A payment of this participant received later is already posted' },
  PAYMENT_DATE_INVALID: { status: 400, id: 'Waktu pembayaran tidak masuk akal', en: 'The payment time is not plausible' },
  PAYMENT_CHANNEL_UNKNOWN: { status: 400, id: 'Kanal pembayaran tidak dikenal', en: 'Not a known payment channel' },
  PAYMENT_CHANNEL_FORBIDDEN: { status: 403, id: 'Tidak berwenang mencatat pembayaran melalui kanal ini', en: 'Not allowed to post payments as this channel' },
  PAYMENT_CHANNEL_TAKEN: { status: 409, id: 'Kanal pembayaran sudah terikat pada mitra lain', en: 'The payment channel is already bound to another partner' },
  PAYMENT_CHANNEL_NOT_BINDABLE: { status: 400, id: 'Kanal ini tidak dapat diikat pada mitra', en: 'This channel cannot be bound to a partner' },
  PARTICIPANT_NOT_BILLABLE: { status: 422, id: 'Peserta tidak dapat ditagih', en: 'The participant cannot be billed' },
})
