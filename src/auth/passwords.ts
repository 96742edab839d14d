// Password storage and the password policy. Hashes are scrypt (node:crypto) with a per-user salt,
// stored as `scrypt$N$r$p$salt$hash` so the cost can be raised later: a login with an older cost
// is re-hashed with the current one.
import crypto from 'node:crypto'

const KEY_LENGTH = 32
const BLOCK_SIZE = 8
const PARALLELISM = 1

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just short of N = 2^15.
    crypto.scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = crypto.randomBytes(16)
  const key = await scrypt(password, salt, cost, BLOCK_SIZE, PARALLELISM)
  return `scrypt$${cost}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`
}

interface Parsed {
  N: number
  r: number
  p: number
  salt: Buffer
  key: Buffer
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return undefined
  return { N, r, p, salt: Buffer.from(parts[4]!, 'base64'), key: Buffer.from(parts[5]!, 'base64') }
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored)
  if (!h) return false
  const key = await scrypt(password, h.salt, h.N, h.r, h.p)
  return key.length === h.key.length && crypto.timingSafeEqual(key, h.key)
}

/** Whether a stored hash was made with other parameters than today's. */
export function needsRehash(stored: string, cost: number): boolean {
  const h = parse(stored)
  return !h || h.N !== cost || h.r !== BLOCK_SIZE || h.p !== PARALLELISM
}

/**
 * A hash nobody's password matches, verified for unknown usernames so that a login for a name
 * that does not exist takes as long as one that does (no user enumeration by timing).
 */
export async function dummyHash(cost: number): Promise<string> {
  return hashPassword(crypto.randomBytes(16).toString('hex'), cost)
}

/** A random password for first start and resets: 20 characters, ~120 bits. */
export function generatePassword(): string {
  return crypto.randomBytes(15).toString('base64url')
}

export const MIN_PASSWORD_LENGTH = 10
const MAX_PASSWORD_LENGTH = 200

const SEQUENCES = ['01234567890123456789', '98765432109876543210', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm']

// The handful every breach list starts with, plus the local favourites.
const COMMON = new Set([
  'password', 'password1', 'password123', '1234567890', '12345678910', 'qwertyuiop', '1q2w3e4r5t', 'iloveyou12',
  'administrator', 'admin12345', 'welcome123', 'letmein123', 'bismillah', 'bismillah123', 'indonesia', 'indonesia1',
  'indonesia123', 'jakarta123', 'rahasia123', 'sayang1234', 'bpjstk12345', 'jamsos1234', 'jamsostek1',
])

/**
 * Why a password is too weak, or undefined when it is acceptable. NIST SP 800-63B: length over
 * composition rules, and refuse known-common passwords and ones built from the account name.
 */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`
  const lower = password.toLowerCase()
  if (COMMON.has(lower)) return 'is one of the most common passwords'
  if (new Set(password).size < 4) return 'repeats too few different characters'
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the username'
  if (SEQUENCES.some((seq) => seq.includes(lower))) return 'is a simple sequence'
  return undefined
}
