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
  loadRegistrationRefs,
  occupationGroupOf,
  type RegistryDeps,
} from './index.ts'
import { kpjFromId } from './kpj.ts'
import { chainedAndVerified } from '../../test/audit.ts'

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
  // A name search pages in folded-name order: "noman putra" before "noman segara".
  const both = [b.kpj, a.kpj]
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

test('the "registered" history entry carries the phone and address given at registration, changed or not since', async () => {
  const unchanged = await registerParticipant(ctx(), registration({ phone: '+62 813-3344-5566', address: 'Dusun Krajan RT 01/RW 02' }))
  const [registered] = await participantHistory(ctx(), unchanged.kpj)
  assert.equal(registered!.kind, 'registered')
  assert.deepEqual([registered!.after.phone, registered!.after.address], ['081333445566', 'Dusun Krajan RT 01/RW 02'])

  const moved = await registerParticipant(ctx(), registration({ address: 'Jl. Raya Jaten No. 12' }))
  await updateParticipant({ ...ctx(), now: new Date('2025-07-01T02:00:00Z') }, moved.kpj, { address: 'Jl. Kenanga 5', phone: '081299990000' })
  const history = await participantHistory(ctx(), moved.kpj)
  assert.deepEqual(history.map((h) => h.kind), ['registered', 'contact', 'address'])
  assert.deepEqual([history[0]!.after.phone, history[0]!.after.address], ['081234567890', 'Jl. Raya Jaten No. 12'], 'as registered, not as today')
  assert.deepEqual(history[2]!.after, { address: 'Jl. Kenanga 5', villageCode: JATEN, branchCode: 'KC3505' })
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

test('the bulk path refuses text the table would refuse, by row and field: a 151-character name, a NUL, an escape; the good rows land whole', async () => {
  const rows = [
    registration({ fullName: 'Panjang ' + 'a'.repeat(143) }),
    registration({ fullName: 'Batas ' + 'a'.repeat(144) }),
    registration({ address: 'Jl. Mawar\u0000 12' }),
    registration({ fullName: 'Teks Baik', birthPlace: 'Blitar\u001b' }),
    registration({ fullName: '𝓐'.repeat(150) }),
    registration({ fullName: 'Teks Baik Juga' }),
  ]
  assert.equal(rows[0]!.fullName.length, 151)
  const before = await count('participant')
  const placed: number[] = []
  const r = await registerBulk(db.sql, rows, { actor, vault: deps.vault, today: '2025-06-10', batchSize: 2, onRow: (row) => placed.push(row) })
  assert.deepEqual(r.rejected, [
    { row: 1, code: 'TOO_LONG', field: 'fullName', reason: '151 characters, at most 150' },
    { row: 3, code: 'INVALID_FORMAT', field: 'address', reason: 'contains the control character U+0000 at position 10' },
    { row: 4, code: 'INVALID_FORMAT', field: 'birthPlace', reason: 'contains the control character U+001B at position 7' },
  ])
  assert.equal(r.rejectedRows, 3)
  assert.equal(r.inserted, 3)
  assert.deepEqual(placed.sort(), [2, 5, 6])
  // Nothing half-written: every NIK claimed belongs to a participant row, and no refused row is there.
  assert.equal(await count('participant'), before + 3)
  assert.equal(await count('nik_index'), await count('participant'))
  const names = await db.sql<{ n: number }[]>`SELECT length(full_name)::int AS n FROM participant WHERE full_name IN (${rows[1]!.fullName}, ${rows[4]!.fullName})`
  assert.deepEqual(names.map((x) => x.n), [150, 150])
  assert.equal((await searchParticipants(ctx(), { name: 'teks baik' })).items.map((i) => i.fullName).join(), 'Teks Baik Juga')
})

test('the bulk path refuses a row with heirs (it writes participants only) rather than drop them; an empty list is fine', async () => {
  const heirsBefore = await count('heir')
  const before = await count('participant')
  const rows = [
    registration({ fullName: 'Dengan Waris', heirs: [{ fullName: 'Siti Aminah', relationship: 'spouse' }] }),
    registration({ fullName: 'Waris Kosong', heirs: [] }),
    registration({ fullName: 'Waris Dan Desa', villageCode: '99.99.99.9999', heirs: [{ fullName: 'Dewi', relationship: 'child' }] }),
  ]
  const r = await registerBulk(db.sql, rows, { actor, vault: deps.vault, today: '2025-06-10' })
  assert.deepEqual(r.rejected.map((x) => [x.row, x.code, x.field]), [
    [1, 'BULK_HEIRS_NOT_TAKEN', 'heirs'],
    [3, 'VILLAGE_UNKNOWN', 'villageCode'],
    [3, 'BULK_HEIRS_NOT_TAKEN', 'heirs'],
  ])
  assert.match(r.rejected[0]!.reason, /POST \/api\/v1\/participants\/\{kpj\}\/heirs after the import/)
  assert.equal(r.rejectedRows, 2)
  assert.equal(r.inserted, 1)
  assert.equal(await count('participant'), before + 1)
  assert.equal(await count('heir'), heirsBefore)
  assert.equal(await count('nik_index'), await count('participant'))
})

const bulkEvents = async (afterId: number) =>
  db.sql<{ entity_id: string; changes: { after: { inserted: number; duplicates: number } } }[]>`
    SELECT entity_id, changes FROM audit_event WHERE action = 'participant.bulk_register' AND id > ${afterId} ORDER BY entity_id`
const lastAuditId = async () => (await db.sql<{ id: number }[]>`SELECT coalesce(max(id), 0)::int AS id FROM audit_event`)[0]!.id

test('each bulk batch is audited in its own transaction: its KPJ range and counts', async () => {
  const from = await lastAuditId()
  const rows = [registration(), registration(), registration()]
  rows.push({ ...rows[0]!, fullName: 'Twin Of Row One' }, registration())
  const ids: number[] = []
  const r = await registerBulk(db.sql, rows, { actor, vault: deps.vault, today: '2025-06-10', batchSize: 2, onRow: (row, id) => (ids[row] = id) })
  assert.equal(r.inserted, 4)
  assert.equal(r.duplicates, 1)
  // Batches [1, 2], [3, twin of 1], [5]: three events, one a batch.
  const k = (row: number) => kpjFromId(ids[row]!)
  const expected = [
    { entity_id: `${k(1)}..${k(2)}`, changes: { after: { inserted: 2, duplicates: 0 } } },
    { entity_id: `${k(3)}..${k(3)}`, changes: { after: { inserted: 1, duplicates: 1 } } },
    { entity_id: `${k(5)}..${k(5)}`, changes: { after: { inserted: 1, duplicates: 0 } } },
  ].sort((a, b) => (a.entity_id < b.entity_id ? -1 : 1))
  assert.deepEqual((await bulkEvents(from)).map((e) => ({ ...e })), expected)
  assert.equal((await chainedAndVerified(db.sql)).ok, true)
})

test('a bulk load that fails part-way leaves each committed batch with its audit record, and nothing of the rest', async () => {
  const from = await lastAuditId()
  const before = await count('participant')
  const rows = [registration(), registration(), registration(), registration()]
  const ids: number[] = []
  await assert.rejects(
    registerBulk(db.sql, rows, {
      actor,
      vault: deps.vault,
      today: '2025-06-10',
      batchSize: 2,
      parallel: 1,
      onRow: (row, id) => {
        ids[row] = id
        if (row === 2) throw new Error('disk full')
      },
    }),
    /disk full/,
  )
  // The first batch committed before the failure; the second was never written.
  assert.equal(await count('participant'), before + 2)
  assert.equal(await count('nik_index'), await count('participant'))
  assert.deepEqual((await bulkEvents(from)).map((e) => ({ ...e })), [
    { entity_id: `${kpjFromId(ids[1]!)}..${kpjFromId(ids[2]!)}`, changes: { after: { inserted: 2, duplicates: 0 } } },
  ])
})

test('three batches at once, each with a twin of the batch before: NIK claims and the audit head never wait on each other', { timeout: 60_000 }, async () => {
  for (let round = 0; round < 2; round++) {
    const from = await lastAuditId()
    const rows: ReturnType<typeof registration>[] = []
    // 20 batches of 4: three new NIKs and a twin of the previous batch's first row, so batch n+1's
    // claim waits on batch n's commit while batch n takes the audit head.
    for (let b = 0; b < 20; b++) {
      const fresh = [registration(), registration(), registration()]
      rows.push(...fresh, b === 0 ? registration() : { ...rows[(b - 1) * 4]!, fullName: 'Twin' })
    }
    const r = await registerBulk(db.sql, rows, { actor, vault: deps.vault, today: '2025-06-10', batchSize: 4, parallel: 3 })
    assert.equal(r.inserted, 61)
    assert.equal(r.duplicates, 19)
    const events = await bulkEvents(from)
    assert.equal(events.length, 20)
    assert.equal(events.reduce((n, e) => n + e.changes.after.inserted, 0), 61)
    assert.equal(events.reduce((n, e) => n + e.changes.after.duplicates, 0), 19)
  }
  assert.equal((await chainedAndVerified(db.sql)).ok, true)
})

test('registerBulk refuses a batch size that is not a positive integer, before reading a row', async () => {
  for (const batchSize of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    let read = false
    const rows = (function* () {
      read = true
      yield registration()
    })()
    await assert.rejects(
      registerBulk(db.sql, rows, { actor, vault: deps.vault, today: '2025-06-10', batchSize }),
      (e: Error) => !(e instanceof AppError) && e.message === `batchSize must be a positive integer, got ${batchSize}`,
    )
    assert.equal(read, false)
  }
})

test('occupationGroupOf serves the registry deps and a bulk load refs alike (the demo seed prices with it)', async () => {
  const refs = await loadRegistrationRefs(db.sql, '2025-06-10')
  for (const holder of [deps, refs]) {
    assert.equal(occupationGroupOf(holder, 'ojek'), 'transport')
    assert.equal(occupationGroupOf(holder, 'kurir'), 'transport')
    assert.equal(occupationGroupOf(holder, 'petani'), 'general')
    assert.equal(occupationGroupOf(holder, 'astronaut'), 'general')
  }
})
