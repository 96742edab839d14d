// The audit chain's key (issue 13 §1): links are HMAC-SHA256 under it, so whoever can write to the
// database without it (the application role, or anyone with a copy of the tables) cannot forge a
// link that verifies. It never goes to the database: the builder and verify compute the HMACs in
// this process over the bytes PostgreSQL renders from the stored rows.
import crypto from 'node:crypto'
import { ConfigError } from '../platform/config.ts'

/** Standard or URL-safe base64 of exactly 32 bytes (43 characters and an optional "="). */
const KEY_PATTERN = /^[A-Za-z0-9+/_-]{43}=?$/

/** What the derived key is for; a new scheme would change it. */
const DERIVATION_INFO = 'jamsos audit chain v1'

/**
 * JAMSOS_AUDIT_KEY (base64 of 32 random bytes) when set; else derived (HKDF-SHA256) from the
 * instance's secret key (JAMSOS_AUTH_KEY or <dataDir>/auth-keys.json), which every host of one
 * deployment already shares, so each server's builder and any operator's `jamsos audit verify`
 * agree. A value that is not such a key stops start-up with a ConfigError naming it.
 */
export function loadAuditKey(configured: string | undefined, instanceSecret: () => Buffer): Buffer {
  if (configured !== undefined && configured !== '') {
    const text = configured.trim()
    const key = KEY_PATTERN.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0)
    if (key.length !== 32) {
      throw new ConfigError('JAMSOS_AUDIT_KEY must be 32 random bytes in base64 (44 characters, e.g. the output of `openssl rand -base64 32`)')
    }
    return key
  }
  return Buffer.from(crypto.hkdfSync('sha256', instanceSecret(), Buffer.alloc(0), DERIVATION_INFO, 32))
}
