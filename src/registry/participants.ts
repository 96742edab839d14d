// Registering informal workers and keeping their records, with every change written down as a
// dated fact (participant_change) and in the audit trail.
import type { Db, Tx } from '../platform/db.ts'
import { type Actor, can, planScope, withActor } from '../platform/actor.ts'
import { AppError, PlatformErrors, type FieldError } from '../platform/errors.ts'
import { decodeCursor, pageOf } from '../platform/cursor.ts'
import type { Config } from '../platform/config.ts'
import { jakartaDate, monthOf, type IsoDate } from '../platform/dates.ts'
import { loadRateTable } from '../programs/index.ts'
import { regionCodes, villagePlace, type Place } from '../regions/index.ts'
import { recordAudit } from '../audit/index.ts'
import { publishEvents } from '../outbox/index.ts'
import { participantChanged, publishRegisteredIds } from './events.ts'
import { kpjFromId, idFromKpj } from './kpj.ts'
import { NikVault, loadNikKeys } from './vault.ts'
import { RegistryErrors as R } from './errors.ts'
import {
  checkHeirText,
  checkIncome,
  checkOccupation,
  checkPhone,
  checkPrograms,
  checkRegistration,
  checkText,
  checkTidiedText,
  normalisePhone,
  TEXT_LIMITS,
  tidy,
  type HeirInput,
  type RegistrationInput,
  unknownVillage,
} from './registration.ts'
import * as q from './queries.ts'
import type { ChangeView, HeirView, ParticipantView, SearchItem } from './views.ts'

/** What the registry needs at run time besides the database: the NIK vault and code lists. */
export interface RegistryDeps {
  vault: NikVault
  regions: { provinces: Set<string>; regencies: Set<string>; districts: Set<string> }
  codes: q.CodeLists
  /** Duplicate probes a caller may make within windowMinutes (Config.duplicateProbeLimit). */
  probes?: { limit: number; windowMinutes: number }
}

export async function createRegistryDeps(db: Db, config: Config): Promise<RegistryDeps> {
  const [regions, codes] = await Promise.all([regionCodes(db), q.loadCodeLists(db)])
  return {
    vault: new NikVault(loadNikKeys(config)),
    regions,
    codes,
    probes: { limit: config.duplicateProbeLimit, windowMinutes: config.duplicateProbeWindowMinutes },
  }
}

/** A participant as the API shows it (the NIK masked unless explicitly revealed), and its heirs: views.ts. */
export type { HeirView, ParticipantView } from './views.ts'

const heirView = (h: q.HeirRow): HeirView => ({
  id: h.id,
  fullName: h.full_name,
  relationship: h.relationship,
  birthDate: h.birth_date,
  phone: h.phone,
})

function view(row: q.ParticipantRow, heirs: q.HeirRow[], place: Place | undefined, nik?: string): ParticipantView {
  return {
    kpj: row.kpj,
    nik: nik ?? row.nik_masked,
    nikRevealed: nik !== undefined,
    nikDistrictKnown: row.nik_district_known,
    segment: row.segment,
    fullName: row.full_name,
    birthPlace: row.birth_place,
    birthDate: row.birth_date,
    gender: row.gender,
    phone: row.phone,
    address: row.address,
    villageCode: row.village_code,
    branchCode: row.branch_code,
    place: place
      ? { village: place.villageName, district: place.districtName, regency: place.regencyName, province: place.provinceName, branch: place.branchName }
      : null,
    occupation: row.occupation,
    monthlyIncome: row.monthly_income,
    programs: row.programs,
    ecosystem: row.ecosystem,
    channel: row.channel,
    funding: row.funding,
    registeredAt: row.registered_at.toISOString(),
    version: row.version,
    heirs: heirs.map(heirView),
  }
}

/** The facts of a registration kept in its history and audit record (no NIK in clear). */
function registeredFacts(row: q.ParticipantRow) {
  return {
    kpj: row.kpj,
    nik: row.nik_masked,
    fullName: row.full_name,
    birthDate: row.birth_date,
    gender: row.gender,
    // Contact and address as registered: later changes (participant_change 'contact' and 'address')
    // are undone from today's card to show them (issue 12, item 6).
    phone: row.phone,
    address: row.address,
    villageCode: row.village_code,
    branchCode: row.branch_code,
    occupation: row.occupation,
    monthlyIncome: row.monthly_income,
    programs: row.programs,
    ecosystem: row.ecosystem,
    channel: row.channel,
    funding: row.funding,
  }
}

export interface RegisterContext {
  db: Db
  deps: RegistryDeps
  actor: Actor
  now: Date
}

/** Whose duplicate probes count together: a user, or all of a partner's keys; none for Jamsos itself. */
function probeKey(actor: Actor): string | undefined {
  if (actor.kind === 'partner_key' && actor.partnerId !== null) return `partner:${actor.partnerId}`
  if (actor.kind === 'user' && actor.userId !== null) return `user:${actor.userId}`
  return undefined
}

/**
 * Refuses a caller that registered too many NIKs held outside its scope lately (issue 12, item 7):
 * each such attempt tells it that the person is registered somewhere, so it is throttled per
 * caller, before the NIK is even looked at (a throttled caller learns nothing more).
 */
async function refuseProbingCaller(tx: Tx, c: RegisterContext): Promise<void> {
  const key = probeKey(c.actor)
  const limits = c.deps.probes
  if (!key || !limits) return
  const windowMs = limits.windowMinutes * 60_000
  const recent = await q.recentProbes(tx, key, new Date(c.now.getTime() - windowMs), limits.limit)
  if (recent.length < limits.limit) return
  const retryAt = new Date(recent[limits.limit - 1]!.getTime() + windowMs)
  throw new AppError(R.REGISTRATION_THROTTLED, {
    reason: `${limits.limit} registrations of NIKs registered outside your scope within ${limits.windowMinutes} minutes; try again after ${retryAt.toISOString()}`,
    details: { retryAt: retryAt.toISOString(), retryAfterSeconds: Math.max(1, Math.ceil((retryAt.getTime() - c.now.getTime()) / 1000)) },
  })
}

/**
 * Registers one BPU participant and issues their KPJ. A NIK already registered is a 409: with the
 * holder's KPJ when the caller may see the holder, else only "already registered" (issue 12,
 * item 7: a partner, agent or officer of another branch learned the KPJ of a person outside its
 * scope). Such an out-of-scope attempt is audited and counted against the caller
 * (refuseProbingCaller); the event and the count are committed although the registration fails.
 */
export async function registerParticipant(c: RegisterContext, input: RegistrationInput): Promise<ParticipantView> {
  const today = jakartaDate(c.now)
  const outcome = await withActor(c.db, c.actor, async (tx): Promise<ParticipantView | AppError> => {
    await refuseProbingCaller(tx, c)
    const rates = await loadRateTable(tx)
    // Callers other than the API (the CLI) send unchecked bodies: a missing village code is
    // checkRegistration's to report, not a TypeError here.
    const place = typeof input.villageCode === 'string' ? await villagePlace(tx, input.villageCode.trim()) : undefined
    const checked = checkRegistration(input, {
      regions: c.deps.regions,
      place: (code) => (place && place.villageCode === code ? place : undefined),
      codes: c.deps.codes,
      rates,
      today,
    })
    const nikHash = c.deps.vault.blindIndex(checked.nik.nik)
    const [id] = await q.nextParticipantIds(tx, 1)
    const existing = await q.claimNik(tx, nikHash, id!)
    if (existing !== undefined) {
      // The claim wrote nothing; row-level security says whether the caller may see the holder.
      if (await q.findParticipant(tx, existing)) {
        const kpj = kpjFromId(existing)
        throw new AppError(R.DUPLICATE_PARTICIPANT, {
          fields: [{ path: 'nik', code: R.DUPLICATE_PARTICIPANT, reason: `this NIK is already registered as KPJ ${kpj}` }],
          details: { kpj },
        })
      }
      // Outside the caller's scope: no KPJ, no branch, not even in the audit event, which its
      // actor may read back (GET /audit). This transaction then commits only the event and the count.
      const key = probeKey(c.actor)
      if (key) await q.recordProbe(tx, key, c.now)
      await recordAudit(tx, c.actor, {
        action: 'participant.duplicate_probe',
        entityType: 'participant',
        entityId: null,
        branchCode: null,
        after: { nik: checked.nikMasked, holder: 'outside the caller\'s scope' },
      })
      return AppError.field(R.DUPLICATE_PARTICIPANT, 'nik', 'this NIK is already registered, outside your scope')
    }
    const i = checked.input
    const row = await q.insertParticipant(tx, {
      id: id!,
      kpj: kpjFromId(id!),
      nik_cipher: c.deps.vault.encrypt(checked.nik.nik),
      nik_hash: nikHash,
      nik_masked: checked.nikMasked,
      nik_district_code: checked.nik.districtCode,
      nik_district_known: checked.nik.districtKnown,
      full_name: i.fullName,
      birth_place: i.birthPlace,
      birth_date: i.birthDate,
      gender: i.gender,
      mother_maiden_name: i.motherMaidenName,
      phone: i.phone,
      address: i.address,
      village_code: checked.place.villageCode,
      district_code: checked.place.districtCode,
      regency_code: checked.place.regencyCode,
      province_code: checked.place.provinceCode,
      branch_code: checked.place.branchCode,
      occupation: i.occupation,
      monthly_income: i.monthlyIncome,
      programs: checked.programs,
      ecosystem: i.ecosystem,
      channel: i.channel,
      funding: checked.funding,
      registered_at: c.now,
      registered_by: c.actor.userId,
      agent_id: c.actor.agentId,
      partner_id: c.actor.partnerId,
      sponsor_id: c.actor.sponsorId,
    })
    const heirs: q.HeirRow[] = []
    for (const h of i.heirs ?? []) heirs.push(await q.insertHeir(tx, row.id, normaliseHeir(h)))
    // The first row of the member's dated attributes (branch, village, ecosystem, channel,
    // programs), so "members of a branch on a date" is a range query (issue 13 §3).
    await q.recordRegisteredAttributes(tx, [row.id])
    // The registration itself is the participant row (registered_at, registered_by, channel);
    // participant_change holds what changed after it, so the bulk path writes no extra row either.
    const facts = { ...registeredFacts(row), heirs: heirs.map(heirView) }
    await recordAudit(tx, c.actor, { action: 'participant.register', entityType: 'participant', entityId: row.kpj, branchCode: row.branch_code, after: facts })
    await publishRegisteredIds(tx, [row.id])
    return view(row, heirs, checked.place)
  })
  if (outcome instanceof AppError) throw outcome
  return outcome
}

function normaliseHeir(h: HeirInput) {
  return { fullName: tidy(h.fullName), relationship: h.relationship, birthDate: h.birthDate ?? null, phone: h.phone ? normalisePhone(h.phone) : null }
}

/** Looks a participant up by KPJ within the actor's scope; not found and out of scope look alike. */
async function requireParticipant(tx: Tx, kpj: string, opts: { forUpdate?: boolean } = {}): Promise<q.ParticipantRow> {
  const id = idFromKpj(kpj)
  const row = await q.findParticipant(tx, id, opts)
  if (!row) throw new AppError(R.PARTICIPANT_NOT_FOUND, { fields: [{ path: 'kpj', code: R.PARTICIPANT_NOT_FOUND, reason: `no participant ${kpj}` }] })
  return row
}

export interface ReadContext {
  db: Db
  deps: RegistryDeps
  actor: Actor
}

/**
 * Places shown on cards, remembered for PLACE_MEMO_MS per registry (issue 12 §4: one query less
 * for every card read). Regions and branches are reference data: they change only when the region
 * data or the branches file is reloaded, and a card then shows the new names within that time.
 */
const PLACE_MEMO_MS = 60_000
const PLACE_MEMO_MAX = 20_000
const placeMemo = new WeakMap<RegistryDeps, Map<string, { place: Place; until: number }>>()

async function cardPlace(deps: RegistryDeps, tx: Tx, villageCode: string): Promise<Place | undefined> {
  let memo = placeMemo.get(deps)
  if (!memo) placeMemo.set(deps, (memo = new Map()))
  const now = Date.now()
  const hit = memo.get(villageCode)
  if (hit && hit.until > now) return hit.place
  const place = await villagePlace(tx, villageCode)
  if (place) {
    memo.delete(villageCode)
    // Bounded (a place is about half a kilobyte): the oldest entry goes first.
    if (memo.size >= PLACE_MEMO_MAX) memo.delete(memo.keys().next().value!)
    memo.set(villageCode, { place, until: now + PLACE_MEMO_MS })
  }
  return place
}

/** One participant's card. With revealNik, the caller needs the nik:reveal right and the reveal is audited. */
export async function getParticipant(c: ReadContext, kpj: string, opts: { revealNik?: boolean } = {}): Promise<ParticipantView> {
  if (opts.revealNik && !can(c.actor, 'nik:reveal')) {
    throw new AppError(R.NIK_REVEAL_FORBIDDEN, { reason: 'revealing a full NIK needs the nik:reveal permission' })
  }
  const id = idFromKpj(kpj)
  return withActor(c.db, c.actor, async (tx) => {
    // The heirs go out with the card's own statement (the KPJ gives the id; row-level security
    // hides the heirs of a participant out of scope): one round trip for both.
    const [row, heirs] = await Promise.all([requireParticipant(tx, kpj), q.listHeirs(tx, id)])
    const place = await cardPlace(c.deps, tx, row.village_code)
    let nik: string | undefined
    if (opts.revealNik) {
      nik = c.deps.vault.decrypt(row.nik_cipher)
      await recordAudit(tx, c.actor, { action: 'participant.nik_reveal', entityType: 'participant', entityId: row.kpj, branchCode: row.branch_code })
    }
    return view(row, heirs, place, nik)
  })
}

/**
 * Resolves a KPJ to the participant id within the actor's scope (for other modules' routes). The
 * id and branch only: no module outside the registry sees the raw row (issue 13 §4/§5); one that
 * needs more asks for a narrow member (members.ts: memberForBilling, memberForCard).
 */
export async function participantIdForKpj(tx: Tx, kpj: string, opts: { forUpdate?: boolean } = {}): Promise<{ id: number; branchCode: string }> {
  const row = await requireParticipant(tx, kpj, opts)
  return { id: row.id, branchCode: row.branch_code }
}

/**
 * The occupation group that rate conditions refer to (e.g. 'transport' for PP 50/2025). Takes
 * anything holding the code lists: the registry's run-time deps, or a bulk load's RegistrationRefs.
 */
export function occupationGroupOf(deps: { codes: q.CodeLists }, occupation: string): string {
  return deps.codes.occupations.get(occupation)?.group ?? 'general'
}

export interface SearchQuery {
  query?: string
  kpj?: string
  nik?: string
  name?: string
  villageCode?: string
  branchCode?: string
  limit?: number
  cursor?: string
}

/** A page of search hits (views.ts SearchItem). */
export interface SearchResult {
  items: SearchItem[]
  nextCursor: string | null
}

/** What a search statement needs to know of the caller to be planned for it (see q.SearchScope). */
function searchScope(actor: Actor): q.SearchScope {
  return { tag: planScope(actor), ...(actor.role === 'branch_officer' ? { branches: actor.branchCodes } : {}) }
}

/**
 * Search by KPJ, NIK (exact, through the blind index), name (prefix, case- and accent-insensitive),
 * village or branch; `query` guesses which from its shape (11 digits KPJ, 16 digits NIK, else a name).
 * A name search pages in name order, any other in KPJ order.
 */
export async function searchParticipants(c: ReadContext, s: SearchQuery): Promise<SearchResult> {
  const limit = s.limit ?? 50
  let { kpj, nik, name } = s
  const query = s.query?.trim()
  if (query) {
    if (/^\d{11}$/.test(query)) kpj = query
    else if (/^\d{16}$/.test(query)) nik = query
    else name = query
  }
  // The cursor names the previous page's last participant; a name search finds its name there.
  const afterId = s.cursor === undefined ? undefined : decodeCursor(s.cursor, ['int'])[0]
  // Checked before the transaction: a bad KPJ or NIK costs no database round trip.
  const id = kpj ? idFromKpj(kpj) : undefined
  if (nik && !/^\d{16}$/.test(nik)) throw AppError.field(R.NIK_LENGTH, 'nik', 'a NIK has 16 digits')
  const namePrefix = name ? tidy(name) : undefined
  return withActor(c.db, c.actor, async (tx) => {
    // One statement whatever the NIK: unknown, or registered outside the caller's scope, both
    // come back empty from the same query (issue 12 §7: the second query told them apart).
    const rows = await q.searchParticipants(tx, {
      ...(id !== undefined ? { id } : {}),
      ...(nik ? { nikHash: c.deps.vault.blindIndex(nik) } : {}),
      ...(namePrefix ? { namePrefix } : {}),
      ...(s.villageCode ? { villageCode: s.villageCode } : {}),
      ...(s.branchCode ? { branchCode: s.branchCode } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
      limit: limit + 1,
    }, searchScope(c.actor))
    return pageOf(rows, limit, (r) => [r.id], (r) => ({
      kpj: r.kpj,
      nik: r.nik_masked,
      fullName: r.full_name,
      birthDate: r.birth_date,
      gender: r.gender,
      villageCode: r.village_code,
      branchCode: r.branch_code,
      occupation: r.occupation,
      ecosystem: r.ecosystem,
      channel: r.channel,
      registeredAt: r.registered_at.toISOString(),
    }))
  })
}

/** Changes a participant may make; each group is its own dated, attributed change. */
export interface ParticipantUpdate {
  /** Optimistic concurrency: when given, must equal the current version. */
  version?: number
  phone?: string
  address?: string
  villageCode?: string
  occupation?: string
  monthlyIncome?: number
  programs?: string[]
}

export async function updateParticipant(c: RegisterContext, kpj: string, u: ParticipantUpdate): Promise<ParticipantView> {
  return withActor(c.db, c.actor, async (tx) => {
    const row = await requireParticipant(tx, kpj, { forUpdate: true })
    if (u.version !== undefined && u.version !== row.version) {
      throw new AppError(R.VERSION_CONFLICT, {
        fields: [{ path: 'version', code: R.VERSION_CONFLICT, reason: `the record is at version ${row.version}, the change was made on ${u.version}` }],
        details: { currentVersion: row.version },
      })
    }
    const fields: FieldError[] = []
    const changes: Partial<q.ParticipantRow> = {}
    const groups: { kind: string; before: Record<string, unknown>; after: Record<string, unknown> }[] = []
    let place: Place | undefined

    if (u.phone !== undefined) {
      const checked = checkPhone(u.phone)
      if ('error' in checked) fields.push(checked.error)
      else if (checked.phone !== row.phone) {
        const phone = checked.phone
        changes.phone = phone
        groups.push({ kind: 'contact', before: { phone: row.phone }, after: { phone } })
      }
    }
    if (u.address !== undefined || u.villageCode !== undefined) {
      const address = u.address !== undefined ? tidy(u.address) : row.address
      const villageCode = u.villageCode?.trim() ?? row.village_code
      // The same text rules as registration: a NUL would otherwise reach the UPDATE and fail there.
      const bad = u.address !== undefined ? (checkText('address', u.address, TEXT_LIMITS.address) ?? checkTidiedText('address', address)) : undefined
      if (bad) fields.push(bad)
      place = await villagePlace(tx, villageCode)
      if (!place) fields.push(unknownVillage(villageCode))
      else if (address !== row.address || villageCode !== row.village_code) {
        Object.assign(changes, {
          address,
          village_code: place.villageCode,
          district_code: place.districtCode,
          regency_code: place.regencyCode,
          province_code: place.provinceCode,
          branch_code: place.branchCode,
        })
        groups.push({
          kind: 'address',
          before: { address: row.address, villageCode: row.village_code, branchCode: row.branch_code },
          after: { address, villageCode: place.villageCode, branchCode: place.branchCode },
        })
      }
    }
    if (u.occupation !== undefined && u.occupation !== row.occupation) {
      const unknown = checkOccupation(u.occupation, c.deps.codes)
      if (unknown) fields.push(unknown)
      else {
        changes.occupation = u.occupation
        groups.push({ kind: 'occupation', before: { occupation: row.occupation }, after: { occupation: u.occupation } })
      }
    }
    const rates = u.monthlyIncome !== undefined || u.programs !== undefined ? await loadRateTable(tx) : []
    if (u.monthlyIncome !== undefined && u.monthlyIncome !== row.monthly_income) {
      const errors = checkIncome(rates, u.monthlyIncome, monthOf(jakartaDate(c.now)))
      if (errors.length) fields.push(...errors)
      else {
        changes.monthly_income = u.monthlyIncome
        groups.push({ kind: 'income', before: { monthlyIncome: row.monthly_income }, after: { monthlyIncome: u.monthlyIncome } })
      }
    }
    if (u.programs !== undefined) {
      const checked = checkPrograms(u.programs)
      if ('errors' in checked) fields.push(...checked.errors)
      else if ([...checked.programs].sort().join(',') !== [...row.programs].sort().join(',')) {
        const programs = checked.programs
        changes.programs = programs
        groups.push({ kind: 'programs', before: { programs: row.programs }, after: { programs } })
      }
    }
    if (fields.length === 1) throw new AppError(fields[0]!.code, { fields })
    if (fields.length > 1) throw new AppError(PlatformErrors.VALIDATION_FAILED, { fields })

    let updated = row
    if (groups.length) {
      updated = await q.updateParticipant(tx, row.id, changes)
      for (const g of groups) {
        await q.insertChange(tx, { participantId: row.id, changedBy: c.actor.userId, kind: g.kind, before: g.before, after: g.after, at: c.now })
      }
      // A new row of the dated attributes when the branch, village or programs changed (issue 13 §3).
      if (updated.village_code !== row.village_code || groups.some((g) => g.kind === 'programs')) await q.recordAttributes(tx, row.id, c.now)
      await recordAudit(tx, c.actor, {
        action: 'participant.update',
        entityType: 'participant',
        entityId: row.kpj,
        branchCode: updated.branch_code,
        before: Object.assign({}, ...groups.map((g) => g.before)),
        after: Object.assign({}, ...groups.map((g) => g.after)),
      })
      await publishEvents(tx, [participantChanged(updated, groups.map((g) => g.kind), c.now)])
    }
    const [heirs, p] = await Promise.all([q.listHeirs(tx, row.id), place ? Promise.resolve(place) : villagePlace(tx, updated.village_code)])
    return view(updated, heirs, p)
  })
}

export type { ChangeView } from './views.ts'

export async function participantHistory(c: ReadContext, kpj: string): Promise<ChangeView[]> {
  return withActor(c.db, c.actor, async (tx) => {
    const row = await requireParticipant(tx, kpj)
    const changes = await q.listChanges(tx, row.id)
    // The state at registration is today's state with every later change undone, newest first.
    const original: Record<string, unknown> = { ...registeredFacts(row) }
    for (const ch of [...changes].reverse()) if (ch.before && !ch.kind.startsWith('heir_')) Object.assign(original, ch.before)
    const registered: ChangeView = { at: row.registered_at.toISOString(), by: row.registered_by, kind: 'registered', before: null, after: original }
    return [registered, ...changes.map((ch) => ({
      at: ch.changed_at.toISOString(),
      by: ch.changed_by,
      kind: ch.kind,
      before: ch.before,
      after: ch.after,
    }))]
  })
}

export async function addHeir(c: RegisterContext, kpj: string, h: HeirInput): Promise<HeirView> {
  const bad = checkHeirText(h)
  if (bad.length === 1) throw new AppError(bad[0]!.code, { fields: bad })
  if (bad.length) throw new AppError(PlatformErrors.VALIDATION_FAILED, { fields: bad })
  const heir = normaliseHeir(h)
  if (!heir.fullName) throw AppError.field(PlatformErrors.REQUIRED, 'fullName', 'must not be blank')
  return withActor(c.db, c.actor, async (tx) => {
    const row = await requireParticipant(tx, kpj, { forUpdate: true })
    const created = heirView(await q.insertHeir(tx, row.id, heir))
    await q.insertChange(tx, { participantId: row.id, changedBy: c.actor.userId, kind: 'heir_added', before: null, after: created, at: c.now })
    await recordAudit(tx, c.actor, { action: 'participant.heir_add', entityType: 'participant', entityId: row.kpj, branchCode: row.branch_code, after: created })
    await publishEvents(tx, [participantChanged(row, ['heir_added'], c.now)])
    return created
  })
}

export async function removeHeir(c: RegisterContext, kpj: string, heirId: number): Promise<void> {
  await withActor(c.db, c.actor, async (tx) => {
    const row = await requireParticipant(tx, kpj, { forUpdate: true })
    const removed = await q.removeHeir(tx, row.id, heirId, c.now)
    if (!removed) throw AppError.field(R.HEIR_NOT_FOUND, 'heirId', `participant ${kpj} has no heir ${heirId}`)
    await q.insertChange(tx, { participantId: row.id, changedBy: c.actor.userId, kind: 'heir_removed', before: heirView(removed), after: { id: heirId, removedAt: c.now.toISOString() }, at: c.now })
    await recordAudit(tx, c.actor, { action: 'participant.heir_remove', entityType: 'participant', entityId: row.kpj, branchCode: row.branch_code, before: heirView(removed) })
    await publishEvents(tx, [participantChanged(row, ['heir_removed'], c.now)])
  })
}
