// All of the registry's SQL. Each function takes the connection or transaction first; every value
// is a parameter. Run them inside withActor() so row-level security scopes what they see.
import type { Db } from '../platform/db.ts'

export interface NewParticipantRow {
  id: number
  kpj: string
  nik_cipher: Buffer
  nik_hash: Buffer
  nik_masked: string
  nik_district_code: string
  nik_district_known: boolean
  full_name: string
  birth_place: string
  birth_date: string
  gender: 'M' | 'F'
  mother_maiden_name: string
  phone: string
  address: string
  village_code: string
  district_code: string
  regency_code: string
  province_code: string
  branch_code: string
  occupation: string
  monthly_income: number
  programs: string[]
  ecosystem: string
  channel: string
  funding: 'self' | 'sponsor' | 'apbn' | 'apbd'
  registered_at: Date
  registered_by: number | null
  agent_id: number | null
  partner_id: number | null
  sponsor_id: number | null
}

/** A participant row as read back: what was written, less the blind index, plus segment and version. */
export interface ParticipantRow extends Omit<NewParticipantRow, 'nik_hash'> {
  segment: string
  version: number
}

/** Column order of participant for COPY (bulk registration) — the same as NewParticipantRow. */
export const PARTICIPANT_COPY_COLUMNS = [
  'id', 'kpj', 'nik_cipher', 'nik_hash', 'nik_masked', 'nik_district_code', 'nik_district_known',
  'full_name', 'birth_place', 'birth_date', 'gender', 'mother_maiden_name', 'phone', 'address',
  'village_code', 'district_code', 'regency_code', 'province_code', 'branch_code', 'occupation',
  'monthly_income', 'programs', 'ecosystem', 'channel', 'funding', 'registered_at', 'registered_by',
  'agent_id', 'partner_id', 'sponsor_id',
] as const satisfies readonly (keyof NewParticipantRow)[]

/** Draws n participant ids from the sequence, as one array (one row, not n, for the bulk path). */
export async function nextParticipantIds(db: Db, n: number): Promise<number[]> {
  const [row] = await db<{ ids: number[] | null }[]>`SELECT array_agg(nextval('participant_id_seq')) AS ids FROM generate_series(1, ${n})`
  return row?.ids ?? []
}

/** Claims a NIK for a participant; returns the participant already holding it, if any. */
export async function claimNik(db: Db, nikHash: Buffer, participantId: number): Promise<number | undefined> {
  const [won] = await db<{ participant_id: number }[]>`
    INSERT INTO nik_index (nik_hash, participant_id) VALUES (${nikHash}, ${participantId})
    ON CONFLICT (nik_hash) DO NOTHING
    RETURNING participant_id`
  if (won) return undefined
  const [holder] = await db<{ participant_id: number }[]>`SELECT participant_id FROM nik_index WHERE nik_hash = ${nikHash}`
  return holder?.participant_id
}

/**
 * Claims a block of NIKs at once: `hashes` holds 32-byte blind indexes back to back, one for each of
 * `participantIds`. Returns the 0-based positions whose NIK was already held (by an earlier
 * participant, or by an earlier row of the same block); usually none, so usually no rows come back.
 */
export async function claimNikBlock(db: Db, hashes: Buffer, participantIds: number[]): Promise<number[]> {
  if (!participantIds.length) return []
  if (hashes.length !== participantIds.length * 32) throw new Error(`claimNikBlock: ${hashes.length} bytes of hashes for ${participantIds.length} participants`)
  const rows = await db<{ i: number }[]>`
    WITH claim AS (
      SELECT substring(${hashes}::bytea FROM (c.i::int - 1) * 32 + 1 FOR 32) AS nik_hash, c.id, c.i
      FROM unnest(${participantIds}::int8[]) WITH ORDINALITY AS c(id, i)
    ), won AS (
      INSERT INTO nik_index (nik_hash, participant_id)
      SELECT nik_hash, id FROM claim ORDER BY i
      ON CONFLICT (nik_hash) DO NOTHING
      RETURNING participant_id
    )
    SELECT (claim.i - 1)::int AS i FROM claim WHERE claim.id NOT IN (SELECT participant_id FROM won) ORDER BY 1`
  return rows.map((r) => r.i)
}

export async function insertParticipant(db: Db, row: NewParticipantRow): Promise<ParticipantRow> {
  const [created] = await db<ParticipantRow[]>`
    INSERT INTO participant ${db(row as unknown as Record<string, unknown>, ...PARTICIPANT_COPY_COLUMNS)}
    RETURNING *`
  return created!
}

export const findParticipant = async (db: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<ParticipantRow | undefined> =>
  opts.forUpdate
    ? (await db<ParticipantRow[]>`SELECT * FROM participant WHERE id = ${id} FOR UPDATE`)[0]
    : (await db<ParticipantRow[]>`SELECT * FROM participant WHERE id = ${id}`)[0]

export const findParticipants = async (db: Db, ids: number[], opts: { forUpdate?: boolean } = {}): Promise<ParticipantRow[]> =>
  ids.length === 0
    ? []
    : opts.forUpdate
      ? db<ParticipantRow[]>`SELECT * FROM participant WHERE id = ANY(${ids}::int8[]) ORDER BY id FOR UPDATE`
      : db<ParticipantRow[]>`SELECT * FROM participant WHERE id = ANY(${ids}::int8[])`

export interface SearchFilter {
  /** Exactly this participant (the id a KPJ carries). */
  id?: number
  /** The participant holding this NIK (its blind index), looked up in the same statement. */
  nikHash?: Buffer
  /** Names starting with this text, compared folded (jamsos_fold, in the query: no extra round trip). */
  namePrefix?: string
  villageCode?: string
  branchCode?: string
  /** Keyset cursor: the last participant of the previous page. */
  afterId?: number
  limit: number
}

/**
 * Whose rows a search reads, as far as its plan is concerned. Row-level security decides what the
 * caller sees either way; this only picks the statement, so that the plan PostgreSQL keeps for it
 * fits the caller. A pooled connection keeps one plan per statement text, built with the scope of
 * whoever ran it first (the policies read the scope from settings, which are not parameters), so
 * an admin's plan (walk the name index) must never serve a branch officer or the reverse (issue 12
 * §4: 14 ms became 5.5 s).
 */
export interface SearchScope {
  /** The caller's role (or kind), written into the statement: each role's statements are planned apart. */
  tag: string
  /** A branch officer's branches: the search runs branch by branch on the (branch_code, …) indexes. */
  branches?: string[]
}

export interface ParticipantListRow {
  id: number
  kpj: string
  nik_masked: string
  full_name: string
  birth_date: string
  gender: 'M' | 'F'
  village_code: string
  branch_code: string
  occupation: string
  ecosystem: string
  channel: string
  registered_at: Date
}

const LIST_COLUMNS = 'id, kpj, nik_masked, full_name, birth_date, gender, village_code, branch_code, occupation, ecosystem, channel, registered_at'

/**
 * Keyset-paginated search; filters combine with AND. A name search pages in name order (folded,
 * then id), anything else in id order, each straight off an index whatever the registry's size:
 *
 * - a KPJ or NIK is a primary-key probe (the NIK through nik_index, in the same statement, so an
 *   unknown NIK and one registered outside the caller's scope cost the same single query);
 * - a name prefix is the range [fold(prefix), jamsos_prefix_end(fold(prefix))) of
 *   participant_name_c_idx, compared in the "C" collation: unlike `LIKE fold($1) || '%'`, a range
 *   whose bounds are computed at run time is an index condition in a generic plan too, and its
 *   comparisons are leakproof, so row-level security lets them into the index scan;
 * - village and branch read (village_code, id) and (branch_code, id);
 * - a branch officer's search runs per branch on (branch_code, name, id) or (branch_code, id) and
 *   merges at most `limit` rows of each, instead of filtering the whole name range by branch.
 */
export async function searchParticipants(db: Db, f: SearchFilter, scope: SearchScope): Promise<ParticipantListRow[]> {
  if (!/^[a-z_]+$/.test(scope.tag)) throw new Error(`searchParticipants: scope tag "${scope.tag}"`)
  const tag = db.unsafe(`/* scope: ${scope.tag} */`)
  const byName = f.namePrefix !== undefined
  const order = () => (byName ? db`name_folded COLLATE "C", id` : db`id`)
  const where = (branchFilter: boolean) => db`
    ${f.id !== undefined ? db`AND id = ${f.id}` : db``}
    ${f.nikHash ? db`AND id = (SELECT n.participant_id FROM nik_index n WHERE n.nik_hash = ${f.nikHash})` : db``}
    ${byName ? db`AND name_folded COLLATE "C" >= jamsos_fold(${f.namePrefix!}) AND name_folded COLLATE "C" < jamsos_prefix_end(jamsos_fold(${f.namePrefix!}))` : db``}
    ${f.villageCode ? db`AND village_code = ${f.villageCode}` : db``}
    ${branchFilter && f.branchCode ? db`AND branch_code = ${f.branchCode}` : db``}
    ${f.afterId === undefined ? db``
      : byName ? db`AND (name_folded COLLATE "C", id) > (SELECT c.name_folded, c.id FROM participant c WHERE c.id = ${f.afterId})`
      : db`AND id > ${f.afterId}`}`
  const cols = db.unsafe(LIST_COLUMNS)
  if (scope.branches && f.id === undefined && !f.nikHash) {
    // A branch filter picks the branches to walk (row-level security would hide the others' rows).
    const branches = f.branchCode === undefined ? scope.branches : scope.branches.filter((b) => b === f.branchCode)
    if (!branches.length) return []
    // The policy's branch arm and the LATERAL's branch_code = s.code are one condition counted
    // twice, so PostgreSQL expects a few dozen of a branch's rows where there are tens of
    // thousands, and picks a BitmapOr over the policy's arms that reads the whole branch (KC
    // Blitar at 1 M: 40,000 rows, 0.7 s). Without bitmap scans, for this transaction only, it
    // walks (branch_code, id) or (branch_code, name_folded, id) and stops at the page's end.
    // Sent with the search, not awaited on its own (it runs first); the plan is made after it.
    const noBitmaps = db`SELECT set_config('enable_bitmapscan', 'off', true)`.execute()
    noBitmaps.catch(() => {})
    const rows = await db<ParticipantListRow[]>`
      SELECT ${tag} ${cols}
      FROM unnest(${branches}::text[]) AS s(code)
      CROSS JOIN LATERAL (
        SELECT ${cols}, name_folded FROM participant
        WHERE branch_code = s.code ${where(false)}
        ORDER BY ${order()}
        LIMIT ${f.limit}) p
      ORDER BY ${order()}
      LIMIT ${f.limit}`
    await noBitmaps
    return rows
  }
  return db<ParticipantListRow[]>`
    SELECT ${tag} ${cols}
    FROM participant
    WHERE true ${where(true)}
    ORDER BY ${order()}
    LIMIT ${f.limit}`
}

export async function updateParticipant(db: Db, id: number, changes: Partial<ParticipantRow>): Promise<ParticipantRow> {
  const cols = Object.keys(changes) as (keyof ParticipantRow)[]
  const [row] = await db<ParticipantRow[]>`
    UPDATE participant SET ${db(changes as Record<string, unknown>, ...cols)}, version = version + 1
    WHERE id = ${id}
    RETURNING *`
  return row!
}

export async function insertChange(
  db: Db,
  c: { participantId: number; changedBy: number | null; kind: string; before: unknown; after: unknown; at?: Date },
): Promise<void> {
  await db`
    INSERT INTO participant_change (participant_id, changed_by, kind, before, after, changed_at)
    VALUES (${c.participantId}, ${c.changedBy}, ${c.kind}, ${c.before === null ? null : db.json(c.before as never)},
            ${db.json(c.after as never)}, ${c.at ?? new Date()})`
}

export interface ChangeRow {
  id: number
  changed_at: Date
  changed_by: number | null
  kind: string
  before: Record<string, unknown> | null
  after: Record<string, unknown>
}

export const listChanges = (db: Db, participantId: number): Promise<ChangeRow[]> =>
  db<ChangeRow[]>`
    SELECT id, changed_at, changed_by, kind, before, after FROM participant_change
    WHERE participant_id = ${participantId} ORDER BY changed_at, id`

export interface HeirRow {
  id: number
  full_name: string
  relationship: string
  birth_date: string | null
  phone: string | null
  created_at: Date
  removed_at: Date | null
}

export const listHeirs = (db: Db, participantId: number): Promise<HeirRow[]> =>
  db<HeirRow[]>`
    SELECT id, full_name, relationship, birth_date, phone, created_at, removed_at FROM heir
    WHERE participant_id = ${participantId} AND removed_at IS NULL ORDER BY id`

export async function insertHeir(
  db: Db,
  participantId: number,
  h: { fullName: string; relationship: string; birthDate: string | null; phone: string | null },
): Promise<HeirRow> {
  const [row] = await db<HeirRow[]>`
    INSERT INTO heir (participant_id, full_name, relationship, birth_date, phone)
    VALUES (${participantId}, ${h.fullName}, ${h.relationship}, ${h.birthDate}, ${h.phone})
    RETURNING id, full_name, relationship, birth_date, phone, created_at, removed_at`
  return row!
}

export const removeHeir = async (db: Db, participantId: number, heirId: number, at: Date): Promise<HeirRow | undefined> =>
  (await db<HeirRow[]>`
    UPDATE heir SET removed_at = ${at}
    WHERE participant_id = ${participantId} AND id = ${heirId} AND removed_at IS NULL
    RETURNING id, full_name, relationship, birth_date, phone, created_at, removed_at`)[0]

export interface CodeLists {
  occupations: Map<string, { group: string; nameId: string; nameEn: string }>
  ecosystems: Set<string>
  channels: Set<string>
}

export async function loadCodeLists(db: Db): Promise<CodeLists> {
  const [occ, eco, ch] = await Promise.all([
    db<{ code: string; grp: string; name_id: string; name_en: string }[]>`SELECT code, grp, name_id, name_en FROM occupation`,
    db<{ code: string }[]>`SELECT code FROM ecosystem`,
    db<{ code: string }[]>`SELECT code FROM channel`,
  ])
  return {
    occupations: new Map(occ.map((o) => [o.code, { group: o.grp, nameId: o.name_id, nameEn: o.name_en }])),
    ecosystems: new Set(eco.map((e) => e.code)),
    channels: new Set(ch.map((c) => c.code)),
  }
}

export const countParticipants = async (db: Db): Promise<number> =>
  (await db<{ n: number }[]>`SELECT count(*)::int8 AS n FROM participant`)[0]!.n

// Duplicate probes (registration_probe, migrations/0011) ------------------------------------------

/** The instants of a caller's latest duplicate probes after `since`, newest first, at most `limit`. */
export const recentProbes = async (db: Db, actor: string, since: Date, limit: number): Promise<Date[]> =>
  (await db<{ at: Date }[]>`
    SELECT at FROM registration_probe WHERE actor = ${actor} AND at > ${since} ORDER BY at DESC LIMIT ${limit}`).map((r) => r.at)

export const recordProbe = (db: Db, actor: string, at: Date) => db`INSERT INTO registration_probe (actor, at) VALUES (${actor}, ${at})`
