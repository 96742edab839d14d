// Configuration comes from the environment, read once. Every knob is documented in README.md.
import path from 'node:path'

export interface Config {
  /** HTTP port (PORT, default 3000). */
  port: number
  /** HTTP bind address (HOST, default 127.0.0.1). */
  host: string
  /** External PostgreSQL; when unset the embedded server under dataDir is used. */
  databaseUrl: string | undefined
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
  /** Branch office configuration file (regencies merged into one Kantor Cabang). */
  branchesFile: string
  logLevel: string
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
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

/** The repository root: migrations/ and config/ are resolved from here, not from the cwd. */
export const projectRoot = root

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`)
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
    throw new Error(`JAMSOS_BILL_MONTHS must list whole months from 1 to 12, got "${value}"`)
  }
  return [...new Set(months)].sort((a, b) => a - b)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int('PORT', env.PORT, 3000),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.JAMSOS_DATA_DIR || '.jamsos'),
    demo: flag(env.JAMSOS_DEMO, true),
    demoParticipants: int('JAMSOS_DEMO_PARTICIPANTS', env.JAMSOS_DEMO_PARTICIPANTS, 20_000),
    nikKey: env.JAMSOS_NIK_KEY || undefined,
    nikIndexKey: env.JAMSOS_NIK_INDEX_KEY || undefined,
    branchesFile: path.resolve(env.JAMSOS_BRANCHES_FILE || path.join(root, 'config', 'branches.json')),
    logLevel: env.LOG_LEVEL || 'info',
    corsOrigins: (env.JAMSOS_CORS_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean),
    adminPassword: env.JAMSOS_ADMIN_PASSWORD || undefined,
    scryptCost: int('JAMSOS_SCRYPT_COST', env.JAMSOS_SCRYPT_COST, 1 << 15),
    graceMonths: int('JAMSOS_GRACE_MONTHS', env.JAMSOS_GRACE_MONTHS, 3),
    billMonths: monthsList(env.JAMSOS_BILL_MONTHS),
  }
}
