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
import { checkRegistration, type CheckedRegistration, type RegistrationInput, type RegistrationRefs } from './registration.ts'
import { claimNiks, loadCodeLists, nextParticipantIds, PARTICIPANT_COPY_COLUMNS } from './queries.ts'

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

/** A batch ready to write: parallel arrays, one entry a participant. */
interface PreparedBatch {
  ids: number[]
  kpjs: string[]
  /** NIK blind indexes, claimed in nik_index before the COPY. */
  hashes: Buffer[]
  /** Input position of each row. */
  inputRows: number[]
  /** Each row as a COPY line, built while earlier batches are being written. */
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
  let lastClaim: Promise<void> = Promise.resolve()
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
    // NIK claims run in input order: a batch claims only after the previous batch's claim has run,
    // so a twin later in the file waits on the earlier one's key and loses, whatever the timing.
    const previousClaim = lastClaim
    let claimed!: () => void
    lastClaim = new Promise<void>((resolve) => (claimed = resolve))
    const writing: Promise<void> = write(sql, prepared, opts, result, previousClaim, claimed).then(
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
  const now = new Date().toISOString()
  // Who registered: the same for every row of a load.
  const by = [opts.actor.userId, opts.actor.agentId, opts.actor.partnerId, opts.actor.sponsorId].map(nul).join('\t')
  const batch: PreparedBatch = { ids, kpjs: [], hashes: [], inputRows: [], lines: [] }
  items.forEach(({ checked, row }, i) => {
    const id = ids[i]!
    const kpj = kpjFromId(id)
    const hash = opts.vault.blindIndex(checked.nik.nik)
    batch.kpjs.push(kpj)
    batch.hashes.push(hash)
    batch.inputRows.push(row)
    batch.lines.push(participantLine(id, kpj, opts.vault.encrypt(checked.nik.nik), hash, checked, opts.registeredAt ? opts.registeredAt(checked.input, row).toISOString() : now, by))
  })
  return batch
}

/**
 * Writes one batch in one transaction. NIKs are claimed first with INSERT … ON CONFLICT DO NOTHING,
 * so a NIK registered earlier (or concurrently) is counted as a duplicate, and the participant
 * COPY only carries rows that cannot conflict. (A COPY the server refuses part-way is not safe to
 * rely on: postgres.js 3.4 loses that error once the stream has ended.)
 */
async function write(
  sql: Sql,
  batch: PreparedBatch,
  opts: BulkOptions,
  result: BulkResult,
  previousClaim: Promise<void>,
  claimDone: () => void,
): Promise<void> {
  // claimDone also runs if the transaction fails before claiming, so later batches never wait forever.
  const written = await withActor(sql, opts.actor, async (tx) => {
    await previousClaim
    let claimed: Set<number>
    try {
      claimed = new Set(await claimNiks(tx, batch.ids.map((id, i) => ({ hash: batch.hashes[i]!, participantId: id }))))
    } finally {
      claimDone()
    }
    const keep = batch.ids.map((id) => claimed.has(id))
    const lines = claimed.size === batch.ids.length ? batch.lines : batch.lines.filter((_l, i) => keep[i])
    if (lines.length) await copyLines(tx, `participant (${PARTICIPANT_COPY_COLUMNS.join(', ')})`, lines)
    return batch.ids.flatMap((id, i) => (keep[i] ? [i] : []))
  }).finally(claimDone)
  result.duplicates += batch.ids.length - written.length
  if (!written.length) return
  result.inserted += written.length
  // Batches finish in any order: keep the lowest and highest KPJ written.
  const first = batch.kpjs[written[0]!]!
  const last = batch.kpjs[written[written.length - 1]!]!
  if (result.firstKpj === null || first < result.firstKpj) result.firstKpj = first
  if (result.lastKpj === null || last > result.lastKpj) result.lastKpj = last
  if (opts.onRow) for (const i of written) opts.onRow(batch.inputRows[i]!, batch.ids[i]!)
}

const nul = (v: number | null) => copyNullable(v)

/** One participant as a COPY line, in PARTICIPANT_COPY_COLUMNS order, straight from the checked registration. */
function participantLine(id: number, kpj: string, cipher: Buffer, hash: Buffer, c: CheckedRegistration, registeredAt: string, by: string): string {
  const i = c.input
  const p = c.place
  return `${id}\t${kpj}\t${copyBytea(cipher)}\t${copyBytea(hash)}\t${c.nikMasked}\t${c.nik.districtCode}\t${c.nik.districtKnown ? 't' : 'f'}\t${text(i.fullName)}\t${text(i.birthPlace)}\t${i.birthDate}\t${i.gender}\t${text(i.motherMaidenName)}\t${text(i.phone)}\t${text(i.address)}\t${p.villageCode}\t${p.districtCode}\t${p.regencyCode}\t${p.provinceCode}\t${p.branchCode}\t${text(i.occupation)}\t${i.monthlyIncome}\t${copyTextArray(c.programs)}\t${text(i.ecosystem)}\t${text(i.channel)}\t${c.funding}\t${registeredAt}\t${by}\n`
}
