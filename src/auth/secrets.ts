// Secrets Jamsos must be able to read back (partner signing secrets) are kept encrypted at rest
// with AES-256-GCM; random tokens it only has to recognise (sessions) are kept as SHA-256.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ConfigError } from '../platform/config.ts'

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

/** Standard or URL-safe base64 of exactly 32 bytes (43 characters and an optional "="). */
const KEY_PATTERN = /^[A-Za-z0-9+/_-]{43}=?$/

function decodeKey(b64: unknown, source: string): Buffer {
  // Node's base64 decoder skips characters it does not know, so "not-a-key!" would decode to some
  // bytes: check the text itself, and say what to do (issue 12 item 6: not a 500 on first use).
  const text = typeof b64 === 'string' ? b64.trim() : ''
  const key = KEY_PATTERN.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0)
  if (key.length !== 32) {
    throw new ConfigError(`${source} must be 32 random bytes in base64 (44 characters, e.g. the output of \`openssl rand -base64 32\`)`)
  }
  return key
}

/**
 * The key encrypting partner secrets: JAMSOS_AUTH_KEY when set (several hosts must share it),
 * else <dataDir>/auth-keys.json, generated on first start with mode 0600. Loaded at start-up, so
 * a key that cannot be read stops the server with a ConfigError naming it.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return decodeKey(configured, 'JAMSOS_AUTH_KEY')
  const file = path.join(dataDir, 'auth-keys.json')
  try {
    if (fs.existsSync(file)) {
      let parsed: unknown
      try {
        parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
      } catch {
        throw new ConfigError(`${file} is not valid JSON: restore it from a backup, or set JAMSOS_AUTH_KEY to the key it held`)
      }
      return decodeKey((parsed as { secretKey?: unknown } | null)?.secretKey, `secretKey in ${file}`)
    }
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
  } catch (e) {
    if (e instanceof ConfigError) throw e
    throw new ConfigError(`Cannot read or create ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): make the data folder writable, or set JAMSOS_AUTH_KEY`)
  }
}

/**
 * The app's key in ctx.services.authKey, loaded once at start-up (first start, or building the
 * app): a JAMSOS_AUTH_KEY that is not a key, or an unreadable key file, stops start-up with a
 * ConfigError naming it instead of a 500 on the first partner request (issue 12 item 6).
 */
export function ensureAuthKey(services: { authKey?: Buffer }, configured: string | undefined, dataDir: string): Buffer {
  services.authKey ??= loadSecretKey(configured, dataDir)
  return services.authKey
}
