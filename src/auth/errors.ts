// The identity module's error codes.
import { defineErrors } from '../platform/errors.ts'

export const AuthErrors = defineErrors({
  AUTH_REQUIRED: { status: 401, id: 'Perlu masuk (login) terlebih dahulu', en: 'Authentication is required' },
  AUTH_INVALID_CREDENTIALS: { status: 401, id: 'Nama pengguna atau kata sandi salah', en: 'Wrong username or password' },
  // Per (account, address): the same account stays open from other addresses.
  AUTH_LOCKED: {
    status: 423,
    id: 'Akun ini dikunci sementara untuk alamat Anda karena terlalu banyak percobaan masuk yang gagal',
    en: 'The account is locked for a while from your address after too many failed logins',
  },
  AUTH_THROTTLED: {
    status: 429,
    id: 'Terlalu banyak percobaan masuk yang gagal dari alamat ini, coba lagi nanti',
    en: 'Too many failed logins from this address, try again later',
  },
  AUTH_ACCOUNT_THROTTLED: {
    status: 429,
    id: 'Terlalu banyak percobaan masuk yang gagal untuk akun ini dari berbagai alamat, coba lagi nanti',
    en: 'Too many failed logins for this account from many addresses, try again later',
  },
  FORBIDDEN: { status: 403, id: 'Anda tidak berhak melakukan ini', en: 'You are not allowed to do this' },
  CSRF_INVALID: {
    status: 403,
    id: 'Token CSRF tidak ada atau tidak cocok; muat ulang halaman',
    en: 'The CSRF token is missing or does not match; reload the page',
  },
  TOKEN_INVALID: { status: 401, id: 'Token atau sesi tidak dikenal', en: 'Unknown token or session' },
  TOKEN_EXPIRED: { status: 401, id: 'Token atau sesi sudah kedaluwarsa; masuk lagi', en: 'The token or session has expired; sign in again' },
  TOKEN_REVOKED: { status: 401, id: 'Token atau sesi sudah dicabut; masuk lagi', en: 'The token or session was revoked; sign in again' },
  SIGNATURE_INVALID: { status: 401, id: 'Tanda tangan permintaan tidak sah', en: 'The request signature is not valid' },
  // The window is configurable (JAMSOS_SIGNATURE_WINDOW_SECONDS): the reason names it, the text does not.
  SIGNATURE_EXPIRED: {
    status: 401,
    id: 'Waktu tanda tangan di luar batas yang diizinkan',
    en: 'The signature timestamp is outside the allowed window',
  },
  SIGNATURE_REPLAYED: { status: 401, id: 'Tanda tangan ini sudah pernah dipakai', en: 'This signature has already been used' },
  ACCOUNT_DISABLED: { status: 403, id: 'Akun ini dinonaktifkan', en: 'This account is disabled' },
  PASSWORD_TOO_WEAK: { status: 400, id: 'Kata sandi terlalu lemah', en: 'The password is too weak' },
  PASSWORD_WRONG: { status: 400, id: 'Kata sandi saat ini salah', en: 'The current password is wrong' },
  PASSWORD_RESET_SELF: {
    status: 403,
    id: 'Kata sandi Anda sendiri diganti lewat /auth/password, dengan kata sandi saat ini',
    en: 'Change your own password through /auth/password, with your current one',
  },
  NOT_A_USER: {
    status: 400,
    id: 'Tindakan ini memerlukan akun pengguna, bukan kunci API',
    en: 'This action needs a user account, not an API key',
  },
  USERNAME_TAKEN: { status: 409, id: 'Nama pengguna sudah dipakai', en: 'The username is already taken' },
  USER_NOT_FOUND: { status: 404, id: 'Pengguna tidak ditemukan', en: 'User not found' },
  ROLE_LINK_MISSING: {
    status: 400,
    id: 'Peran ini memerlukan tautan lingkup (cabang, agen, mitra, sponsor atau peserta)',
    en: 'This role needs its scope link (branch, agent, partner, sponsor or participant)',
  },
  // Member self-service activation (src/auth/activation.ts): one answer whichever of KPJ, NIK,
  // birth date or mother's maiden name was wrong, so a guess learns nothing about the others.
  ACTIVATION_FAILED: {
    status: 400,
    id: 'Data yang Anda masukkan tidak cocok dengan data kepesertaan kami. Periksa kembali KPJ, NIK, tanggal lahir dan nama ibu kandung',
    en: 'The details you entered do not match our membership records. Check the KPJ, NIK, birth date and mother’s maiden name',
  },
  ACTIVATION_THROTTLED: {
    status: 429,
    id: 'Terlalu banyak percobaan aktivasi yang gagal, coba lagi nanti',
    en: 'Too many failed activation attempts, try again later',
  },
  ACCOUNT_ALREADY_ACTIVE: {
    status: 409,
    id: 'Akun peserta ini sudah aktif; masuk dengan KPJ dan kata sandi Anda',
    en: 'This member account is already active; sign in with your KPJ and password',
  },
  PARTNER_KEY_NOT_FOUND: { status: 404, id: 'Kunci mitra tidak ditemukan', en: 'Partner key not found' },
  PARTNER_KEY_INACTIVE: { status: 409, id: 'Kunci mitra sudah dicabut atau kedaluwarsa', en: 'The partner key is revoked or expired' },
})
