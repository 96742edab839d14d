// The bulk registration path: the same rules as one registration (checkRegistration), written
// with COPY in batches. Preparing batch n+1 (validation, encryption — Node's CPU) overlaps with
// PostgreSQL writing batch n, so a load uses both cores.
import type { Sql } from '../platform/db.ts'
import { copyBytea, copyLines, copyNullable, copyText as text, copyTextArray } from '../platform/copy.ts'
import { type Actor, withActor } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import type { IsoDate } from '../platform/dates.ts'
import { loadRateTable } from '../programs/index.ts'
import { placeIndex, regionCodes } from '../regions/index.ts'
import { recordAudit } from '../audit/index.ts'
import { kpjFromId } from './kpj.ts'
import type { NikVault } from './vault.ts'
import { checkRegistration, type RegistrationInput, type RegistrationRefs } from './registration.ts'
import { claimNiks, loadCodeLists, nextParticipantIds, PARTICIPANT_COPY_COLUMNS, type NewParticipantRow } from './queries.ts'

export interface BulkRejection {
  /** 1-based position of the row in the input. */
  row: number
  code: string
  field: string
  reason: string
}

export interface BulkResult {
  inserted: number
  duplicates: number
  rejected: BulkRejection[]
  /** KPJ of the first and last participant registered, for the record. */
  firstKpj: string | null
  lastKpj: string | null
}

export interface BulkOptions {
  actor: Actor
  vault: NikVault
  today: IsoDate
  /** Rows per COPY batch (default 2,000). */
  batchSize?: number
  /** Batches written at once, each in its own transaction (default 3: PostgreSQL then works on one while Node prepares the next). */
  parallel?: number
  /** Registration time stamped on the rows (default now); the demo seed passes each row's own. */
  registeredAt?: (input: RegistrationInput, index: number) => Date
  /** Reference data, when the caller already holds it. */
  refs?: RegistrationRefs
  /** Called for each participant written: its 1-based input position and new id. */
  onRow?: (inputRow: number, participantId: number) => void
  /** Called after each batch is written. */
  onBatch?: (done: { inserted: number; duplicates: number; rejected: number }) => void
}

interface PreparedBatch {
  rows: NewParticipantRow[]
  /** Input position of each row. */
  inputRows: number[]
  /** Each row as a COPY line, built while the previous batch is being written. */
  lines: string[]
}

export async function loadRegistrationRefs(sql: Sql, today: IsoDate): Promise<RegistrationRefs> {
  const [regions, places, codes, rates] = await Promise.all([regionCodes(sql), placeIndex(sql), loadCodeLists(sql), loadRateTable(sql)])
  return { regions, place: (code) => places.get(code), codes, rates, today }
}

/** Registers many participants; bad rows are reported (with the API's codes), never half-written. */
export async function registerBulk(
  sql: Sql,
  input: Iterable<RegistrationInput> | AsyncIterable<RegistrationInput>,
  opts: BulkOptions,
): Promise<BulkResult> {
  const refs = opts.refs ?? (await loadRegistrationRefs(sql, opts.today))
  const batchSize = opts.batchSize ?? 2_000
  const result: BulkResult = { inserted: 0, duplicates: 0, rejected: [], firstKpj: null, lastKpj: null }
  let index = 0
  const parallel = Math.max(1, opts.parallel ?? 3)
  const inFlight = new Set<Promise<void>>()
  let failure: unknown
  let batch: { input: RegistrationInput; row: number; checked: ReturnType<typeof checkRegistration> }[] = []

  const flush = async () => {
    if (!batch.length) return
    const current = batch
    batch = []
    const prepared = await prepare(sql, current, opts)
    // Batches are independent (ids come from the sequence, NIKs are claimed inside each batch's
    // transaction), so up to `parallel` of them are written at once.
    while (inFlight.size >= parallel) await Promise.race(inFlight)
    if (failure) throw failure
    const writing: Promise<void> = write(sql, prepared, opts, result).then(
      () => {
        inFlight.delete(writing)
        opts.onBatch?.({ inserted: result.inserted, duplicates: result.duplicates, rejected: result.rejected.length })
      },
      (e) => {
        inFlight.delete(writing)
        failure ??= e
      },
    )
    inFlight.add(writing)
  }

  for await (const raw of input as AsyncIterable<RegistrationInput>) {
    index++
    try {
      // Twins within the load are caught like NIKs registered before it: by the NIK claim, so the
      // load holds no set of every NIK it has seen (a million of them would cost ~100 MB).
      batch.push({ input: raw, row: index, checked: checkRegistration(raw, refs) })
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      for (const f of e.fields.length ? e.fields : [{ path: '(row)', code: e.code, reason: e.message }]) {
        result.rejected.push({ row: index, code: f.code, field: f.path, reason: f.reason ?? '' })
      }
    }
    if (batch.length >= batchSize) await flush()
  }
  await flush()
  await Promise.all(inFlight)
  if (failure) throw failure
  if (result.inserted > 0) {
    await withActor(sql, opts.actor, (tx) =>
      recordAudit(tx, opts.actor, {
        action: 'participant.bulk_register',
        entityType: 'participant_batch',
        entityId: `${result.firstKpj}..${result.lastKpj}`,
        after: { inserted: result.inserted, duplicates: result.duplicates, rejected: result.rejected.length },
      }),
    )
  }
  return result
}

async function prepare(
  sql: Sql,
  items: { input: RegistrationInput; row: number; checked: ReturnType<typeof checkRegistration> }[],
  opts: BulkOptions,
): Promise<PreparedBatch> {
  const ids = await nextParticipantIds(sql, items.length)
  const now = new Date()
  const rows: NewParticipantRow[] = []
  const inputRows: number[] = []
  items.forEach(({ checked, row }, i) => {
    const id = ids[i]!
    const hash = opts.vault.blindIndex(checked.nik.nik)
    const inp = checked.input
    inputRows.push(row)
    rows.push({
      id,
      kpj: kpjFromId(id),
      nik_cipher: opts.vault.encrypt(checked.nik.nik),
      nik_hash: hash,
      nik_masked: checked.nikMasked,
      nik_district_code: checked.nik.districtCode,
      nik_district_known: checked.nik.districtKnown,
      full_name: inp.fullName,
      birth_place: inp.birthPlace,
      birth_date: inp.birthDate,
      gender: inp.gender,
      mother_maiden_name: inp.motherMaidenName,
      phone: inp.phone,
      address: inp.address,
      village_code: checked.place.villageCode,
      district_code: checked.place.districtCode,
      regency_code: checked.place.regencyCode,
      province_code: checked.place.provinceCode,
      branch_code: checked.place.branchCode,
      occupation: inp.occupation,
      monthly_income: inp.monthlyIncome,
      programs: checked.programs,
      ecosystem: inp.ecosystem,
      channel: inp.channel,
      funding: checked.funding,
      registered_at: opts.registeredAt ? opts.registeredAt(inp, row) : now,
      registered_by: opts.actor.userId,
      agent_id: opts.actor.agentId,
      partner_id: opts.actor.partnerId,
      sponsor_id: opts.actor.sponsorId,
    })
  })
  return { rows, inputRows, lines: rows.map(participantLine) }
}

/**
 * Writes one batch in one transaction. NIKs are claimed first with INSERT … ON CONFLICT DO NOTHING,
 * so a NIK registered earlier (or concurrently) is counted as a duplicate, and the participant
 * COPY only carries rows that cannot conflict. (A COPY the server refuses part-way is not safe to
 * rely on: postgres.js 3.4 loses that error once the stream has ended.)
 */
async function write(sql: Sql, batch: PreparedBatch, opts: BulkOptions, result: BulkResult): Promise<void> {
  const inputRow = new Map(batch.rows.map((r, i) => [r.id, batch.inputRows[i]!]))
  const rows = await withActor(sql, opts.actor, async (tx) => {
    const claimed = new Set(await claimNiks(tx, batch.rows.map((r) => ({ hash: r.nik_hash, participantId: r.id }))))
    const fresh = batch.rows.filter((r) => claimed.has(r.id))
    const lines = fresh.length === batch.rows.length ? batch.lines : batch.lines.filter((_l, i) => claimed.has(batch.rows[i]!.id))
    if (fresh.length) await copyLines(tx, `participant (${PARTICIPANT_COPY_COLUMNS.join(', ')})`, lines)
    return fresh
  })
  result.duplicates += batch.rows.length - rows.length
  if (!rows.length) return
  result.inserted += rows.length
  // Batches finish in any order: keep the lowest and highest KPJ written.
  if (result.firstKpj === null || rows[0]!.kpj < result.firstKpj) result.firstKpj = rows[0]!.kpj
  if (result.lastKpj === null || rows[rows.length - 1]!.kpj > result.lastKpj) result.lastKpj = rows[rows.length - 1]!.kpj
  if (opts.onRow) for (const r of rows) opts.onRow(inputRow.get(r.id)!, r.id)
}

const nul = (v: number | null) => copyNullable(v)

export function participantLine(r: NewParticipantRow): string {
  return (
    [
      r.id,
      r.kpj,
      copyBytea(r.nik_cipher),
      copyBytea(r.nik_hash),
      text(r.nik_masked),
      r.nik_district_code,
      r.nik_district_known ? 't' : 'f',
      text(r.full_name),
      text(r.birth_place),
      r.birth_date,
      r.gender,
      text(r.mother_maiden_name),
      text(r.phone),
      text(r.address),
      r.village_code,
      r.district_code,
      r.regency_code,
      r.province_code,
      r.branch_code,
      r.occupation,
      r.monthly_income,
      copyTextArray(r.programs),
      r.ecosystem,
      r.channel,
      r.funding,
      r.registered_at.toISOString(),
      nul(r.registered_by),
      nul(r.agent_id),
      nul(r.partner_id),
      nul(r.sponsor_id),
    ].join('\t') + '\n'
  )
}

/** Prepared rows for a raw COPY baseline (the benchmark compares the product path with this). */
export async function prepareRowsForBaseline(sql: Sql, input: RegistrationInput[], opts: BulkOptions): Promise<string[]> {
  const refs = opts.refs ?? (await loadRegistrationRefs(sql, opts.today))
  const items = input.map((raw, i) => ({ input: raw, row: i + 1, checked: checkRegistration(raw, refs) }))
  const prepared = await prepare(sql, items, opts)
  return prepared.rows.map(participantLine)
}
