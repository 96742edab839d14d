// What billing learns of a member (issue 13 §4): exactly what prices and files a bill, never the
// registry's raw row (no NIK ciphertext, no mother's maiden name), within the caller's scope.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, withActor, type Actor, type Role } from '../platform/actor.ts'
import { createPool, type Sql, type Tx } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { seedParticipant, type SeededParticipant } from '../../test/auth.ts'
import { memberForBilling, memberForCard, membersForBilling, participantIdForKpj } from './index.ts'

let db: TestDatabase
let app: Sql
let blitar: SeededParticipant
let ojek: SeededParticipant
let malang: SeededParticipant

const actor = (role: Role, extra: Partial<Actor> = {}): Actor => ({ ...ANONYMOUS_ACTOR, kind: 'user', userId: 1, name: role, role, ...extra })
const admin = actor('admin')
const officerBlitar = actor('branch_officer', { branchCodes: ['KC3505'] })

before(async () => {
  db = await testDatabase()
  // The application role's own login: row-level security is in force, as for requests.
  app = createPool(db.appUrl, { max: 2 })
  blitar = await seedParticipant(db.sql, { branchCode: 'KC3505' })
  ojek = await seedParticipant(db.sql, { branchCode: 'KC3505' })
  await db.sql`UPDATE participant SET occupation = 'ojek', monthly_income = 2500000, programs = '{JKK,JKM,JHT}', funding = 'sponsor' WHERE id = ${ojek.id}`
  malang = await seedParticipant(db.sql, { branchCode: 'KC3573', villageCode: '35.73.01.1001' })
})
after(async () => {
  await app.end({ timeout: 5 })
  await db.close()
})

test('a member for billing holds what prices the bill and nothing of the card: no NIK, no mother’s name', async () => {
  const m = await withActor(app, admin, (tx) => memberForBilling(tx, blitar.kpj))
  assert.deepEqual(m, {
    id: blitar.id,
    kpj: blitar.kpj,
    branchCode: 'KC3505',
    segment: 'BPU',
    monthlyIncome: 1_000_000,
    programs: ['JKK', 'JKM'],
    funding: 'self',
    occupationGroup: 'general',
  })
  // The registry answers the occupation's PP 50/2025 group itself (the contribution routes used to
  // open the NIK vault's registry services to look it up).
  const o = await withActor(app, admin, (tx) => memberForBilling(tx, ojek.kpj, { lock: true }))
  assert.deepEqual({ group: o.occupationGroup, income: o.monthlyIncome, programs: o.programs, funding: o.funding }, {
    group: 'transport', income: 2_500_000, programs: ['JKK', 'JKM', 'JHT'], funding: 'sponsor',
  })
})

test('a member outside the caller’s scope is not found, like one that does not exist', async () => {
  const refused = await withActor(app, officerBlitar, (tx) => memberForBilling(tx, malang.kpj)).catch((e: unknown) => e)
  assert.ok(refused instanceof AppError)
  assert.equal(refused.code, 'PARTICIPANT_NOT_FOUND')
  assert.deepEqual(refused.fields.map((f) => f.path), ['kpj'])
  // By id (payment codes carry it): out-of-scope and unknown ids are left out, the rest in id order.
  const ids = await withActor(app, officerBlitar, (tx) => membersForBilling(tx, [malang.id, ojek.id, 999_999_999, blitar.id], { lock: true }))
  assert.deepEqual(ids.map((m) => m.kpj), [blitar.kpj, ojek.kpj])
  assert.deepEqual((await withActor(app, admin, (tx) => membersForBilling(tx, [malang.id]))).map((m) => m.branchCode), ['KC3573'])
  assert.deepEqual(await withActor(app, admin, (tx) => membersForBilling(tx, [])), [])
})

test('lock holds the member’s row until the transaction ends: a second bill or payment waits for it', async () => {
  const owner = createPool(db.url, { max: 1 })
  try {
    await withActor(app, admin, async (tx) => {
      await memberForBilling(tx, blitar.kpj, { lock: true })
      const blocked = await owner`SELECT id FROM participant WHERE id = ${blitar.id} FOR UPDATE NOWAIT`.then(() => 'locked by nobody', (e: { code?: string }) => e.code)
      assert.equal(blocked, '55P03')
      // Without lock, nothing is held.
      await memberForBilling(tx, ojek.kpj)
      assert.deepEqual((await owner`SELECT id FROM participant WHERE id = ${ojek.id} FOR UPDATE NOWAIT`).map((r) => r.id), [ojek.id])
    })
    assert.deepEqual((await owner`SELECT id FROM participant WHERE id = ${blitar.id} FOR UPDATE NOWAIT`).map((r) => r.id), [blitar.id])
  } finally {
    await owner.end({ timeout: 5 })
  }
})

// What the card module learns of a member (issue 13 §5: it used to read `.row` of the raw
// participant row that participantIdForKpj handed out): the name and programs a card prints, and
// the branch its audit events belong to.
test('a member for a card holds the name, programs and branch a card needs, nothing more; the id lookup only id and branch', async () => {
  const m = await withActor(app, admin, (tx) => memberForCard(tx, ojek.kpj))
  assert.deepEqual(m, { id: ojek.id, kpj: ojek.kpj, branchCode: 'KC3505', fullName: `Peserta ${ojek.id}`, programs: ['JKK', 'JKM', 'JHT'] })
  assert.deepEqual(await withActor(app, admin, (tx) => participantIdForKpj(tx, malang.kpj)), { id: malang.id, branchCode: 'KC3573' })
  for (const lookup of [(tx: Tx) => memberForCard(tx, malang.kpj), (tx: Tx) => participantIdForKpj(tx, malang.kpj)]) {
    const refused = await withActor(app, officerBlitar, lookup).catch((e: unknown) => e)
    assert.ok(refused instanceof AppError)
    assert.equal(refused.code, 'PARTICIPANT_NOT_FOUND')
    assert.deepEqual(refused.fields.map((f) => f.path), ['kpj'])
  }
  const owner = createPool(db.url, { max: 1 })
  try {
    await withActor(app, officerBlitar, async (tx) => {
      await memberForCard(tx, blitar.kpj, { lock: true })
      const blocked = await owner`SELECT id FROM participant WHERE id = ${blitar.id} FOR UPDATE NOWAIT`.then(() => 'locked by nobody', (e: { code?: string }) => e.code)
      assert.equal(blocked, '55P03')
    })
  } finally {
    await owner.end({ timeout: 5 })
  }
})
