// The card module's pure rules: the token, the masked name, the language and dates of the page,
// the letters the PDF can print.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cardTokenKey, readCardToken, signCardToken, TOKEN_LENGTH } from './token.ts'
import { maskName } from './mask.ts'
import { verifyUrl } from './qr.ts'
import { winAnsiText } from './pdf.ts'
import { cardLang, formatDate, statusExplanation } from './text.ts'

const key = cardTokenKey(Buffer.alloc(32, 11))
const claims = { cardId: 17, kpj: '10000000017', issuedAt: new Date('2025-06-09T03:00:00Z') }

test('a token holds the card id, KPJ and issue time in 44 URL-safe characters, and reads back', () => {
  const token = signCardToken(key, claims)
  assert.equal(TOKEN_LENGTH, 44)
  assert.equal(token.length, 44)
  assert.match(token, /^[A-Za-z0-9_-]{44}$/)
  assert.deepEqual(readCardToken(key, token), { ok: true, claims })
  // The same card always gives the same token: nothing random, nothing to store.
  assert.equal(signCardToken(key, claims), token)
  // A whole verify URL stays short for the QR code.
  assert.equal(verifyUrl('https://jamsos.example.go.id/', token).length, 80)
})

test('no NIK, no name: the token decodes to version, KPJ, card id, time and the tag, nothing else', () => {
  const raw = Buffer.from(signCardToken(key, claims), 'base64url')
  assert.equal(raw.length, 33)
  assert.equal(raw[0], 1)
  assert.equal(raw.readUIntBE(1, 5), 10000000017)
  assert.equal(raw.readUIntBE(6, 6), 17)
  assert.equal(raw.readUIntBE(12, 5), Date.parse('2025-06-09T03:00:00Z') / 1000)
})

test('changing any one byte of a token makes it invalid', () => {
  const raw = Buffer.from(signCardToken(key, claims), 'base64url')
  for (let i = 0; i < raw.length; i++) {
    const tampered = Buffer.from(raw)
    tampered[i] = tampered[i]! ^ 0x01
    const verdict = readCardToken(key, tampered.toString('base64url'))
    assert.equal(verdict.ok, false, `byte ${i}`)
  }
  // Another card id with the old tag: refused on the signature, not on its form.
  const other = Buffer.from(raw)
  other.writeUIntBE(18, 6, 6)
  assert.deepEqual(readCardToken(key, other.toString('base64url')), { ok: false, problem: 'signature' })
})

test('a token signed with another server key is invalid; so is anything that is not a token', () => {
  const foreign = signCardToken(cardTokenKey(Buffer.alloc(32, 12)), claims)
  assert.deepEqual(readCardToken(key, foreign), { ok: false, problem: 'signature' })
  for (const junk of ['', 'abc', `${signCardToken(key, claims)}A`, '!'.repeat(44), 'A'.repeat(43) + '=']) {
    assert.deepEqual(readCardToken(key, junk), { ok: false, problem: 'format' }, junk)
  }
  const v2 = Buffer.from(signCardToken(key, claims), 'base64url')
  v2[0] = 2
  assert.deepEqual(readCardToken(key, v2.toString('base64url')), { ok: false, problem: 'version' })
})

test('the token key is derived from the server key (HKDF-SHA256), never the server key itself', () => {
  const server = Buffer.alloc(32, 11)
  assert.equal(key.length, 32)
  assert.notDeepEqual(key, server)
  assert.deepEqual(cardTokenKey(server), key)
  assert.throws(() => cardTokenKey(Buffer.alloc(16)), /32 bytes/)
})

test('the verification page masks each word of a name after its first letter', () => {
  assert.equal(maskName('Siti Rahayu'), 'S*** R*****')
  assert.equal(maskName('  Moh. Yusuf  Hakim '), 'M**. Y**** H****')
  assert.equal(maskName("Ni Luh Putu Ayu Dewi"), 'N* L** P*** A** D***')
  assert.equal(maskName("Ida Bagus O'Neil"), 'I** B**** O\'****')
  assert.equal(maskName('A'), 'A')
})

test('the page and the card speak Indonesian unless English is asked for', () => {
  assert.equal(cardLang(undefined, undefined), 'id')
  assert.equal(cardLang(undefined, 'en-US,en;q=0.9'), 'en')
  assert.equal(cardLang(undefined, 'id-ID,en;q=0.5'), 'id')
  assert.equal(cardLang('en', 'id'), 'en')
  assert.equal(cardLang('id', 'en'), 'id')
  assert.equal(cardLang('fr', 'en'), 'en')
  assert.equal(formatDate('2025-06-09', 'id'), '9 Juni 2025')
  assert.equal(formatDate('2025-06-09', 'en'), '9 June 2025')
  assert.equal(
    statusExplanation({ status: 'grace', paidThrough: '2025-04', graceUntil: '2025-07-31', lapsedOn: null }, 'id'),
    'Saat ini tidak terlindungi: iuran bulan ini belum dibayar. Tunggakan masih dapat dibayar sampai 31 Juli 2025.',
  )
  assert.equal(statusExplanation({ status: 'active', paidThrough: '2025-08', graceUntil: null, lapsedOn: null }, 'en'), 'Protected: contributions are paid through August 2025.')
})

test('the PDF prints a name in the standard fonts\' WinAnsi letters: marks dropped where needed, else ?', () => {
  assert.equal(winAnsiText('Siti Ñandú “Ayu”'), 'Siti Ñandú “Ayu”')
  assert.equal(winAnsiText('Ǹgurah Ṡari'), 'Ngurah Sari')
  assert.equal(winAnsiText('李 Wei'), '? Wei')
})
