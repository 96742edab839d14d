// Error codes of the participant registry. Each has its HTTP status and Indonesian and English
// text (the one error model of src/platform/errors.ts); the exact reason travels with the field.
import { defineErrors } from '../platform/errors.ts'

export const RegistryErrors = defineErrors({
  // NIK (regulations.md §6): 16 digits PP KK CC DD MM YY SSSS, no check digit.
  NIK_REQUIRED: { status: 400, id: 'NIK wajib diisi', en: 'The NIK is required' },
  NIK_LENGTH: { status: 400, id: 'NIK harus terdiri dari 16 digit', en: 'A NIK has 16 digits' },
  NIK_NOT_DIGITS: { status: 400, id: 'NIK hanya boleh berisi angka', en: 'A NIK contains digits only' },
  NIK_UNKNOWN_PROVINCE: { status: 400, id: 'Kode provinsi pada NIK tidak dikenal', en: 'The province code in the NIK is not known' },
  NIK_BAD_REGENCY: { status: 400, id: 'Kode kabupaten/kota pada NIK tidak valid', en: 'The regency code in the NIK is not valid' },
  NIK_BAD_DISTRICT: { status: 400, id: 'Kode kecamatan pada NIK tidak valid', en: 'The district code in the NIK is not valid' },
  NIK_BAD_DATE: { status: 400, id: 'Tanggal lahir pada NIK tidak valid', en: 'The birth date in the NIK is not valid' },
  NIK_FUTURE_BIRTH_DATE: { status: 400, id: 'Tanggal lahir pada NIK belum terjadi', en: 'The birth date in the NIK is in the future' },
  NIK_BAD_SERIAL: { status: 400, id: 'Nomor urut pada NIK tidak valid', en: 'The serial number in the NIK is not valid' },
  NIK_BIRTH_DATE_MISMATCH: { status: 400, id: 'Tanggal lahir tidak sesuai dengan NIK', en: 'The birth date does not match the NIK' },
  NIK_GENDER_MISMATCH: { status: 400, id: 'Jenis kelamin tidak sesuai dengan NIK', en: 'The gender does not match the NIK' },
  NIK_REVEAL_FORBIDDEN: { status: 403, id: 'Tidak berwenang melihat NIK lengkap', en: 'Not allowed to see the full NIK' },

  // Numbers Jamsos issues, each ending in a Luhn check digit.
  KPJ_INVALID: { status: 400, id: 'Nomor KPJ tidak valid', en: 'Not a valid KPJ number' },
  PAYMENT_CODE_INVALID: { status: 400, id: 'Kode pembayaran tidak valid', en: 'Not a valid payment code' },

  // Registration and changes (used by registration.ts and participants.ts).
  NAME_INVALID: { status: 400, id: 'Nama tidak valid', en: 'Not a valid name' },
  PHONE_INVALID: { status: 400, id: 'Nomor telepon tidak valid', en: 'Not a valid phone number' },
  VILLAGE_UNKNOWN: { status: 400, id: 'Kode desa/kelurahan tidak dikenal', en: 'No village has that code' },
  OCCUPATION_UNKNOWN: { status: 400, id: 'Pekerjaan tidak dikenal', en: 'Not a known occupation' },
  ECOSYSTEM_UNKNOWN: { status: 400, id: 'Ekosistem tidak dikenal', en: 'Not a known ecosystem' },
  CHANNEL_UNKNOWN: { status: 400, id: 'Kanal pendaftaran tidak dikenal', en: 'Not a known registration channel' },
  DUPLICATE_PARTICIPANT: { status: 409, id: 'NIK sudah terdaftar sebagai peserta', en: 'The NIK is already registered' },
  REGISTRATION_THROTTLED: {
    status: 429,
    id: 'Terlalu banyak pendaftaran NIK yang sudah terdaftar di luar wilayah Anda; coba lagi nanti',
    en: 'Too many registrations of NIKs already registered outside your scope; try again later',
  },
  PARTICIPANT_NOT_FOUND: { status: 404, id: 'Peserta tidak ditemukan', en: 'No such participant' },
  HEIR_NOT_FOUND: { status: 404, id: 'Ahli waris tidak ditemukan', en: 'No such heir' },
  VERSION_CONFLICT: { status: 409, id: 'Data sudah diubah orang lain, muat ulang lalu coba lagi', en: 'The record was changed by someone else; reload and try again' },

  // Bulk import (bulk.ts).
  BULK_HEIRS_NOT_TAKEN: {
    status: 400,
    id: 'Ahli waris tidak dapat didaftarkan lewat unggah massal; daftarkan setelah impor',
    en: 'Heirs are not registered by bulk import; add them after the import',
  },
})
