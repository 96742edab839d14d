// The membership card over HTTP: issued by staff in scope, verified by anyone holding its QR code.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import jsQRModule from 'jsqr'
import type { LightMyRequestResponse } from 'fastify'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, seedParticipant, type RoleSession, type SeededParticipant } from '../../test/auth.ts'
import { cardTokenKey, signCardToken, readCardToken } from './token.ts'
import { qrMatrix } from './qr.ts'

// jsqr is CommonJS with `exports.default`: under NodeNext its default import is the module object.
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default

const PUBLIC_URL = 'https://jamsos.example.go.id'
let t: TestApp
let now = new Date('2025-06-09T03:00:00Z') // 9 June 2025, 10:00 WIB
let blitar: RoleSession
let malang: RoleSession
let siti: SeededParticipant
let address = 0

before(async () => {
  t = await testApp({ now: () => now, env: { JAMSOS_PUBLIC_URL: PUBLIC_URL, JAMSOS_CARD_VERIFY_RATE_LIMIT: '6' } })
  blitar = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  malang = await as(t, 'branch_officer', { branchCodes: ['KC3573'] })
  siti = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505', name: 'Siti Rahayu Wulandari' })
  // June 2025 paid at the Blitar counter on 9 June: JKK + JKM on Rp1,000,000 is Rp16,800.
  const bill = (await send('POST', `/api/v1/participants/${siti.kpj}/bills`, blitar, { months: 1 })).json()
  assert.equal(bill.amount, 16_800)
  const paid = await send('POST', '/api/v1/payments', blitar, { paymentCode: bill.paymentCode, amount: 16_800, reference: 'KAS-CARD-1', channel: 'branch', paidAt: now.toISOString() })
  assert.equal(paid.statusCode, 201, paid.body)
})
after(() => t.close())

const send = (method: 'GET' | 'POST', url: string, s: RoleSession, payload?: unknown) =>
  t.app.inject({ method, url, headers: s.headers, ...(payload === undefined ? {} : { payload: payload as object }) })
/** Anonymous, each from an address of its own (the verification limit is per address; one test spends it). */
const anon = (url: string, headers: Record<string, string> = {}, remoteAddress = `198.51.100.${++address}`) => t.app.inject({ method: 'GET', url, headers, remoteAddress })
const code = (r: LightMyRequestResponse) => `${r.statusCode} ${r.json().error?.code ?? ''}`.trim()
const count = async (sql: string) => Number((await t.db.sql.unsafe(sql))[0]!.n)
/** Signs in again: bearer tokens live 15 minutes of the app's clock. */
const at = async (iso: string) => {
  now = new Date(iso)
  blitar = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  malang = await as(t, 'branch_officer', { branchCodes: ['KC3573'] })
}

/** Changes one byte of a token's bytes and encodes it again. */
function tamper(token: string, byte: number): string {
  const raw = Buffer.from(token, 'base64url')
  raw[byte] = raw[byte]! ^ 0x20
  return raw.toString('base64url')
}

test('issue → verify shows the masked name, KPJ, programs and today\'s status: active, then grace, then lapsed', async () => {
  await at('2025-06-09T03:00:00Z')
  const issued = await send('POST', `/api/v1/participants/${siti.kpj}/cards`, blitar, {})
  assert.equal(issued.statusCode, 201, issued.body)
  const card = issued.json()
  assert.equal(card.kpj, siti.kpj)
  assert.equal(card.fullName, 'Siti Rahayu Wulandari')
  assert.deepEqual(card.programs.map((p: { code: string }) => p.code), ['JKK', 'JKM'])
  assert.deepEqual(card.coverage, { date: '2025-06-09', status: 'active', paidThrough: '2025-06', graceUntil: null, lapsedOn: null })
  assert.equal(card.issuedAt, '2025-06-09T03:00:00.000Z')
  assert.equal(card.replaced, null)
  assert.equal(card.verifyUrl, `${PUBLIC_URL}/verify/${card.token}`)
  assert.equal(card.token.length, 44)
  // No NIK in the token: it decodes to the card, the KPJ and the issue time only.
  const claims = readCardToken(cardTokenKey(t.ctx.services.authKey as Buffer), card.token)
  assert.deepEqual(claims, { ok: true, claims: { cardId: card.cardId, kpj: siti.kpj, issuedAt: new Date('2025-06-09T03:00:00Z') } })
  const [row] = await t.db.sql`SELECT issued_by_name, revoked_at FROM membership_card WHERE participant_id = ${siti.id} AND id = ${card.cardId}`
  assert.deepEqual({ ...row }, { issued_by_name: blitar.user.username, revoked_at: null })
  const [event] = await t.db.sql`SELECT actor_role, branch_code, changes FROM audit_event WHERE action = 'card.issue' AND entity_id = ${String(card.cardId)}`
  assert.deepEqual({ ...event }, { actor_role: 'branch_officer', branch_code: 'KC3505', changes: { after: { kpj: siti.kpj, cardId: card.cardId, issuedAt: '2025-06-09T03:00:00.000Z' } } })

  const verified = await anon(`/api/v1/cards/verify/${card.token}`)
  assert.equal(verified.statusCode, 200, verified.body)
  assert.deepEqual(verified.json(), {
    valid: true,
    cardId: card.cardId,
    kpj: siti.kpj,
    maskedName: 'S*** R***** W********',
    programs: [
      { code: 'JKK', nameId: 'Jaminan Kecelakaan Kerja', nameEn: 'Work accident benefit' },
      { code: 'JKM', nameId: 'Jaminan Kematian', nameEn: 'Death benefit' },
    ],
    coverage: { date: '2025-06-09', status: 'active', paidThrough: '2025-06', graceUntil: null, lapsedOn: null },
    issuedOn: '2025-06-09',
  })
  assert.ok(!verified.body.includes('Rahayu') && !verified.body.includes('**********'), 'neither the full name nor a NIK')

  const page = await anon(`/verify/${card.token}`)
  assert.equal(page.statusCode, 200)
  assert.match(String(page.headers['content-type']), /^text\/html; charset=utf-8/)
  assert.equal(page.headers['cache-control'], 'no-store')
  assert.match(page.body, /^<!doctype html><html lang="id">/)
  assert.match(page.body, /<meta name="viewport" content="width=device-width,initial-scale=1">/)
  assert.ok(page.body.includes('S*** R***** W********'))
  assert.ok(page.body.includes(siti.kpj))
  assert.ok(page.body.includes('Kartu asli · Aktif'))
  assert.ok(page.body.includes('Status kepesertaan hari ini, 9 Juni 2025: Aktif. Terlindungi: iuran sudah dibayar sampai Juni 2025.'))
  assert.ok(page.body.includes('JKK (Jaminan Kecelakaan Kerja), JKM (Jaminan Kematian)'))
  assert.ok(!page.body.includes('Rahayu') && !page.body.includes('<script'), 'no full name, no script')
  const english = await anon(`/verify/${card.token}?lang=en`)
  assert.match(english.body, /<html lang="en">/)
  assert.ok(english.body.includes('Genuine card · Active'))
  assert.ok(english.body.includes('Coverage status today, 9 June 2025: Active. Protected: contributions are paid through June 2025.'))
  const preferred = await anon(`/verify/${card.token}`, { 'accept-language': 'en-GB,en;q=0.9' })
  assert.ok(preferred.body.includes('Genuine card · Active'))

  // 15 July: July unpaid, June the last paid month → grace; the arrears can be paid until the
  // day the coverage rule says (docs/coverage.md).
  await at('2025-07-15T03:00:00Z')
  const coverage = (await send('GET', `/api/v1/participants/${siti.kpj}/coverage`, blitar)).json()
  const grace = (await anon(`/api/v1/cards/verify/${card.token}`)).json()
  assert.deepEqual(grace.coverage, { date: '2025-07-15', status: 'grace', paidThrough: '2025-06', graceUntil: coverage.graceUntil, lapsedOn: null })
  assert.equal(coverage.status, 'grace')
  const gracePage = await anon(`/verify/${card.token}`)
  assert.ok(gracePage.body.includes('Kartu asli · Masa tenggang'))
  assert.ok(gracePage.body.includes('Saat ini tidak terlindungi: iuran bulan ini belum dibayar.'))

  // 2 October: July, August, September and October unpaid, more than the 3 grace months → lapsed.
  await at('2025-10-02T03:00:00Z')
  const lapsedCoverage = (await send('GET', `/api/v1/participants/${siti.kpj}/coverage`, blitar)).json()
  const lapsed = (await anon(`/api/v1/cards/verify/${card.token}`)).json()
  assert.deepEqual(lapsed.coverage, { date: '2025-10-02', status: 'lapsed', paidThrough: '2025-06', graceUntil: null, lapsedOn: lapsedCoverage.lapsedOn })
  assert.equal(lapsedCoverage.status, 'lapsed')
  assert.ok((await anon(`/verify/${card.token}`)).body.includes('Kartu asli · Tidak aktif'))

  // Every verification of the genuine card was counted, per Jakarta day, none in the audit trail.
  const shown = (await send('GET', `/api/v1/participants/${siti.kpj}/card`, blitar)).json()
  assert.equal(shown.cardId, card.cardId)
  assert.equal(shown.token, card.token)
  assert.equal(shown.checks.last30Days, 2, 'the two checks on 2 October; June and July are older than 30 days')
  assert.equal(shown.checks.lastCheckedAt, '2025-10-02T03:00:00.000Z')
  const days = await t.db.sql`SELECT day, checks FROM membership_card_check WHERE card_id = ${card.cardId} ORDER BY day`
  assert.deepEqual(days.map((d) => [d.day, d.checks]), [['2025-06-09', 4], ['2025-07-15', 2], ['2025-10-02', 2]])
  assert.equal(await count(`SELECT count(*) AS n FROM audit_event WHERE action LIKE 'card.%' AND actor_kind = 'anonymous'`), 0)
})

test('a token with one byte changed, or signed with another key, is invalid: JSON 400 CARD_TOKEN_INVALID and a page that says so', async () => {
  await at('2025-06-10T03:00:00Z')
  const p = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505', name: 'Budi Santoso' })
  const card = (await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})).json()
  assert.equal((await anon(`/api/v1/cards/verify/${card.token}`)).statusCode, 200)
  for (const byte of [0, 3, 8, 14, 20, 32]) {
    const res = await anon(`/api/v1/cards/verify/${tamper(card.token, byte)}`)
    assert.equal(code(res), '400 CARD_TOKEN_INVALID', `byte ${byte}`)
  }
  const tampered = await anon(`/api/v1/cards/verify/${tamper(card.token, 8)}`, { 'accept-language': 'en' })
  assert.equal(tampered.json().error.message, 'Not a valid card: the QR code is damaged, altered, or was not issued by BPJS Ketenagakerjaan: the token\'s signature is not valid')
  // The very same card, signed with another server's key.
  const foreign = signCardToken(cardTokenKey(Buffer.alloc(32, 99)), { cardId: card.cardId, kpj: p.kpj, issuedAt: new Date(card.issuedAt) })
  assert.equal(code(await anon(`/api/v1/cards/verify/${foreign}`)), '400 CARD_TOKEN_INVALID')
  // Signed with our key, but naming a card that was never issued.
  const key = cardTokenKey(t.ctx.services.authKey as Buffer)
  const never = signCardToken(key, { cardId: card.cardId + 1000, kpj: p.kpj, issuedAt: new Date(card.issuedAt) })
  assert.equal(code(await anon(`/api/v1/cards/verify/${never}`)), '400 CARD_TOKEN_INVALID')
  const wrongTime = signCardToken(key, { cardId: card.cardId, kpj: p.kpj, issuedAt: new Date(Date.parse(card.issuedAt) + 1000) })
  assert.equal(code(await anon(`/api/v1/cards/verify/${wrongTime}`)), '400 CARD_TOKEN_INVALID')
  assert.equal(code(await anon('/api/v1/cards/verify/not-a-token')), '400 CARD_TOKEN_INVALID')

  const page = await anon(`/verify/${tamper(card.token, 20)}`)
  assert.equal(page.statusCode, 400)
  assert.ok(page.body.includes('Kartu tidak sah'))
  assert.ok(!page.body.includes(p.kpj) && !page.body.includes('B**'), 'an invalid token shows nothing of any member')
  assert.ok((await anon(`/verify/${foreign}?lang=en`)).body.includes('Not a valid card'))
  // Invalid tokens are not counted against any card.
  assert.equal(await count(`SELECT coalesce(sum(checks), 0) AS n FROM membership_card_check WHERE card_id = ${card.cardId}`), 1)
})

test('a revoked card verifies as revoked (410 CARD_REVOKED, with when and why); a new card replaces the old one', async () => {
  await at('2025-06-11T03:00:00Z')
  const p = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505', name: 'Dewi Lestari' })
  const first = (await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})).json()
  const revoked = await send('POST', `/api/v1/participants/${p.kpj}/card/revoke`, blitar, { reason: 'lost' })
  assert.equal(revoked.statusCode, 200, revoked.body)
  assert.deepEqual(revoked.json(), { cardId: first.cardId, kpj: p.kpj, revokedAt: '2025-06-11T03:00:00.000Z', reason: 'lost' })
  const res = await anon(`/api/v1/cards/verify/${first.token}`)
  assert.equal(code(res), '410 CARD_REVOKED')
  assert.deepEqual(res.json().error.details, { kpj: p.kpj, revokedOn: '2025-06-11', reason: 'lost' })
  const page = await anon(`/verify/${first.token}`)
  assert.equal(page.statusCode, 410)
  assert.ok(page.body.includes('Kartu sudah dicabut'))
  assert.ok(page.body.includes('Kartu ini dicabut pada 11 Juni 2025 (hilang) dan tidak berlaku lagi.'))
  assert.ok((await anon(`/verify/${first.token}?lang=en`)).body.includes('This card was revoked on 11 June 2025 (lost)'))
  // Nothing left to revoke or show; revoking is a fact set once.
  assert.equal(code(await send('POST', `/api/v1/participants/${p.kpj}/card/revoke`, blitar, { reason: 'stolen' })), '404 CARD_NOT_ISSUED')
  assert.equal(code(await send('GET', `/api/v1/participants/${p.kpj}/card`, blitar)), '404 CARD_NOT_ISSUED')
  await assert.rejects(t.db.sql`UPDATE membership_card SET revoke_reason = 'stolen' WHERE participant_id = ${p.id}`, /already revoked/)
  await assert.rejects(t.db.sql`DELETE FROM membership_card WHERE participant_id = ${p.id}`, /revoke a card instead/)
  const [event] = await t.db.sql`SELECT changes FROM audit_event WHERE action = 'card.revoke' AND entity_id = ${String(first.cardId)}`
  assert.deepEqual(event!.changes, { before: {}, after: { revokedAt: '2025-06-11T03:00:00.000Z', reason: 'lost' } })

  // A new card, then another: issuing revokes the card held before (as replaced).
  const second = (await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})).json()
  assert.equal(second.replaced, null, 'the lost card was already revoked')
  now = new Date('2025-06-11T03:05:00Z')
  const third = await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, { previousReason: 'damaged' })
  assert.equal(third.statusCode, 201, third.body)
  assert.deepEqual(third.json().replaced, { cardId: second.cardId, reason: 'damaged' })
  assert.equal(code(await anon(`/api/v1/cards/verify/${second.token}`)), '410 CARD_REVOKED')
  assert.equal((await anon(`/api/v1/cards/verify/${third.json().token}`)).statusCode, 200)
  assert.equal(await count(`SELECT count(*) AS n FROM membership_card WHERE participant_id = ${p.id} AND revoked_at IS NULL`), 1)
})

test('two cards issued for one member at once: both answer 201, one replaced the other, one stays valid', async () => {
  await at('2025-06-11T04:00:00Z')
  const p = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505' })
  const [a, b] = await Promise.all([1, 2].map(() => send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})))
  assert.deepEqual([a!.statusCode, b!.statusCode], [201, 201], `${a!.body} ${b!.body}`)
  const [first, second] = [a!.json(), b!.json()].sort((x, y) => x.cardId - y.cardId)
  assert.equal(first.replaced, null)
  assert.deepEqual(second.replaced, { cardId: first.cardId, reason: 'replaced' })
  const rows = await t.db.sql`SELECT id, revoke_reason FROM membership_card WHERE participant_id = ${p.id} ORDER BY id`
  assert.deepEqual(rows.map((r) => [r.id, r.revoke_reason]), [[first.cardId, 'replaced'], [second.cardId, null]])
})

test('a Blitar officer cannot issue, show, print or revoke a Malang member\'s card (404), and nothing is written', async () => {
  await at('2025-06-12T03:00:00Z')
  const p = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3573', villageCode: '35.73.01.1001', name: 'Agus Malang' })
  const cards = () => count(`SELECT count(*) AS n FROM membership_card`)
  const audits = () => count(`SELECT count(*) AS n FROM audit_event`)
  const before = [await cards(), await audits()]
  assert.equal(code(await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})), '404 PARTICIPANT_NOT_FOUND')
  assert.deepEqual([await cards(), await audits()], before)
  const issued = await send('POST', `/api/v1/participants/${p.kpj}/cards`, malang, {})
  assert.equal(issued.statusCode, 201, issued.body)
  const after = [await cards(), await audits()]
  assert.equal(code(await send('GET', `/api/v1/participants/${p.kpj}/card`, blitar)), '404 PARTICIPANT_NOT_FOUND')
  assert.equal(code(await send('GET', `/api/v1/participants/${p.kpj}/card/pdf`, blitar)), '404 PARTICIPANT_NOT_FOUND')
  assert.equal(code(await send('POST', `/api/v1/participants/${p.kpj}/card/revoke`, blitar, { reason: 'other' })), '404 PARTICIPANT_NOT_FOUND')
  assert.deepEqual([await cards(), await audits()], after)
  // Management reads and never writes; a member sees their own card and nobody else's.
  const management = await as(t, 'management')
  assert.equal((await send('GET', `/api/v1/participants/${p.kpj}/card`, management)).statusCode, 200)
  assert.equal(code(await send('POST', `/api/v1/participants/${p.kpj}/cards`, management, {})), '403 FORBIDDEN')
  const member = await as(t, 'participant', { participantId: p.id })
  assert.equal((await send('GET', `/api/v1/participants/${p.kpj}/card`, member)).json().kpj, p.kpj)
  assert.equal(code(await send('GET', `/api/v1/participants/${siti.kpj}/card`, member)), '404 PARTICIPANT_NOT_FOUND')
  // Anyone with the QR code verifies it, whatever branch it belongs to.
  assert.equal((await anon(`/api/v1/cards/verify/${issued.json().token}`)).json().maskedName, 'A*** M*****')
})

test('the card as PDF: ID-1 size, the name and KPJ as text, and a QR code that decodes to the verify URL', async () => {
  await at('2025-06-13T03:00:00Z')
  const p = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505', name: 'Rina Kartika' })
  const card = (await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})).json()
  const res = await send('GET', `/api/v1/participants/${p.kpj}/card/pdf`, blitar)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.headers['content-type'], 'application/pdf')
  const pdf = res.rawPayload
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
  const text = pdf.toString('latin1')
  assert.ok(text.includes(`(Kartu Peserta Jamsos ${p.kpj})`), 'the KPJ in the document title')
  assert.match(text, /\/MediaBox \[0 0 242\.6\d* 153\.0\d*\]/, '85.6 × 53.98 mm')
  // The words on the card: pdfkit writes standard-font text as hex strings in compressed streams.
  const shown = [...text.matchAll(/stream\r?\n/g)]
    .map((m) => {
      const start = m.index! + m[0].length
      try {
        return zlib.inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1')
      } catch {
        return ''
      }
    })
    .flatMap((s) => [...s.matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')))
    .join('')
  for (const words of ['Rina Kartika', p.kpj, 'JKK · JKM', 'Belum aktif', 'Status per 13 Juni 2025']) assert.ok(shown.includes(words), `${words} in ${shown}`)

  // The QR code drawn on the card decodes to the verify URL.
  const m = qrMatrix(card.verifyUrl)
  assert.equal(decodeModules(m.size, m.dark), `${PUBLIC_URL}/verify/${card.token}`)
  // So does the SVG the API hands out.
  assert.match(card.qrSvg, /^<svg role="img" aria-label="Kartu Peserta Jamsos \d{11}" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  const svg = svgModules(card.qrSvg)
  assert.equal(decodeModules(svg.size, svg.dark), card.verifyUrl)
  const en = await send('GET', `/api/v1/participants/${p.kpj}/card/pdf?lang=en`, blitar)
  assert.ok(en.rawPayload.toString('latin1').includes(`(Jamsos membership card ${p.kpj})`))
})

test('verification is rate-limited per address: the page and the API share the allowance (JAMSOS_CARD_VERIFY_RATE_LIMIT)', async () => {
  await at('2025-06-14T03:00:00Z')
  const p = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505' })
  const card = (await send('POST', `/api/v1/participants/${p.kpj}/cards`, blitar, {})).json()
  const from = '203.0.113.7'
  for (let i = 0; i < 3; i++) assert.equal((await anon(`/api/v1/cards/verify/${card.token}`, {}, from)).statusCode, 200)
  for (let i = 0; i < 3; i++) assert.equal((await anon(`/verify/${card.token}`, {}, from)).statusCode, 200)
  const refused = await anon(`/api/v1/cards/verify/${card.token}`, {}, from)
  assert.equal(code(refused), '429 RATE_LIMITED')
  assert.ok(Number(refused.headers['retry-after']) > 0)
  const page = await anon(`/verify/${card.token}`, {}, from)
  assert.equal(page.statusCode, 429)
  assert.ok(page.body.includes('Terlalu banyak pemeriksaan'))
  // Another address is not held back; refused checks were not counted.
  assert.equal((await anon(`/api/v1/cards/verify/${card.token}`, {}, '203.0.113.8')).statusCode, 200)
  assert.equal(await count(`SELECT sum(checks) AS n FROM membership_card_check WHERE card_id = ${card.cardId}`), 7)
})

/** Reads a QR symbol from its modules, drawn 4 pixels a module with a white quiet zone, with jsQR. */
function decodeModules(size: number, dark: (row: number, col: number) => boolean): string | undefined {
  const scale = 4
  const quiet = 4
  const width = (size + 2 * quiet) * scale
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255)
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.floor(y / scale) - quiet
      const c = Math.floor(x / scale) - quiet
      if (r >= 0 && c >= 0 && r < size && c < size && dark(r, c)) pixels.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3)
    }
  }
  return jsQR(pixels, width, width)?.data
}

/** The modules of qrcode's SVG: its dark path is runs of `M x y+.5 h n` and relative `m dx dy h n`. */
function svgModules(svg: string): { size: number; dark: (row: number, col: number) => boolean } {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1])
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!
  const on = new Set<string>()
  let x = 0
  let y = 0
  for (const [, cmd, args] of d.matchAll(/([MmHhVv])([^MmHhVv]*)/g)) {
    const n = args!.trim().split(/[\s,]+/).filter(Boolean).map(Number)
    if (cmd === 'M') [x, y] = [n[0]!, n[1]!]
    else if (cmd === 'm') [x, y] = [x + n[0]!, y + n[1]!]
    else if (cmd === 'h') {
      for (let i = 0; i < n[0]!; i++) on.add(`${Math.floor(y)},${x + i}`)
      x += n[0]!
    }
  }
  // The SVG includes its 4-module margin; the symbol lies inside it.
  return { size: side - 8, dark: (r, c) => on.has(`${r + 4},${c + 4}`) }
}
