// The NIK is personal data (UU 27/2022 tentang Pelindungan Data Pribadi): it is stored only
// encrypted (AES-256-GCM), found and de-duplicated through a keyed blind index (HMAC-SHA256, so
// the 16-digit space cannot be enumerated without the key), and shown masked (privacy.ts).
import crypto, { type KeyObject } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Config } from '../platform/config.ts'

const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32
// IVs are drawn from a pool refilled in one call: the bulk path encrypts a million NIKs. Random
// 96-bit IVs stay safe under one key far beyond the registry's size (NIST SP 800-38D: 2^32 uses).
const IV_POOL_BYTES = IV_BYTES * 4096

export interface NikKeys {
  encryptionKey: Buffer
  indexKey: Buffer
}

export class NikVault {
  readonly #encryptionKey: KeyObject
  readonly #indexKey: KeyObject
  #ivPool = Buffer.alloc(0)
  #ivOffset = 0

  constructor(keys: NikKeys) {
    requireKeyLength('encryption key', keys.encryptionKey)
    requireKeyLength('index key', keys.indexKey)
    if (keys.encryptionKey.equals(keys.indexKey)) throw new Error('the NIK encryption key and index key must differ')
    this.#encryptionKey = crypto.createSecretKey(keys.encryptionKey)
    this.#indexKey = crypto.createSecretKey(keys.indexKey)
  }

  /** iv (12) ‖ tag (16) ‖ ciphertext; a fresh random iv each time, so equal NIKs never look equal. */
  encrypt(nik: string): Buffer {
    const iv = this.#nextIv()
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#encryptionKey, iv)
    const body = cipher.update(nik, 'utf8')
    const tail = cipher.final()
    return Buffer.concat([iv, cipher.getAuthTag(), body, tail], IV_BYTES + TAG_BYTES + body.length + tail.length)
  }

  decrypt(blob: Buffer): string {
    if (blob.length < IV_BYTES + TAG_BYTES) throw new Error(`NIK ciphertext is ${blob.length} bytes, shorter than its iv and tag`)
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#encryptionKey, blob.subarray(0, IV_BYTES))
    decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    try {
      return decipher.update(blob.subarray(IV_BYTES + TAG_BYTES), undefined, 'utf8') + decipher.final('utf8')
    } catch {
      throw new Error('NIK ciphertext failed authentication: it was altered, or it was encrypted under another key')
    }
  }

  /** HMAC-SHA256 of the NIK under the index key: the same NIK always gives the same 32 bytes. */
  blindIndex(nik: string): Buffer {
    return crypto.createHmac('sha256', this.#indexKey).update(nik, 'utf8').digest()
  }

  #nextIv(): Buffer {
    if (this.#ivOffset + IV_BYTES > this.#ivPool.length) {
      this.#ivPool = crypto.randomBytes(IV_POOL_BYTES)
      this.#ivOffset = 0
    }
    const iv = this.#ivPool.subarray(this.#ivOffset, this.#ivOffset + IV_BYTES)
    this.#ivOffset += IV_BYTES
    return iv
  }
}

function requireKeyLength(what: string, key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`the NIK ${what} must be ${KEY_BYTES} bytes, got ${key.length}`)
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** A 32-byte key from base64 text; anything else is a start-up error naming where it came from. */
function decodeKey(source: string, value: string): Buffer {
  const key = BASE64.test(value.trim()) ? Buffer.from(value.trim(), 'base64') : Buffer.alloc(0)
  if (key.length !== KEY_BYTES) {
    throw new Error(`${source} must be the base64 of ${KEY_BYTES} random bytes (got ${key.length} bytes); make one with: openssl rand -base64 32`)
  }
  return key
}

/**
 * The NIK keys: from JAMSOS_NIK_KEY and JAMSOS_NIK_INDEX_KEY when set (both, or neither: an index
 * key generated beside a configured encryption key would be lost with the data directory and
 * break every lookup), else a development pair generated once into `<dataDir>/keys.json`
 * (mode 0600) and reused on every start.
 */
export function loadNikKeys(config: Pick<Config, 'nikKey' | 'nikIndexKey' | 'dataDir'>): NikKeys {
  if (config.nikKey || config.nikIndexKey) {
    if (!config.nikKey) throw new Error('JAMSOS_NIK_INDEX_KEY is set but JAMSOS_NIK_KEY is not; set both or neither')
    if (!config.nikIndexKey) throw new Error('JAMSOS_NIK_KEY is set but JAMSOS_NIK_INDEX_KEY is not; set both or neither')
    return { encryptionKey: decodeKey('JAMSOS_NIK_KEY', config.nikKey), indexKey: decodeKey('JAMSOS_NIK_INDEX_KEY', config.nikIndexKey) }
  }
  return developmentKeys(path.join(config.dataDir, 'keys.json'))
}

interface KeysFile {
  nikKey: string
  nikIndexKey: string
  note: string
}

function developmentKeys(file: string): NikKeys {
  if (!fs.existsSync(file)) writeNewKeys(file)
  let parsed: Partial<KeysFile>
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<KeysFile>
  } catch (e) {
    throw new Error(`${file} is not a readable keys file: ${(e as Error).message}`)
  }
  return {
    encryptionKey: decodeKey(`nikKey in ${file}`, String(parsed.nikKey ?? '')),
    indexKey: decodeKey(`nikIndexKey in ${file}`, String(parsed.nikIndexKey ?? '')),
  }
}

function writeNewKeys(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const content: KeysFile = {
    nikKey: crypto.randomBytes(KEY_BYTES).toString('base64'),
    nikIndexKey: crypto.randomBytes(KEY_BYTES).toString('base64'),
    note: 'Development NIK keys generated by Jamsos. In production set JAMSOS_NIK_KEY and JAMSOS_NIK_INDEX_KEY; losing these keys makes every stored NIK unreadable.',
  }
  // Written aside and linked into place: link() fails when the name exists, so when two processes
  // start at once the first pair wins, and nobody ever reads a half-written file.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
  try {
    fs.linkSync(tmp, file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  } finally {
    fs.rmSync(tmp, { force: true })
  }
}
