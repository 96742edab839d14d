// The programs module's SQL: two small reference tables, read whole.
import type { Db } from '../platform/db.ts'
import type { Program, RateRow } from './rates.ts'

/**
 * Every contribution_rate row in use (a few dozen; rows replaced by a correction are left out). Loaded per call rather than cached: it is one small
 * indexed read, and no cache can then outlive a migration or leak between test databases.
 */
export async function loadRateTable(db: Db): Promise<RateRow[]> {
  const rows = await db<RateRow[]>`
    SELECT id, segment, program, component, payer, basis, value,
           funded_from    AS "fundedFrom",
           condition,
           effective_from AS "effectiveFrom",
           effective_to   AS "effectiveTo",
           regulation, confirmed, note
      FROM contribution_rate
     WHERE replaced_by IS NULL
     ORDER BY segment, program NULLS FIRST, component, effective_from, id`
  return [...rows]
}

export async function loadPrograms(db: Db): Promise<Program[]> {
  const rows = await db<Program[]>`
    SELECT code, name_id AS "nameId", name_en AS "nameEn", segments, legal_basis AS "legalBasis"
      FROM program
     ORDER BY sort_order`
  return [...rows]
}
