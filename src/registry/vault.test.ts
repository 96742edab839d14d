import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadNikKeys, NikVault } from './vault.ts'

const NIK = '3505011705900001'
const keys = { encryptionKey: Buffer.alloc(32, 1), indexKey: Buffer.alloc(32, 2) }
const vault = new NikVault(keys)

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-vault-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('a NIK encrypts to iv (12) ‖ tag (16) ‖ 16 bytes and decrypts back', () => {
  const blob = vault.encrypt(NIK)
  assert.equal(blob.length, 12 + 16 + 16)
  assert.ok(!blob.includes(Buffer.from(NIK)), 'the NIK does not appear in clear')
  assert.equal(vault.decrypt(blob), NIK)
})

test('the same NIK encrypts differently every time (fresh iv) but has one blind index', () => {
  const blobs = Array.from({ length: 5000 }, () => vault.encrypt(NIK))
  assert.equal(new Set(blobs.map((b) => b.subarray(0, 12).toString('hex'))).size, 5000, 'no iv repeats')
  assert.notDeepEqual(blobs[0], blobs[1])
  assert.ok(blobs.every((b) => vault.decrypt(b) === NIK))
  assert.deepEqual(vault.blindIndex(NIK), vault.blindIndex(NIK))
  assert.equal(vault.blindIndex(NIK).length, 32)
  assert.notDeepEqual(vault.blindIndex(NIK), vault.blindIndex('3505011705900002'))
})

test('the blind index is HMAC-SHA256 under the index key, not a plain hash', () => {
  const expected = crypto.createHmac('sha256', keys.indexKey).update(NIK).digest()
  assert.deepEqual(vault.blindIndex(NIK), expected)
  assert.notDeepEqual(vault.blindIndex(NIK), crypto.createHash('sha256').update(NIK).digest())
  const other = new NikVault({ encryptionKey: keys.encryptionKey, indexKey: Buffer.alloc(32, 3) })
  assert.notDeepEqual(other.blindIndex(NIK), vault.blindIndex(NIK))
})

test('a tampered, truncated or foreign ciphertext fails to decrypt with a clear error', () => {
  const blob = vault.encrypt(NIK)
  for (const at of [0, 12, 28, blob.length - 1]) {
    const bad = Buffer.from(blob)
    bad[at]! ^= 1
    assert.throws(() => vault.decrypt(bad), /failed authentication: it was altered, or it was encrypted under another key/, `byte ${at}`)
  }
  assert.throws(() => vault.decrypt(blob.subarray(0, 20)), /20 bytes, shorter than its iv and tag/)
  const foreign = new NikVault({ encryptionKey: Buffer.alloc(32, 9), indexKey: keys.indexKey })
  assert.throws(() => foreign.decrypt(blob), /failed authentication/)
})

test('keys must be 32 bytes and distinct', () => {
  assert.throws(() => new NikVault({ encryptionKey: Buffer.alloc(16), indexKey: keys.indexKey }), /encryption key must be 32 bytes, got 16/)
  assert.throws(() => new NikVault({ encryptionKey: keys.encryptionKey, indexKey: Buffer.alloc(31) }), /index key must be 32 bytes, got 31/)
  assert.throws(() => new NikVault({ encryptionKey: keys.indexKey, indexKey: keys.indexKey }), /must differ/)
})

test('configured keys come from JAMSOS_NIK_KEY and JAMSOS_NIK_INDEX_KEY; a wrong length is named', (t) => {
  const dataDir = tempDir(t)
  const a = crypto.randomBytes(32)
  const b = crypto.randomBytes(32)
  const loaded = loadNikKeys({ dataDir, nikKey: a.toString('base64'), nikIndexKey: b.toString('base64') })
  assert.deepEqual(loaded, { encryptionKey: a, indexKey: b })
  assert.equal(fs.existsSync(path.join(dataDir, 'keys.json')), false, 'no development keys when configured')

  const short = crypto.randomBytes(16).toString('base64')
  assert.throws(() => loadNikKeys({ dataDir, nikKey: short, nikIndexKey: b.toString('base64') }), /^Error: JAMSOS_NIK_KEY must be the base64 of 32 random bytes \(got 16 bytes\)/)
  assert.throws(() => loadNikKeys({ dataDir, nikKey: a.toString('base64'), nikIndexKey: 'not base64!' }), /^Error: JAMSOS_NIK_INDEX_KEY must be the base64 of 32 random bytes \(got 0 bytes\)/)
  assert.throws(() => loadNikKeys({ dataDir, nikKey: a.toString('base64'), nikIndexKey: undefined }), /JAMSOS_NIK_INDEX_KEY is not; set both or neither/)
  assert.throws(() => loadNikKeys({ dataDir, nikKey: undefined, nikIndexKey: b.toString('base64') }), /JAMSOS_NIK_KEY is not; set both or neither/)
})

test('without configured keys a development pair is generated once into keys.json (0600) and reused', (t) => {
  const dataDir = path.join(tempDir(t), 'not-yet-there')
  const first = loadNikKeys({ dataDir, nikKey: undefined, nikIndexKey: undefined })
  const file = path.join(dataDir, 'keys.json')
  assert.equal(fs.statSync(file).mode & 0o777, 0o600)
  assert.equal(first.encryptionKey.length, 32)
  assert.equal(first.indexKey.length, 32)
  assert.notDeepEqual(first.encryptionKey, first.indexKey)

  const second = loadNikKeys({ dataDir, nikKey: undefined, nikIndexKey: undefined })
  assert.deepEqual(second, first)
  // What one start encrypted, the next start reads.
  assert.equal(new NikVault(second).decrypt(new NikVault(first).encrypt(NIK)), NIK)
  assert.deepEqual(fs.readdirSync(dataDir), ['keys.json'], 'no temporary files left behind')
})

test('a damaged keys.json stops start-up with the file named', (t) => {
  const dataDir = tempDir(t)
  const file = path.join(dataDir, 'keys.json')
  fs.writeFileSync(file, JSON.stringify({ nikKey: Buffer.alloc(8).toString('base64'), nikIndexKey: Buffer.alloc(32).toString('base64') }))
  assert.throws(() => loadNikKeys({ dataDir, nikKey: undefined, nikIndexKey: undefined }), new RegExp(`nikKey in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} must be the base64 of 32 random bytes \\(got 8 bytes\\)`))
  fs.writeFileSync(file, '{ not json')
  assert.throws(() => loadNikKeys({ dataDir, nikKey: undefined, nikIndexKey: undefined }), /is not a readable keys file/)
})
