import { defineErrors } from '../platform/errors.ts'

export const ProgramErrors = defineErrors({
  PROGRAMS_INVALID: {
    status: 400,
    id: 'Pilihan program tidak sah (BPU: JKK dan JKM wajib, JHT pilihan)',
    en: 'The program choice is not valid (BPU: JKK and JKM required, JHT optional)',
  },
  INCOME_OUT_OF_RANGE: {
    status: 400,
    id: 'Penghasilan yang dilaporkan di luar batas yang diizinkan',
    en: 'The declared income is outside the allowed bounds',
  },
  NO_RATE_IN_FORCE: {
    status: 422,
    id: 'Tidak ada tarif iuran yang berlaku untuk periode ini',
    en: 'No contribution rate is in force for this period',
  },
})
