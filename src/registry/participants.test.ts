import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { SYSTEM_ACTOR } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { loadConfig } from '../platform/config.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { JATEN, KOTA_BLITAR_VILLAGE, registration } from '../../test/fixtures.ts'
import { TEST_NIK_INDEX_KEY, TEST_NIK_KEY } from '../../test/app.ts'
import {
  addHeir,
  createRegistryDeps,
  getParticipant,
  participantHistory,
  registerBulk,
  registerParticipant,
  removeHeir,
  searchParticipants,
  updateParticipant,
  makeNik,
  type RegistryDeps,
} from './index.ts'
import { kpjFromId } from './kpj.ts'

let db: TestDatabase
let deps: RegistryDeps
const now = new Date('2025-06-10T03:00:00Z')
const actor = { ...SYSTEM_ACTOR, name: 'test' }
const ctx = () => ({ db: db.sql, deps, actor, now })

before(async () => {
  db = await testDatabase()
  deps = await createRegistryDeps(db.sql, loadConfig({ JAMSOS_NIK_KEY: TEST_NIK_KEY, JAMSOS_NIK_INDEX_KEY: TEST_NIK_INDEX_KEY }))
})
after(() => db.close())

const count = async (table: string) => (await db.sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n as number

test('registering a worker issues an 11-digit KPJ with a check digit and places them in KC Blitar', async () => {
  const body = registration({ heirs: [{ fullName: 'Siti Aminah', relationship: 'spouse' }] })
  const p = await registerParticipant(ctx(), body)
  assert.match(p.kpj, /^\d{11}$/)
  assert.equal(p.branchCode, 'KC3505')
  assert.equal(p.place?.branch, 'KC Blitar')
  assert.equal(p.place?.village, 'Jaten')
  assert.equal(p.nik, body.nik.slice(0, 4) + '**********' + body.nik.slice(14))
  assert.equal(p.nikRevealed, false)
  assert.deepEqual(p.programs, ['JKK', 'JKM'])
  assert.equal(p.heirs[0]!.relationship, 'spouse')
  // The NIK is stored encrypted: its digits appear nowhere in the row.
  const [row] = await db.sql`SELECT * FROM participant WHERE kpj = ${p.kpj}`
  assert.ok(!JSON.stringify(row).includes(body.nik))
  assert.notEqual(Buffer.from(row!.nik_cipher).toString('utf8'), body.nik)
})

test('a second registration of the same NIK is DUPLICATE_PARTICIPANT with the existing KPJ, and writes nothing', async () => {
  const body = registration()
  const first = await registerParticipant(ctx(), body)
  const before = await count('participant')
  await assert.rejects(registerParticipant(ctx(), { ...body, fullName: 'Someone Else' }), (e: AppError) => {
    assert.equal(e.code, 'DUPLICATE_PARTICIPANT')
    assert.equal(e.status, 409)
    assert.deepEqual(e.details, { kpj: first.kpj })
    assert.equal(e.fields[0]!.path, 'nik')
    return true
  })
  assert.equal(await count('participant'), before)
})

test('a woman is registered with day + 40 in her NIK; a mismatched gender or birth date is refused', async () => {
  const nik = makeNik({ districtCode: '35.05.01', birthDate: '1992-03-08', gender: 'F', serial: 77 })
  assert.equal(nik.slice(6, 12), '480392')
  const ok = await registerParticipant(ctx(), registration({ nik, gender: 'F', birthDate: '1992-03-08', fullName: 'Sri Wahyuni' }))
  assert.equal(ok.gender, 'F')
  const other = makeNik({ districtCode: '35.05.01', birthDate: '1992-03-08', gender: 'F', serial: 78 })
  await assert.rejects(registerParticipant(ctx(), registration({ nik: other, gender: 'M', birthDate: '1992-03-08' })), (e: AppError) => e.code === 'NIK_GENDER_MISMATCH' && e.fields[0]!.path === 'gender')
  await assert.rejects(registerParticipant(ctx(), registration({ nik: other, gender: 'F', birthDate: '1992-03-09' })), (e: AppError) => e.code === 'NIK_BIRTH_DATE_MISMATCH' && e.fields[0]!.path === 'birthDate')
})

test('several bad fields answer VALIDATION_FAILED listing each field with its own code; nothing is written', async () => {
  const before = await count('participant')
  await assert.rejects(
    registerParticipant(ctx(), registration({ villageCode: '35.05.01.9999', occupation: 'astronaut', programs: ['JKK'], monthlyIncome: 999_999, phone: '12345' })),
    (e: AppError) => {
      assert.equal(e.code, 'VALIDATION_FAILED')
      assert.deepEqual(e.fields.map((f) => [f.path, f.code]).sort(), [
        ['monthlyIncome', 'INCOME_OUT_OF_RANGE'],
        ['occupation', 'OCCUPATION_UNKNOWN'],
        ['phone', 'PHONE_INVALID'],
        ['programs', 'PROGRAMS_INVALID'],
        ['villageCode', 'VILLAGE_UNKNOWN'],
      ])
      return true
    },
  )
  assert.equal(await count('participant'), before)
  assert.equal(await count('nik_index'), await count('participant'))
})

test('a NIK naming a district that no longer exists is accepted and flagged', async () => {
  // 35.05.99 is not a district of Kabupaten Blitar today.
  const nik = makeNik({ districtCode: '35.05.99', birthDate: '1985-01-02', gender: 'M', serial: 1 })
  const p = await registerParticipant(ctx(), registration({ nik, birthDate: '1985-01-02' }))
  assert.equal(p.nikDistrictKnown, false)
})

test('search finds by KPJ, NIK, accent- and case-insensitive name prefix, village and branch, a page at a time', async () => {
  const a = await registerParticipant(ctx(), registration({ fullName: 'Ñoman Ségara' }))
  const b = await registerParticipant(ctx(), registration({ fullName: 'NOMAN PUTRA', villageCode: KOTA_BLITAR_VILLAGE }))
  const names = async (q: Parameters<typeof searchParticipants>[1]) => (await searchParticipants(ctx(), q)).items.map((i) => i.kpj)
  assert.deepEqual(await names({ query: a.kpj }), [a.kpj])
  const nikOfB = (await getParticipant(ctx(), b.kpj, { revealNik: true })).nik
  assert.deepEqual(await names({ query: nikOfB }), [b.kpj])
  // Ids come from a cached sequence, so a page follows id order, not the order of registration.
  const both = [a.kpj, b.kpj].sort()
  assert.deepEqual(await names({ query: 'noman' }), both)
  assert.deepEqual(await names({ name: 'noman s' }), [a.kpj])
  assert.deepEqual(await names({ name: 'noman', villageCode: KOTA_BLITAR_VILLAGE }), [b.kpj])
  assert.ok((await names({ branchCode: 'KC3505' })).includes(b.kpj), 'Kota Blitar is served by KC Blitar')
  const page1 = await searchParticipants(ctx(), { name: 'noman', limit: 1 })
  assert.deepEqual(page1.items.map((i) => i.kpj), [both[0]])
  assert.ok(page1.nextCursor)
  const page2 = await searchParticipants(ctx(), { name: 'noman', limit: 1, cursor: page1.nextCursor! })
  assert.deepEqual(page2.items.map((i) => i.kpj), [both[1]])
  assert.equal(page2.nextCursor, null)
  await assert.rejects(searchParticipants(ctx(), { cursor: '!!' }), (e: AppError) => e.code === 'CURSOR_INVALID')
})

test('changes keep their history: who, when, before and after; a move changes the branch; a stale version is refused', async () => {
  const p = await registerParticipant(ctx(), registration())
  const later = new Date('2025-07-01T02:00:00Z')
  const moved = await updateParticipant({ ...ctx(), now: later }, p.kpj, {
    version: 1,
    phone: '+62 812-9999-0000',
    villageCode: '35.07.01.2001',
    monthlyIncome: 2_500_000,
    programs: ['JKK', 'JKM', 'JHT'],
  })
  assert.equal(moved.phone, '081299990000')
  assert.equal(moved.branchCode, 'KC3507')
  assert.equal(moved.version, 2)
  const history = await participantHistory(ctx(), p.kpj)
  assert.deepEqual(history.map((h) => h.kind), ['registered', 'contact', 'address', 'income', 'programs'])
  assert.equal(history[0]!.after.phone, '081234567890', 'the registration shows the phone given then')
  assert.equal(history[0]!.after.villageCode, JATEN)
  assert.equal(history[0]!.after.monthlyIncome, 1_000_000, 'the registration shows what was declared then')
  assert.deepEqual(history[3]!.before, { monthlyIncome: 1_000_000 })
  assert.deepEqual(history[3]!.after, { monthlyIncome: 2_500_000 })
  assert.equal(history[1]!.at, later.toISOString())
  await assert.rejects(updateParticipant(ctx(), p.kpj, { version: 1, phone: '081200000000' }), (e: AppError) => e.code === 'VERSION_CONFLICT')
  await assert.rejects(updateParticipant(ctx(), p.kpj, { monthlyIncome: 25_000_000 }), (e: AppError) => e.code === 'INCOME_OUT_OF_RANGE')
  // The same phone rule as registration: +62 forms are accepted and normalised, a landline is not.
  await assert.rejects(updateParticipant(ctx(), p.kpj, { phone: '0342-801234' }), (e: AppError) => e.code === 'PHONE_INVALID' && e.fields[0]!.path === 'phone')
  assert.equal((await getParticipant(ctx(), p.kpj)).monthlyIncome, 2_500_000)
})

test('heirs are added and removed with history', async () => {
  const p = await registerParticipant(ctx(), registration())
  const heir = await addHeir(ctx(), p.kpj, { fullName: 'Dewi Lestari', relationship: 'child', birthDate: '2015-02-01' })
  assert.equal((await getParticipant(ctx(), p.kpj)).heirs.length, 1)
  await removeHeir(ctx(), p.kpj, heir.id)
  assert.equal((await getParticipant(ctx(), p.kpj)).heirs.length, 0)
  await assert.rejects(removeHeir(ctx(), p.kpj, heir.id), (e: AppError) => e.code === 'HEIR_NOT_FOUND')
  assert.deepEqual((await participantHistory(ctx(), p.kpj)).map((h) => h.kind), ['registered', 'heir_added', 'heir_removed'])
})

test('revealing the NIK needs the permission and is audited', async () => {
  const body = registration()
  const p = await registerParticipant(ctx(), body)
  const officer = { ...actor, kind: 'user' as const, role: 'branch_officer' as const, permissions: [] }
  await assert.rejects(getParticipant({ ...ctx(), actor: officer }, p.kpj, { revealNik: true }), (e: AppError) => e.code === 'NIK_REVEAL_FORBIDDEN' && e.status === 403)
  assert.equal((await getParticipant(ctx(), p.kpj, { revealNik: true })).nik, body.nik)
  const [audit] = await db.sql`SELECT action, entity_id FROM audit_event WHERE action = 'participant.nik_reveal' ORDER BY id DESC LIMIT 1`
  assert.deepEqual({ ...audit }, { action: 'participant.nik_reveal', entity_id: p.kpj })
})

test('the bulk path applies the same rules: good rows land, bad rows are reported by row and field, duplicates are skipped', async () => {
  const existing = registration()
  await registerParticipant(ctx(), existing)
  const rows = [
    registration({ fullName: 'Bulk Satu' }),
    registration({ villageCode: '99.99.99.9999' }),
    { ...existing, fullName: 'Already There' },
    registration({ fullName: 'Bulk Dua' }),
  ]
  rows.push({ ...rows[0]!, fullName: 'Twin In File' })
  const before = await count('participant')
  const r = await registerBulk(db.sql, rows, { actor, vault: deps.vault, today: '2025-06-10', batchSize: 2 })
  assert.equal(r.inserted, 2)
  assert.equal(r.duplicates, 2)
  assert.deepEqual(r.rejected.map((x) => [x.row, x.code, x.field]), [[2, 'VILLAGE_UNKNOWN', 'villageCode']])
  assert.equal(await count('participant'), before + 2)
  assert.equal(await count('nik_index'), await count('participant'))
  const found = await searchParticipants(ctx(), { name: 'bulk' })
  assert.deepEqual(found.items.map((i) => i.fullName).sort(), ['Bulk Dua', 'Bulk Satu'])
  assert.equal(found.items[0]!.branchCode, 'KC3505')
})

test('the bulk path writes each row whole: its own id and KPJ, escaped text, multi-byte letters, the NIK encrypted', async () => {
  const rows = [
    registration({ fullName: 'Ñoman Ñata', address: 'Jl. Merdeka\t12 \\ Gg. "Mawar"' }),
    registration({ fullName: 'Twin Source' }),
    registration({ fullName: 'ꦱꦸꦠꦿꦶꦱ꧀ꦤ Sutrisno', birthPlace: 'Blitar' }),
  ]
  rows.push({ ...rows[1]!, fullName: 'Twin In Same Batch' })
  rows.push(registration({ occupation: 'astronaut', villageCode: '99.99.99.9999' }))
  rows.push(registration({ fullName: 'After The Twin' }))
  const placed: [number, number][] = []
  const rejections: unknown[] = []
  const r = await registerBulk(db.sql, rows, {
    actor,
    vault: deps.vault,
    today: '2025-06-10',
    batchSize: 10,
    onRow: (row, id) => placed.push([row, id]),
    onRejected: (x) => rejections.push(x),
  })
  assert.equal(r.inserted, 4)
  assert.equal(r.duplicates, 1)
  assert.equal(r.rejectedRows, 1)
  // One row failing on two fields: two rejections, one row.
  assert.deepEqual(rejections.map((x) => (x as { field: string }).field).sort(), ['occupation', 'villageCode'])
  assert.deepEqual(placed.map(([row]) => row), [1, 2, 3, 6])
  for (const [row, id] of placed) {
    const p = await getParticipant(ctx(), kpjFromId(id), { revealNik: true })
    const input = rows[row - 1]!
    assert.equal(p.fullName, input.fullName)
    // Inner white space (the tab) is folded, the backslash and quotes are kept.
    assert.equal(p.address, input.address.replace(/\s+/g, ' '))
    assert.equal(p.nik, input.nik)
    assert.equal(p.villageCode, input.villageCode)
  }
  assert.ok(r.firstKpj! < r.lastKpj!)
  assert.equal(r.firstKpj, kpjFromId(placed[0]![1]))
  assert.equal(r.lastKpj, kpjFromId(placed[3]![1]))
})
