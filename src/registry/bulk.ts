// The bulk registration path: the same rules as one registration (checkRegistration), written
// with COPY in batches. Preparing batch n+1 (validation, encryption — Node's CPU) overlaps with
// PostgreSQL writing batch n, so a load uses both cores.
import type { Sql } from '../platform/db.ts'
import { copyBytea, copyBytes, copyNullable, copyText as text, copyTextArray } from '../platform/copy.ts'
import { type Actor, withActor } from '../platform/actor.ts'
import { AppError, PlatformErrors, type FieldError } from '../platform/errors.ts'
import type { IsoDate } from '../platform/dates.ts'
import { loadRateTable } from '../programs/index.ts'
import { placeIndex, regionCodes } from '../regions/index.ts'
import { recordAudit } from '../audit/index.ts'
import { kpjFromId } from './kpj.ts'
import { RegistryErrors as R } from './errors.ts'
import type { NikVault } from './vault.ts'
import type { RegistryDeps } from './participants.ts'
import { checkRegistration, type CheckedRegistration, type RegistrationInput, type RegistrationRefs } from './registration.ts'
import { claimNikBlock, loadCodeLists, nextParticipantIds, PARTICIPANT_COPY_COLUMNS, type ParticipantCopyColumn, recordRegisteredAttributes } from './queries.ts'
import { publishRegisteredIds } from './events.ts'

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
  /**
   * Why rows were refused, one entry a failing field. All of them, unless the caller takes them
   * through onRejected: then only the first KEPT_REJECTIONS, for a summary, so a load of a million
   * bad rows does not hold a million reasons in memory.
   */
  rejected: BulkRejection[]
  /** Rows refused by the rules (a row can fail on several fields). */
  rejectedRows: number
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
  /** The registry's deps (createRegistryDeps): their region codes and code lists spare reloading them when refs is not given. */
  deps?: Pick<RegistryDeps, 'regions' | 'codes'>
  /** Called for each participant written: its 1-based input position and new id. */
  onRow?: (inputRow: number, participantId: number) => void
  /** Receives every rejection as it happens (e.g. to write them to a file); result.rejected then keeps only the first few. */
  onRejected?: (rejection: BulkRejection) => void
  /** Called after each batch is written. */
  onBatch?: (done: { inserted: number; duplicates: number; rejected: number }) => void
}

/**
 * A batch being filled, then written. Each row becomes its COPY line the moment it passes the
 * rules, written straight into one byte buffer: no row outlives its own processing as a JS object,
 * so the garbage collector sees only short-lived objects and the heap stays small, whatever the
 * size of the load. A line starts with a fixed-width hole for the participant id and KPJ (10 and 11
 * digits, migrations/0004), filled in once the batch's ids are drawn from the sequence; so rows the
 * rules refuse never consume an id.
 */
class Batch {
  bytes: Buffer
  length = 0
  /** Byte offset of each row's line. */
  readonly starts: number[] = []
  /** Input position (1-based) of each row. */
  readonly rows: number[] = []
  /** NIK blind indexes, 32 bytes a row, claimed in nik_index before the COPY. */
  hashes: Buffer
  /** Participant ids, once drawn. */
  ids: number[] = []

  constructor(rowsHint: number) {
    this.bytes = Buffer.allocUnsafe(rowsHint * 512)
    this.hashes = Buffer.allocUnsafe(rowsHint * HASH_BYTES)
  }

  /** Empties the batch for reuse, keeping its buffers: a load recycles a handful of batches. */
  reset(): this {
    this.length = 0
    this.starts.length = 0
    this.rows.length = 0
    this.ids = []
    return this
  }

  get size(): number {
    return this.rows.length
  }

  add(row: number, hash: Buffer, tail: string): void {
    const need = ID_HOLE + tail.length * 3
    if (this.length + need > this.bytes.length) this.bytes = grow(this.bytes, this.length, this.length + need)
    if ((this.size + 1) * HASH_BYTES > this.hashes.length) this.hashes = grow(this.hashes, this.size * HASH_BYTES, (this.size + 1) * HASH_BYTES)
    hash.copy(this.hashes, this.size * HASH_BYTES)
    this.starts.push(this.length)
    this.rows.push(row)
    this.bytes[this.length + 10] = TAB
    this.bytes[this.length + 22] = TAB
    this.length += ID_HOLE
    this.length += this.bytes.write(tail, this.length, 'utf8')
  }

  /** Fills each line's id and KPJ. */
  assignIds(ids: number[]): void {
    if (ids.length !== this.size) throw new Error(`drew ${ids.length} participant ids for ${this.size} rows`)
    this.ids = ids
    ids.forEach((id, i) => {
      const at = this.starts[i]!
      this.bytes.write(String(id), at, 'latin1')
      this.bytes.write(kpjFromId(id), at + 11, 'latin1')
    })
  }

  /** The COPY data for the rows at the given positions (null: all of them, without copying). */
  body(keep: number[] | null): Buffer {
    if (!keep) return this.bytes.subarray(0, this.length)
    return Buffer.concat(keep.map((i) => this.bytes.subarray(this.starts[i]!, i + 1 < this.size ? this.starts[i + 1]! : this.length)))
  }
}

const HASH_BYTES = 32
/** Rejections kept in the result when the caller takes them all through onRejected. */
const KEPT_REJECTIONS = 100
/** "1000000001\t10000000017\t": the participant id and KPJ, both fixed width. */
const ID_HOLE = 23
const TAB = 0x09

function grow(b: Buffer, used: number, atLeast: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(atLeast, b.length * 2))
  b.copy(bigger, 0, 0, used)
  return bigger
}

/**
 * The reference data registration checks against. `deps` (createRegistryDeps', already loaded at
 * start-up) supplies the region codes and code lists, so only the place index and the rates are
 * queried; without it everything is read from the database.
 */
export async function loadRegistrationRefs(sql: Sql, today: IsoDate, deps?: Pick<RegistryDeps, 'regions' | 'codes'>): Promise<RegistrationRefs> {
  const [regions, places, codes, rates] = await Promise.all([
    deps?.regions ?? regionCodes(sql),
    placeIndex(sql),
    deps?.codes ?? loadCodeLists(sql),
    loadRateTable(sql),
  ])
  return { regions, place: (code) => places.get(code), codes, rates, today }
}

/** Registers many participants; bad rows are reported (with the API's codes), never half-written. */
export async function registerBulk(
  sql: Sql,
  /** Rows as read (e.g. JSON lines): anything; each is proven a registration by checkRegistration, or refused. */
  input: Iterable<unknown> | AsyncIterable<unknown>,
  opts: BulkOptions,
): Promise<BulkResult> {
  const batchSize = opts.batchSize ?? 2_000
  // A fraction, zero or NaN would never fill a batch the way the caller meant (NaN: never flush
  // until the end, holding the whole load in memory).
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`)
  const refs = opts.refs ?? (await loadRegistrationRefs(sql, opts.today, opts.deps))
  const result: BulkResult = { inserted: 0, duplicates: 0, rejected: [], rejectedRows: 0, firstKpj: null, lastKpj: null }
  const parallel = Math.max(1, opts.parallel ?? 3)
  const inFlight = new Set<Promise<void>>()
  let lastClaim: Promise<void> = Promise.resolve()
  let failure: unknown
  // When: the same for every row of a load (the demo seed stamps its own times).
  const now = new Date().toISOString()
  const spare: Batch[] = []
  const nextBatch = () => spare.pop()?.reset() ?? new Batch(batchSize)
  let batch = nextBatch()

  const flush = async () => {
    if (!batch.size) return
    const current = batch
    batch = nextBatch()
    current.assignIds(await nextParticipantIds(sql, current.size))
    // Batches are independent (ids come from the sequence, NIKs are claimed inside each batch's
    // transaction), so up to `parallel` of them are written at once.
    while (inFlight.size >= parallel) await Promise.race(inFlight)
    if (failure) throw failure
    // NIK claims run in input order: a batch claims only after the previous batch's claim has run,
    // so a twin later in the file waits on the earlier one's key and loses, whatever the timing.
    const previousClaim = lastClaim
    let claimed!: () => void
    lastClaim = new Promise<void>((resolve) => (claimed = resolve))
    const writing: Promise<void> = write(sql, current, opts, result, previousClaim, claimed).then(
      () => {
        inFlight.delete(writing)
        spare.push(current)
        opts.onBatch?.({ inserted: result.inserted, duplicates: result.duplicates, rejected: result.rejectedRows })
      },
      (e) => {
        inFlight.delete(writing)
        failure ??= e
      },
    )
    inFlight.add(writing)
  }

  // However the load ends (a bad input stream, a failed batch), it returns only once no batch is
  // still writing: the caller then knows what is committed, and may close the pool.
  try {
    let row = 0
    for await (const raw of input as AsyncIterable<unknown>) {
      row++
      let checked: CheckedRegistration
      try {
        // Twins within the load are caught like NIKs registered before it: by the NIK claim, so the
        // load holds no set of every NIK it has seen (a million of them would cost ~100 MB).
        checked = checkBulkRow(raw, refs)
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        result.rejectedRows++
        for (const f of e.fields.length ? e.fields : [{ path: '(row)', code: e.code, reason: e.message }]) {
          const rejection = { row, code: f.code, field: f.path, reason: f.reason ?? '' }
          if (!opts.onRejected || result.rejected.length < KEPT_REJECTIONS) result.rejected.push(rejection)
          opts.onRejected?.(rejection)
        }
        continue
      }
      const nik = checked.nik.nik
      const hash = opts.vault.blindIndex(nik)
      const registeredAt = opts.registeredAt ? opts.registeredAt(checked.input, row).toISOString() : now
      batch.add(row, hash, participantLineTail({ cipher: opts.vault.encrypt(nik), hash, c: checked, registeredAt, actor: opts.actor }))
      if (batch.size >= batchSize) await flush()
    }
    await flush()
  } finally {
    await Promise.all(inFlight)
  }
  if (failure) throw failure
  return result
}

/**
 * checkRegistration, and one rule of the bulk path's own: it writes participants only, so a row
 * that names heirs is refused rather than registered without them. Reported with the row's other
 * failures, so one pass over the rejections shows everything to fix.
 */
function checkBulkRow(raw: unknown, refs: RegistrationRefs): CheckedRegistration {
  const heirs = (raw as { heirs?: unknown } | null)?.heirs
  if (!Array.isArray(heirs) || heirs.length === 0) return checkRegistration(raw, refs)
  const fields: FieldError[] = []
  try {
    checkRegistration(raw, refs)
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    fields.push(...(e.fields.length ? e.fields : [{ path: '(row)', code: e.code, reason: e.message }]))
  }
  fields.push({ path: 'heirs', code: R.BULK_HEIRS_NOT_TAKEN, reason: 'register heirs with POST /api/v1/participants/{kpj}/heirs after the import' })
  throw fields.length === 1 ? new AppError(fields[0]!.code, { fields }) : new AppError(PlatformErrors.VALIDATION_FAILED, { fields })
}

/**
 * Writes one batch in one transaction. NIKs are claimed first with INSERT … ON CONFLICT DO NOTHING,
 * so a NIK registered earlier (or concurrently) is counted as a duplicate, and the participant
 * COPY only carries rows that cannot conflict. (A COPY the server refuses part-way is not safe to
 * rely on: postgres.js 3.4 loses that error once the stream has ended.)
 */
async function write(sql: Sql, batch: Batch, opts: BulkOptions, result: BulkResult, previousClaim: Promise<void>, claimDone: () => void): Promise<void> {
  // claimDone also runs if the transaction fails before claiming, so later batches never wait forever.
  const written = await withActor(sql, opts.actor, async (tx) => {
    await previousClaim
    let lost: Set<number>
    try {
      lost = new Set(await claimNikBlock(tx, batch.hashes.subarray(0, batch.size * 32), batch.ids))
    } finally {
      claimDone()
    }
    // Positions written; null for all of them (the usual case: no duplicates).
    const keep = lost.size ? batch.ids.flatMap((_id, i) => (lost.has(i) ? [] : [i])) : null
    const count = keep ? keep.length : batch.size
    if (count === 0) return keep
    await copyBytes(tx, `participant (${PARTICIPANT_COPY_COLUMNS.join(', ')})`, batch.body(keep))
    // The first row of each member's dated attributes, set-based from the rows just copied (issue 13 §3).
    const written = keep ? keep.map((k) => batch.ids[k]!) : batch.ids
    await recordRegisteredAttributes(tx, written)
    // One participant.registered event per member, as a single registration publishes it, built
    // by PostgreSQL from the rows just copied in one INSERT … SELECT (src/outbox publishEventsFrom).
    await publishRegisteredIds(tx, written)
    // Each batch is audited in its own transaction, so every committed batch has its record even
    // when a later batch fails. Recording takes no lock (migration 0014: the chain is built
    // afterwards by the audit.chain job), so batches wait only on each other's NIK claims.
    await recordAudit(tx, opts.actor, {
      action: 'participant.bulk_register',
      entityType: 'participant_batch',
      entityId: `${kpjFromId(batch.ids[keep ? keep[0]! : 0]!)}..${kpjFromId(batch.ids[keep ? keep[count - 1]! : count - 1]!)}`,
      after: { inserted: count, duplicates: batch.size - count },
    })
    return keep
  }).finally(claimDone)
  const count = written ? written.length : batch.size
  const at = (k: number) => (written ? written[k]! : k)
  result.duplicates += batch.size - count
  if (!count) return
  result.inserted += count
  // Batches finish in any order: keep the lowest and highest KPJ written.
  const first = kpjFromId(batch.ids[at(0)]!)
  const last = kpjFromId(batch.ids[at(count - 1)]!)
  if (result.firstKpj === null || first < result.firstKpj) result.firstKpj = first
  if (result.lastKpj === null || last > result.lastKpj) result.lastKpj = last
  if (opts.onRow) for (let k = 0; k < count; k++) opts.onRow(batch.rows[at(k)]!, batch.ids[at(k)]!)
}

const nul = (v: number | null) => copyNullable(v)

/** What one row's COPY line is made of. */
interface LineFacts {
  cipher: Buffer
  hash: Buffer
  c: CheckedRegistration
  registeredAt: string
  actor: Actor
}

/**
 * Each column's COPY text, keyed by column name: the order of the line is PARTICIPANT_COPY_COLUMNS'
 * alone (not lined up a second time here), and a column without its entry fails to compile.
 * Codes, dates and the masked NIK are checked values of a fixed alphabet; free text is escaped.
 */
const COPY_FIELD: { [K in Exclude<ParticipantCopyColumn, 'id' | 'kpj'>]: (f: LineFacts) => string } = {
  nik_cipher: (f) => copyBytea(f.cipher),
  nik_hash: (f) => copyBytea(f.hash),
  nik_masked: (f) => f.c.nikMasked,
  nik_district_code: (f) => f.c.nik.districtCode,
  nik_district_known: (f) => (f.c.nik.districtKnown ? 't' : 'f'),
  full_name: (f) => text(f.c.input.fullName),
  birth_place: (f) => text(f.c.input.birthPlace),
  birth_date: (f) => f.c.input.birthDate,
  gender: (f) => f.c.input.gender,
  mother_maiden_name: (f) => text(f.c.input.motherMaidenName),
  phone: (f) => text(f.c.input.phone),
  address: (f) => text(f.c.input.address),
  village_code: (f) => f.c.place.villageCode,
  district_code: (f) => f.c.place.districtCode,
  regency_code: (f) => f.c.place.regencyCode,
  province_code: (f) => f.c.place.provinceCode,
  branch_code: (f) => f.c.place.branchCode,
  occupation: (f) => text(f.c.input.occupation),
  monthly_income: (f) => String(f.c.input.monthlyIncome),
  programs: (f) => copyTextArray(f.c.programs),
  ecosystem: (f) => text(f.c.input.ecosystem),
  channel: (f) => text(f.c.input.channel),
  funding: (f) => f.c.funding,
  registered_at: (f) => f.registeredAt,
  registered_by: (f) => nul(f.actor.userId),
  agent_id: (f) => nul(f.actor.agentId),
  partner_id: (f) => nul(f.actor.partnerId),
  sponsor_id: (f) => nul(f.actor.sponsorId),
}
// The id and KPJ lead the list (Batch's fixed-width hole); the type says so, and the rest follow in order.
const [, , ...TAIL_COLUMNS]: readonly ['id', 'kpj', ...Exclude<ParticipantCopyColumn, 'id' | 'kpj'>[]] = PARTICIPANT_COPY_COLUMNS
const TAIL = TAIL_COLUMNS.map((column) => COPY_FIELD[column])

/** One participant's COPY line from the third column on (the id and KPJ go into the hole Batch leaves for them). */
function participantLineTail(f: LineFacts): string {
  let line = TAIL[0]!(f)
  for (let k = 1; k < TAIL.length; k++) line += '\t' + TAIL[k]!(f)
  return line + '\n'
}

