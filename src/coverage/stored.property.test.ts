// Property test (issue 13 §3): random histories of registrations (single and bulk), bills,
// payments (late notices, payments after a lapse, up to 12 months ahead, gaps and reactivation)
// and changes of address and programs, run through the real posting and registry paths against
// PostgreSQL. Then, for every member, every date of the range and several "known at" instants, the
// stored status periods (coverage storedStatuses, the range query) equal the pure replay of
// status.ts over the bills' periods, the member counts (memberCounts, by branch too) equal the
// counts from the replay, and the stored attribute history equals the card rebuilt by undoing
// participant_change. On failure fast-check prints the seed and path; JAMSOS_FC_SEED=<seed>
// replays that run.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { SYSTEM_ACTOR } from '../platform/actor.ts'
import { withActor } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { loadConfig } from '../platform/config.ts'
import { addDays, jakartaDate, jakartaStartOf, lastDayOf, monthOf, type IsoDate, type YearMonth } from '../platform/dates.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { registration } from '../../test/fixtures.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../../test/app.ts'
import { attributesAt, createRegistryDeps, idFromKpj, registerBulk, registerParticipant, updateParticipant, type RegistryDeps } from '../registry/index.ts'
import { createBill, postPayments } from '../contributions/index.ts'
import { coverageOn, knownBy, memberCounts, storedStatuses, type PaidMonth } from './index.ts'

let db: TestDatabase
let deps: RegistryDeps
const actor = { ...SYSTEM_ACTOR, name: 'property test' }
const policy = { graceMonths: 3, billMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }
const DAY = 86_400_000
const BASE = Date.parse('2024-01-02T01:00:00Z')
/** Villages in two branches: KC Blitar (Kabupaten and Kota Blitar) and KC Malang. */
const VILLAGES = ['35.05.01.2001', '35.72.01.1001', '35.05.02.2002', '35.73.01.1001']
const BRANCHES = ['KC3505', 'KC3573']

before(async () => {
  db = await testDatabase()
  deps = await createRegistryDeps(db.sql, loadConfig({ JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY }))
})
after(() => db.close())

type Event =
  | { kind: 'pay'; member: number; gapDays: number; hour: number; months: number; lateDays: number; lateHours: number; monthEnd: boolean }
  | { kind: 'gap'; gapDays: number }
  | { kind: 'change'; member: number; gapDays: number; village: number; jht: boolean }

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('pay' as const), member: fc.nat(2), gapDays: fc.integer({ min: 0, max: 45 }), hour: fc.integer({ min: 0, max: 23 }),
    months: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 12 })),
    lateDays: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 })), lateHours: fc.integer({ min: 0, max: 23 }),
    // Paid late on the last evening of a month, the notice arriving in the next: a month may have
    // turned (into grace, or a lapse) between payment and receipt.
    monthEnd: fc.boolean(),
  }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gap' as const), gapDays: fc.integer({ min: 60, max: 240 }) }) },
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant('change' as const), member: fc.nat(2), gapDays: fc.integer({ min: 0, max: 30 }), village: fc.nat(VILLAGES.length - 1), jht: fc.boolean(),
  }) },
)
const historyArb = fc.record({ members: fc.integer({ min: 1, max: 3 }), bulk: fc.boolean(), events: fc.array(eventArb, { minLength: 2, maxLength: 10 }) })

/** What was posted for a member, kept as the test goes: the input of the pure replay. */
interface Model {
  id: number
  kpj: string
  paid: PaidMonth[]
  lastReceived: number
}
/** Every member of every run (counts cover the whole database). */
const everyone: Model[] = []
let reference = 0

async function runHistory(h: { members: number; bulk: boolean; events: Event[] }): Promise<{ members: Model[]; end: number; instants: number[] }> {
  const registeredAt = new Date(BASE)
  const members: Model[] = []
  if (h.bulk) {
    const rows = Array.from({ length: h.members }, () => registration())
    const ids: number[] = []
    const r = await registerBulk(db.sql, rows, { actor, vault: deps.vault, today: jakartaDate(registeredAt), deps, registeredAt: () => registeredAt, onRow: (_row, id) => ids.push(id) })
    assert.equal(r.inserted, h.members)
    for (const id of ids) members.push({ id, kpj: '', paid: [], lastReceived: 0 })
  } else {
    for (let i = 0; i < h.members; i++) {
      const p = await registerParticipant({ db: db.sql, deps, actor, now: registeredAt }, registration())
      members.push({ id: idFromKpj(p.kpj), kpj: p.kpj, paid: [], lastReceived: 0 })
    }
  }
  for (const m of members) {
    if (!m.kpj) m.kpj = (await db.sql<{ kpj: string }[]>`SELECT kpj FROM participant WHERE id = ${m.id}`)[0]!.kpj
    everyone.push(m)
  }
  let t = BASE + DAY
  const instants = [BASE, BASE + DAY]
  for (const e of h.events) {
    t += e.gapDays * DAY
    if (e.kind === 'gap') continue
    const m = members[e.member % members.length]!
    if (e.kind === 'change') {
      const at = t + 3_600_000
      instants.push(at - 1, at)
      await updateParticipant({ db: db.sql, deps, actor, now: new Date(at) }, m.kpj, {
        villageCode: VILLAGES[e.village]!,
        programs: e.jht ? ['JKK', 'JKM', 'JHT'] : ['JKK', 'JKM'],
      })
      continue
    }
    let issuedAt = t + e.hour * 3_600_000
    if (e.monthEnd) {
      const day = jakartaDate(new Date(t))
      issuedAt = jakartaStartOf(lastDayOf(monthOf(day))).getTime() + 22 * 3_600_000
      t = issuedAt
    }
    let bill
    try {
      bill = await createBill({ db: db.sql, actor, now: new Date(issuedAt), policy }, m.kpj, e.months)
    } catch (err) {
      // Prepaying more than 11 months past the current one is refused: the member would be too.
      if (err instanceof AppError && err.code === 'BILL_TOO_FAR_AHEAD') continue
      throw err
    }
    const paidAt = issuedAt + 60_000
    // A late notice: received up to 6 days after the money was paid (the settlement tolerance is 7).
    const lateDays = e.monthEnd ? Math.max(1, e.lateDays) : e.lateDays
    const receivedAt = paidAt + lateDays * DAY + (lateDays ? e.lateHours * 3_600_000 : 0)
    const [out] = await postPayments({ db: db.sql, actor, now: new Date(receivedAt), policy }, [{
      paymentCode: bill.paymentCode, amount: bill.amount, reference: `PROP-${++reference}`, channel: 'bank_va',
      paidAt: new Date(paidAt).toISOString(), receivedAt: new Date(receivedAt).toISOString(),
    }])
    if (out instanceof AppError) {
      // Coverage is credited in the order payments are received: a notice received before the
      // member's last posted one is refused, nothing else is.
      assert.equal(out.code, 'PAYMENT_RECEIVED_OUT_OF_ORDER', `${out.code}: ${out.fields.map((f) => f.reason).join('; ')}`)
      assert.ok(receivedAt < m.lastReceived)
      continue
    }
    assert.ok(receivedAt >= m.lastReceived, 'a payment received out of order posted')
    m.lastReceived = receivedAt
    for (const period of out!.payment.periods) m.paid.push({ period: period as YearMonth, knownAt: new Date(receivedAt), paymentId: out!.payment.id })
    instants.push(receivedAt - 1, receivedAt)
  }
  return { members, end: t, instants }
}

/** The pure replay: the status on `date` from the payments known by knownBy(date, knownAt). */
function pureStatus(m: Model, date: IsoDate, knownAt?: Date): string {
  const by = knownBy(date, knownAt).getTime()
  return coverageOn(m.paid.filter((p) => p.knownAt.getTime() <= by), date, policy).status
}

interface Card { branch_code: string; village_code: string; ecosystem: string; channel: string; programs: string[]; registered_at: Date }
interface Change { participant_id: number; changed_at: Date; kind: string; before: Record<string, unknown> | null }

/** Every card and change, to rebuild attributes by undoing changes (the old way, as the oracle). */
async function cardsAndChanges(): Promise<{ cards: Map<number, Card>; changes: Map<number, Change[]> }> {
  const cards = new Map((await db.sql<(Card & { id: number })[]>`
    SELECT id, branch_code, village_code, ecosystem, channel, programs, registered_at FROM participant`).map((r) => [r.id, r]))
  const changes = new Map<number, Change[]>()
  for (const c of await db.sql<Change[]>`SELECT participant_id, changed_at, kind, before FROM participant_change ORDER BY changed_at, id`) {
    changes.set(c.participant_id, [...(changes.get(c.participant_id) ?? []), c])
  }
  return { cards, changes }
}

/** The card's branch, village and programs at an instant: today's with every later change undone. */
function rebuiltAt(card: Card, changes: Change[], at: number): { branch: string; village: string; programs: string[]; ecosystem: string; channel: string } | null {
  if (card.registered_at.getTime() > at) return null
  const state = { branch: card.branch_code, village: card.village_code, programs: card.programs, ecosystem: card.ecosystem, channel: card.channel }
  for (const c of [...changes].reverse()) {
    if (c.changed_at.getTime() <= at || !c.before) continue
    if (c.kind === 'address') Object.assign(state, { branch: c.before.branchCode, village: c.before.villageCode })
    if (c.kind === 'programs') state.programs = c.before.programs as string[]
  }
  return state
}

test('stored coverage periods, member counts and attribute history equal the replay, for random histories', async () => {
  const seed = process.env.JAMSOS_FC_SEED ? Number(process.env.JAMSOS_FC_SEED) : undefined
  let checkedDays = 0
  const seen = { lapsed: 0, grace: 0, reactivated: 0 }
  await fc.assert(
    fc.asyncProperty(historyArb, async (h) => {
      const { members, end, instants } = await runHistory(h)
      const last = jakartaDate(new Date(end + 200 * DAY))
      const mid = new Date(BASE + (end - BASE) / 2)
      const firstDay = jakartaDate(new Date(BASE - DAY))

      // 1. Every member, every date, as known then, at the middle of the history and at one receipt.
      const keys: { participantId: number; date: IsoDate; knownAt?: Date }[] = []
      const expected: string[] = []
      for (const m of members) {
        const receipt = m.paid.length ? new Date(m.paid[Math.floor(m.paid.length / 2)]!.knownAt.getTime() - 1) : mid
        for (let d = firstDay; d <= last; d = addDays(d, 1)) {
          for (const knownAt of [undefined, mid, receipt]) {
            keys.push({ participantId: m.id, date: d, ...(knownAt ? { knownAt } : {}) })
            expected.push(pureStatus(m, d, knownAt))
          }
        }
      }
      const stored = await withActor(db.sql, actor, (tx) => storedStatuses(tx, keys))
      checkedDays += keys.length
      seen.lapsed += expected.filter((x) => x === 'lapsed').length
      seen.grace += expected.filter((x) => x === 'grace').length
      seen.reactivated += members.filter((m) => m.paid.some((p, i) => i > 0 && pureStatus(m, jakartaDate(p.knownAt), new Date(p.knownAt.getTime() - 1)) === 'lapsed')).length
      for (let i = 0; i < keys.length; i++) {
        if (stored[i] !== expected[i]) {
          const k = keys[i]!
          assert.fail(`participant ${k.participantId} on ${k.date} known at ${k.knownAt?.toISOString() ?? 'then'}: stored ${stored[i]}, replay ${expected[i]}`)
        }
      }

      // 2. The attribute history: at every instant something happened (and just before), the stored
      // row equals the card rebuilt by undoing participant_change.
      const { cards, changes } = await cardsAndChanges()
      const attrKeys = members.flatMap((m) => instants.map((at) => ({ participantId: m.id, at: new Date(at) })))
      const rows = new Map((await withActor(db.sql, actor, (tx) => attributesAt(tx, attrKeys))).map((r) => [r.i, r]))
      attrKeys.forEach((k, i) => {
        const want = rebuiltAt(cards.get(k.participantId)!, changes.get(k.participantId) ?? [], k.at.getTime())
        const row = rows.get(i + 1)
        assert.deepEqual(row ? { branch: row.branch_code, village: row.village_code, programs: row.programs, ecosystem: row.ecosystem, channel: row.channel } : null, want,
          `attributes of ${k.participantId} at ${k.at.toISOString()}`)
      })

      // 3. Counts by status on sampled dates, over the whole database (every run's members), in all
      // branches and per branch as they stood on the date, equal the replay's.
      const span = Math.round((Date.parse(last) - Date.parse(firstDay)) / DAY)
      for (const d of [0.2, 0.5, 0.8].map((f) => addDays(firstDay, Math.round(span * f)))) {
        for (const knownAt of [undefined, mid]) {
          const by = knownBy(d, knownAt).getTime()
          for (const branchCode of [undefined, ...BRANCHES]) {
            const want = { active: 0, grace: 0, lapsed: 0 }
            for (const m of everyone) {
              if (branchCode !== undefined && rebuiltAt(cards.get(m.id)!, changes.get(m.id) ?? [], by)?.branch !== branchCode) continue
              const s = pureStatus(m, d, knownAt)
              if (s !== 'unpaid') want[s as keyof typeof want]++
            }
            const got = await withActor(db.sql, actor, (tx) => memberCounts(tx, { date: d, ...(knownAt ? { knownAt } : {}), ...(branchCode ? { branchCode } : {}) }))
            assert.deepEqual(got, want, `counts on ${d} known at ${knownAt?.toISOString() ?? 'then'} in ${branchCode ?? 'all branches'}`)
          }
        }
      }
    }),
    { numRuns: 20, ...(seed !== undefined ? { seed } : {}) },
  )
  // The histories reached every state, and payments after a lapse (reactivation) were posted.
  assert.ok(checkedDays > 1000, `compared ${checkedDays} member-days`)
  assert.ok(seen.lapsed > 0 && seen.grace > 0 && seen.reactivated > 0, JSON.stringify(seen))
  const moved = (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM coverage_month WHERE period <> billed_period`)[0]!.n
  const late = (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM payment WHERE received_at > paid_at + interval '1 day'`)[0]!.n
  console.log(`# property: ${checkedDays} member-days, ${JSON.stringify(seen)}, ${late} late notices, ${moved} months credited elsewhere than billed`)
})
