// Secrets Jamsos must be able to read back (partner signing secrets) are kept encrypted at rest
// with AES-256-GCM; random tokens it only has to recognise (sessions) are kept as SHA-256.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** iv (12) ‖ tag (16) ‖ ciphertext; `aad` binds the ciphertext to its row (the key id). */
export function seal(key: Buffer, plaintext: string, aad: string): Buffer {
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), data])
}

export function open(key: Buffer, sealed: Buffer, aad: string): string {
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12))
  decipher.setAAD(Buffer.from(aad, 'utf8'))
  decipher.setAuthTag(sealed.subarray(12, 28))
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8')
}

/** A random token with a readable prefix, e.g. `jst_…` for sessions. */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${crypto.randomBytes(bytes).toString('base64url')}`
}

export function sha256(text: string): Buffer {
  return crypto.createHash('sha256').update(text, 'utf8').digest()
}

function decodeKey(b64: string, source: string): Buffer {
  const key = Buffer.from(b64, 'base64')
  if (key.length !== 32) throw new Error(`${source} must be 32 bytes in base64 (got ${key.length} bytes)`)
  return key
}

/**
 * The key encrypting partner secrets: JAMSOS_AUTH_KEY when set (several hosts must share it),
 * else <dataDir>/auth-keys.json, generated on first use with mode 0600.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return decodeKey(configured, 'JAMSOS_AUTH_KEY')
  const file = path.join(dataDir, 'auth-keys.json')
  if (fs.existsSync(file)) return decodeKey((JSON.parse(fs.readFileSync(file, 'utf8')) as { secretKey: string }).secretKey, file)
  fs.mkdirSync(dataDir, { recursive: true })
  const key = crypto.randomBytes(32)
  try {
    fs.writeFileSync(file, JSON.stringify({ secretKey: key.toString('base64') }), { mode: 0o600, flag: 'wx' })
    return key
  } catch (e) {
    // Another process wrote it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey(undefined, dataDir)
    throw e
  }
}
