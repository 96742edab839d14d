// Configuration comes from the environment, read once. Every knob is documented in README.md.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** A setting with a value it cannot take; the message names the variable and what it accepts. */
export class ConfigError extends Error {}

export interface Config {
  /** HTTP port (PORT, default 3000). */
  port: number
  /** HTTP bind address (HOST, default 127.0.0.1). */
  host: string
  /** External PostgreSQL; when unset the embedded server under dataDir is used. */
  databaseUrl: string | undefined
  /**
   * With DATABASE_URL: the request pool's own login, a role that is (or is in) jamsos_app
   * (JAMSOS_APP_DATABASE_URL). Unset, Jamsos gives jamsos_app a login itself (platform/app-login.ts).
   */
  appDatabaseUrl: string | undefined
  /** Where the embedded PostgreSQL cluster, development keys and instance files live. */
  dataDir: string
  /** Load synthetic demo participants on first start (JAMSOS_DEMO, default on). */
  demo: boolean
  /** How many demo participants the first start generates. */
  demoParticipants: number
  /** 32-byte key for AES-256-GCM encryption of NIKs (base64); generated into dataDir when unset. */
  nikKey: string | undefined
  /** 32-byte key for the NIK blind index (HMAC-SHA256, base64); generated into dataDir when unset. */
  nikIndexKey: string | undefined
  /**
   * 32-byte key (base64) of the audit chain's HMAC-SHA256 links (JAMSOS_AUDIT_KEY); when unset,
   * derived from the instance secret (JAMSOS_AUTH_KEY or <dataDir>/auth-keys.json): src/audit/key.ts.
   */
  auditKey: string | undefined
  /** Branch office configuration file (regencies merged into one Kantor Cabang). */
  branchesFile: string
  /** LOG_LEVEL; unset means the command's own default (info for the server, warn for the CLI). */
  logLevel: string | undefined
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For), JAMSOS_TRUST_PROXY:
   * unset trusts none (the socket's address is the client's); a number trusts that many hops; a
   * comma-separated list trusts those addresses or CIDR ranges. The per-address throttles and the
   * audit trail rely on the client address, so trusting every hop would let a client pick its own.
   */
  trustProxy: false | number | string[]
  /** Origins allowed by CORS (comma separated); empty means same-origin only. */
  corsOrigins: string[]
  /** Password for the first `admin` account; generated and printed once when unset. */
  adminPassword: string | undefined
  /** scrypt cost parameter N (power of two). */
  scryptCost: number
  /**
   * Months of arrears a BPU member may still pay after protection stops before membership lapses
   * (Perdir 22/PERDIR.02/072022 as reported: 3). JAMSOS_GRACE_MONTHS.
   */
  graceMonths: number
  /**
   * How many months one bill may cover. Apps let members pay 1 to 12 months at once; a fixed
   * 3/6/12-month rule is UNCONFIRMED, so the allowed set is configuration. JAMSOS_BILL_MONTHS.
   */
  billMonths: number[]
  /**
   * How long before Jamsos receives a payment notice the payment may say it was made
   * (JAMSOS_PAYMENT_SETTLEMENT_DAYS, default 7): banks settle a day or two late, longer over
   * holidays. Coverage counts a payment from when it was received; docs/coverage.md.
   */
  paymentSettlementDays: number
  /**
   * Registrations of a NIK registered outside the caller's scope, per caller, within
   * duplicateProbeWindowMinutes, before that caller's registrations are refused for a while
   * (JAMSOS_DUPLICATE_PROBE_LIMIT, default 20; JAMSOS_DUPLICATE_PROBE_WINDOW_MINUTES, default 60).
   */
  duplicateProbeLimit: number
  duplicateProbeWindowMinutes: number
  /**
   * The address the public reaches this server at, e.g. https://jamsos.example.go.id
   * (JAMSOS_PUBLIC_URL): the QR code of a membership card holds <publicUrl>/verify/<token>. Unset,
   * the address the issuing request came to is used (fine on one host; set it behind a proxy).
   */
  publicUrl: string | undefined
  /** Card verifications per minute per address, page and API together (JAMSOS_CARD_VERIFY_RATE_LIMIT, default 60). */
  cardVerifyRateLimit: number
}

// fileURLToPath, not URL.pathname: a path with a space or non-ASCII letters stays a real path.
const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')

/** The repository root: migrations/ and config/ are resolved from here, not from the cwd. */
export const projectRoot = root

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${value}"`)
  return n
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  return !['off', '0', 'false', 'no'].includes(value.toLowerCase())
}

function monthsList(value: string | undefined): number[] {
  if (!value) return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
  const months = value.split(',').map((s) => Number(s.trim()))
  if (!months.every((m) => Number.isInteger(m) && m >= 1 && m <= 12)) {
    throw new ConfigError(`JAMSOS_BILL_MONTHS must list whole months from 1 to 12, got "${value}"`)
  }
  return [...new Set(months)].sort((a, b) => a - b)
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

function logLevel(value: string | undefined): string | undefined {
  if (!value) return undefined
  if (!LOG_LEVELS.includes(value)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`)
  return value
}

/** scrypt's N must be a power of two; below 2^10 it protects nothing, above 2^20 a login takes seconds. */
function scryptCost(value: string | undefined): number {
  const n = int('JAMSOS_SCRYPT_COST', value, 1 << 15)
  if (n < 1 << 10 || n > 1 << 20 || (n & (n - 1)) !== 0) throw new ConfigError(`JAMSOS_SCRYPT_COST must be a power of two from 1024 to 1048576, got "${value}"`)
  return n
}

function trustProxy(value: string | undefined): false | number | string[] {
  if (!value || ['off', '0', 'false', 'no'].includes(value.toLowerCase())) return false
  if (/^\d+$/.test(value)) return Number(value)
  const list = value.split(',').map((s) => s.trim()).filter(Boolean)
  if (!list.length || !list.every((a) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(a))) {
    throw new ConfigError(`JAMSOS_TRUST_PROXY must be a number of proxy hops or a comma-separated list of proxy addresses or CIDR ranges, got "${value}"`)
  }
  return list
}

function publicUrl(value: string | undefined): string | undefined {
  if (!value) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`JAMSOS_PUBLIC_URL must be an absolute http(s) address such as https://jamsos.example.go.id, got "${value}"`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw new ConfigError(`JAMSOS_PUBLIC_URL must be an http(s) address without query, fragment or credentials, got "${value}"`)
  }
  return url.toString().replace(/\/+$/, '')
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int('PORT', env.PORT, 3000),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    appDatabaseUrl: env.JAMSOS_APP_DATABASE_URL || undefined,
    dataDir: path.resolve(env.JAMSOS_DATA_DIR || '.jamsos'),
    demo: flag(env.JAMSOS_DEMO, true),
    demoParticipants: int('JAMSOS_DEMO_PARTICIPANTS', env.JAMSOS_DEMO_PARTICIPANTS, 20_000),
    nikKey: env.JAMSOS_NIK_KEY || undefined,
    nikIndexKey: env.JAMSOS_NIK_INDEX_KEY || undefined,
    auditKey: env.JAMSOS_AUDIT_KEY || undefined,
    branchesFile: path.resolve(env.JAMSOS_BRANCHES_FILE || path.join(root, 'config', 'branches.json')),
    logLevel: logLevel(env.LOG_LEVEL),
    trustProxy: trustProxy(env.JAMSOS_TRUST_PROXY),
    corsOrigins: (env.JAMSOS_CORS_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean),
    adminPassword: env.JAMSOS_ADMIN_PASSWORD || undefined,
    scryptCost: scryptCost(env.JAMSOS_SCRYPT_COST),
    graceMonths: int('JAMSOS_GRACE_MONTHS', env.JAMSOS_GRACE_MONTHS, 3),
    billMonths: monthsList(env.JAMSOS_BILL_MONTHS),
    paymentSettlementDays: int('JAMSOS_PAYMENT_SETTLEMENT_DAYS', env.JAMSOS_PAYMENT_SETTLEMENT_DAYS, 7),
    duplicateProbeLimit: int('JAMSOS_DUPLICATE_PROBE_LIMIT', env.JAMSOS_DUPLICATE_PROBE_LIMIT, 20),
    duplicateProbeWindowMinutes: int('JAMSOS_DUPLICATE_PROBE_WINDOW_MINUTES', env.JAMSOS_DUPLICATE_PROBE_WINDOW_MINUTES, 60),
    publicUrl: publicUrl(env.JAMSOS_PUBLIC_URL),
    cardVerifyRateLimit: int('JAMSOS_CARD_VERIFY_RATE_LIMIT', env.JAMSOS_CARD_VERIFY_RATE_LIMIT, 60),
  }
}
