// Error codes of the regions module (statuses and texts are registered with the platform's one
// error model).
import { defineErrors } from '../platform/errors.ts'

export const RegionErrors = defineErrors({
  REGION_CODE_INVALID: {
    status: 400,
    id: 'Kode wilayah tidak valid (contoh: 35, 35.05, 35.05.01, 35.05.01.2001)',
    en: 'Not a region code (e.g. 35, 35.05, 35.05.01, 35.05.01.2001)',
  },
  REGION_NOT_FOUND: { status: 404, id: 'Wilayah tidak ditemukan', en: 'No such region' },
  BRANCH_NOT_FOUND: { status: 404, id: 'Kantor cabang tidak ditemukan', en: 'No such branch office' },
})
