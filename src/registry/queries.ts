// All of the registry's SQL. Each function takes the connection or transaction first; every value
// is a parameter. Run them inside withActor() so row-level security scopes what they see.
import type { Db } from '../platform/db.ts'
import type { HeirRow as HeirTable, ParticipantAttributeRow, ParticipantChangeRow, ParticipantRow as ParticipantTable } from '../platform/db-types.ts'

/** A participant row as `SELECT *` reads it: generated from the migrations (src/platform/db-types.ts). */
export type ParticipantRow = ParticipantTable

/** What registration writes: every column but those PostgreSQL fills (the segment, the folded name, the version). */
export type NewParticipantRow = Omit<ParticipantRow, 'segment' | 'name_folded' | 'version'>

/**
 * The columns of a new participant in COPY order (bulk registration) and in the single INSERT: the
 * one list both paths take the order from. The id and KPJ come first (bulk.ts leaves a fixed-width
 * hole for them). It names every column of NewParticipantRow, and only those; a column added by a
 * migration fails to compile here until it is listed.
 */
export const PARTICIPANT_COPY_COLUMNS = [
  'id', 'kpj', 'nik_cipher', 'nik_hash', 'nik_masked', 'nik_district_code', 'nik_district_known',
  'full_name', 'birth_place', 'birth_date', 'gender', 'mother_maiden_name', 'phone', 'address',
  'village_code', 'district_code', 'regency_code', 'province_code', 'branch_code', 'occupation',
  'monthly_income', 'programs', 'ecosystem', 'channel', 'funding', 'registered_at', 'registered_by',
  'agent_id', 'partner_id', 'sponsor_id',
] as const satisfies readonly (keyof NewParticipantRow)[]
export type ParticipantCopyColumn = (typeof PARTICIPANT_COPY_COLUMNS)[number]
// Every column listed: the unlisted ones, if any, are named in the compiler's error.
const everyColumnListed: Exclude<keyof NewParticipantRow, ParticipantCopyColumn> extends never ? true : Exclude<keyof NewParticipantRow, ParticipantCopyColumn> = true
void everyColumnListed

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
    INSERT INTO participant ${db({ ...row }, ...PARTICIPANT_COPY_COLUMNS)}
    RETURNING *`
  return created!
}

export const findParticipant = async (db: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<ParticipantRow | undefined> =>
  opts.forUpdate
    ? (await db<ParticipantRow[]>`SELECT * FROM participant WHERE id = ${id} FOR UPDATE`)[0]
    : (await db<ParticipantRow[]>`SELECT * FROM participant WHERE id = ${id}`)[0]

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

/** The columns a search lists: one list, for the SELECT and for the row type. */
const LIST_COLUMNS = [
  'id', 'kpj', 'nik_masked', 'full_name', 'birth_date', 'gender', 'village_code', 'branch_code', 'occupation', 'ecosystem', 'channel', 'registered_at',
] as const satisfies readonly (keyof ParticipantRow)[]
export type ParticipantListRow = Pick<ParticipantRow, (typeof LIST_COLUMNS)[number]>

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
  const cols = db.unsafe(LIST_COLUMNS.join(', '))
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
  // Object.keys is string[] by design (an object may hold more keys than its type names).
  const cols = Object.keys(changes) as (keyof ParticipantRow)[]
  const [row] = await db<ParticipantRow[]>`
    UPDATE participant SET ${db({ ...changes }, ...cols)}, version = version + 1
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

/**
 * Appends the member's branch, village, ecosystem, channel and programs as the card now holds them
 * to their dated history (participant_attribute, migrations/0016), in effect from `at`: after a
 * change of any of them, under the participant's row lock (the next number is read from the rows).
 */
export async function recordAttributes(db: Db, participantId: number, at: Date): Promise<void> {
  await db`
    INSERT INTO participant_attribute (participant_id, seq, valid_from, recorded_at, branch_code, village_code, ecosystem, channel, programs)
    SELECT p.id, coalesce((SELECT max(a.seq) FROM participant_attribute a WHERE a.participant_id = p.id), 0) + 1, ${at}, ${at},
           p.branch_code, p.village_code, p.ecosystem, p.channel, p.programs
    FROM participant p WHERE p.id = ${participantId}`
}

/**
 * The first history row of participants just registered (single or bulk), set-based: in effect
 * from their registration, recorded now (a history import registers people in the past).
 */
export async function recordRegisteredAttributes(db: Db, participantIds: number[]): Promise<void> {
  await db`
    INSERT INTO participant_attribute (participant_id, seq, valid_from, recorded_at, branch_code, village_code, ecosystem, channel, programs)
    SELECT p.id, 1, p.registered_at, now(), p.branch_code, p.village_code, p.ecosystem, p.channel, p.programs
    FROM participant p WHERE p.id = ANY (${participantIds}::int8[])`
}

/** A row of a member's dated attributes (participant_attribute), as generated from the migrations. */
export type AttributeRow = ParticipantAttributeRow

/**
 * Each participant's attributes in effect at an instant (the latest history row from before it),
 * one row per key (none when the participant was not registered yet): a range query, not an undo
 * of changes.
 */
export const attributesAt = (db: Db, keys: { participantId: number; at: Date }[]): Promise<(AttributeRow & { i: number })[]> =>
  db<(AttributeRow & { i: number })[]>`
    SELECT k.i::int4 AS i, a.*
    FROM unnest(${keys.map((k) => k.participantId)}::int8[], ${keys.map((k) => k.at.toISOString())}::timestamptz[]) WITH ORDINALITY AS k(participant_id, at, i)
    CROSS JOIN LATERAL (
      SELECT * FROM participant_attribute a WHERE a.participant_id = k.participant_id AND a.valid_from <= k.at
      ORDER BY a.seq DESC LIMIT 1) a
    ORDER BY k.i`

/** Members whose attributes at an instant place them in a branch: ids, in id order. */
export const membersOfBranchAt = async (db: Db, branchCode: string, at: Date): Promise<number[]> =>
  (await db<{ participant_id: number }[]>`
    SELECT a.participant_id FROM participant_attribute a
    WHERE a.branch_code = ${branchCode} AND a.valid_from <= ${at}
      AND NOT EXISTS (SELECT 1 FROM participant_attribute b
                      WHERE b.participant_id = a.participant_id AND b.seq > a.seq AND b.valid_from <= ${at})
    ORDER BY a.participant_id`).map((r) => r.participant_id)

/** A change as read back; before and after are the JSON objects insertChange wrote. */
export type ChangeRow = Omit<ParticipantChangeRow, 'participant_id' | 'before' | 'after'> & {
  before: Record<string, unknown> | null
  after: Record<string, unknown>
}

export const listChanges = (db: Db, participantId: number): Promise<ChangeRow[]> =>
  db<ChangeRow[]>`
    SELECT id, changed_at, changed_by, kind, before, after FROM participant_change
    WHERE participant_id = ${participantId} ORDER BY changed_at, id`

/** An heir as read back: every column but the participant's id. */
export type HeirRow = Omit<HeirTable, 'participant_id'>

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

/** The coded lists a registration form offers, with their names, in a stable order. */
export async function listRegistrationCodes(db: Db): Promise<{
  occupations: { code: string; nameId: string; nameEn: string; group: string }[]
  ecosystems: { code: string; nameId: string; nameEn: string }[]
  channels: { code: string; nameId: string; nameEn: string }[]
}> {
  const [occupations, ecosystems, channels] = await Promise.all([
    db<{ code: string; nameId: string; nameEn: string; group: string }[]>`
      SELECT code, name_id AS "nameId", name_en AS "nameEn", grp AS "group" FROM occupation ORDER BY name_id`,
    db<{ code: string; nameId: string; nameEn: string }[]>`SELECT code, name_id AS "nameId", name_en AS "nameEn" FROM ecosystem ORDER BY code`,
    db<{ code: string; nameId: string; nameEn: string }[]>`SELECT code, name_id AS "nameId", name_en AS "nameEn" FROM channel ORDER BY code`,
  ])
  return { occupations: [...occupations], ecosystems: [...ecosystems], channels: [...channels] }
}

export const countParticipants = async (db: Db): Promise<number> =>
  (await db<{ n: number }[]>`SELECT count(*)::int8 AS n FROM participant`)[0]!.n

// Duplicate probes (registration_probe, migrations/0011) ------------------------------------------

/** The instants of a caller's latest duplicate probes after `since`, newest first, at most `limit`. */
export const recentProbes = async (db: Db, actor: string, since: Date, limit: number): Promise<Date[]> =>
  (await db<{ at: Date }[]>`
    SELECT at FROM registration_probe WHERE actor = ${actor} AND at > ${since} ORDER BY at DESC LIMIT ${limit}`).map((r) => r.at)

export const recordProbe = (db: Db, actor: string, at: Date) => db`INSERT INTO registration_probe (actor, at) VALUES (${actor}, ${at})`

/** Deletes the probes made before `before` (owner's pool: probes.ts); returns how many. */
export const deleteProbesBefore = async (db: Db, before: Date): Promise<number> =>
  (await db`DELETE FROM registration_probe WHERE at < ${before}`).count

// Members for billing (members.ts) ---------------------------------------------------------------

/** The columns billing needs of a member, and the occupation's discount group (absent code: general). */
export type BillingMemberRow = Pick<ParticipantRow, 'id' | 'kpj' | 'branch_code' | 'segment' | 'monthly_income' | 'programs' | 'funding'> & {
  occupation_group: string
}

/** One member by id (a point read by primary key), locked FOR UPDATE when asked. */
export const findBillingMember = async (db: Db, id: number, opts: { lock?: boolean } = {}): Promise<BillingMemberRow | undefined> =>
  opts.lock
    ? (await db<BillingMemberRow[]>`
        SELECT p.id, p.kpj, p.branch_code, p.segment, p.monthly_income, p.programs, p.funding,
               coalesce((SELECT o.grp FROM occupation o WHERE o.code = p.occupation), 'general') AS occupation_group
        FROM participant p WHERE p.id = ${id} FOR UPDATE OF p`)[0]
    : (await db<BillingMemberRow[]>`
        SELECT p.id, p.kpj, p.branch_code, p.segment, p.monthly_income, p.programs, p.funding,
               coalesce((SELECT o.grp FROM occupation o WHERE o.code = p.occupation), 'general') AS occupation_group
        FROM participant p WHERE p.id = ${id}`)[0]

/** Many members by id; locked FOR UPDATE in id order when asked (two batches never deadlock). */
export const findBillingMembers = async (db: Db, ids: number[], opts: { lock?: boolean } = {}): Promise<BillingMemberRow[]> =>
  ids.length === 0
    ? []
    : opts.lock
      ? db<BillingMemberRow[]>`
          SELECT p.id, p.kpj, p.branch_code, p.segment, p.monthly_income, p.programs, p.funding,
                 coalesce((SELECT o.grp FROM occupation o WHERE o.code = p.occupation), 'general') AS occupation_group
          FROM participant p WHERE p.id = ANY(${ids}::int8[]) ORDER BY p.id FOR UPDATE OF p`
      : db<BillingMemberRow[]>`
          SELECT p.id, p.kpj, p.branch_code, p.segment, p.monthly_income, p.programs, p.funding,
                 coalesce((SELECT o.grp FROM occupation o WHERE o.code = p.occupation), 'general') AS occupation_group
          FROM participant p WHERE p.id = ANY(${ids}::int8[])`

// Members for the membership card (members.ts) ------------------------------------------------------

/** The columns a card shows of a member, and the branch its audit events belong to. */
export type CardMemberRow = Pick<ParticipantRow, 'id' | 'kpj' | 'branch_code' | 'full_name' | 'programs'>

/** One member by id, locked FOR UPDATE when asked (one card change at a time per member). */
export const findCardMember = async (db: Db, id: number, opts: { lock?: boolean } = {}): Promise<CardMemberRow | undefined> =>
  opts.lock
    ? (await db<CardMemberRow[]>`SELECT id, kpj, branch_code, full_name, programs FROM participant WHERE id = ${id} FOR UPDATE`)[0]
    : (await db<CardMemberRow[]>`SELECT id, kpj, branch_code, full_name, programs FROM participant WHERE id = ${id}`)[0]

/** What the participant.registered events of participants just written say (src/registry/events.ts). */
/**
 * participant.registered payloads of members just written, built by PostgreSQL (docs/events.md:
 * the one definition, for single and bulk registration), for the outbox to publish set-based:
 * (event_id, shard_key, aggregate_id, payload), the event ids paired with `participantIds` in
 * order. Not run until the outbox embeds it.
 */
export const registeredEventSource = (db: Db, participantIds: readonly number[]) => (eventIds: string[]) => db`
  SELECT i.event_id, p.id AS shard_key, p.kpj AS aggregate_id,
         jsonb_build_object(
           'kpj', p.kpj, 'branchCode', p.branch_code, 'villageCode', p.village_code,
           'programs', to_jsonb(p.programs), 'ecosystem', p.ecosystem, 'channel', p.channel,
           'funding', p.funding,
           'registeredAt', to_char(p.registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS payload
    FROM unnest(${participantIds as number[]}::int8[], ${eventIds}::uuid[]) AS i(id, event_id)
    JOIN participant p ON p.id = i.id`
