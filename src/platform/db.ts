// The one connection pool to PostgreSQL, through postgres.js: SQL stays in plain sight as tagged
// templates with every value sent as a parameter.
import postgres from 'postgres'

export type Sql = postgres.Sql
export type Tx = postgres.TransactionSql
/** Anything a query function can run on: the pool or a transaction the caller opened. */
export type Db = Sql | Tx

/** pg returns int8 as text; parse once to number and fail loudly rather than round past 2^53. */
function parseBigint(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${text} exceeds Number.MAX_SAFE_INTEGER`)
  return n
}

export interface PoolOptions {
  max?: number
  /** Run every session as this role (used for the restricted application role). */
  role?: string
  onnotice?: (n: postgres.Notice) => void
}

export function createPool(url: string, opts: PoolOptions = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: opts.onnotice ?? (() => {}),
    connection: {
      TimeZone: 'UTC',
      application_name: 'jamsos',
      ...(opts.role ? { role: opts.role } : {}),
    },
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint | string) => String(x),
        parse: parseBigint,
      },
      // Business dates stay 'YYYY-MM-DD' strings: a JS Date would drag a time zone into them.
      date: {
        to: 1082,
        from: [1082],
        serialize: (x: string) => x,
        parse: (x: string) => x,
      },
    },
  })
}

/** Runs fn in a transaction on the pool, or inside the caller's transaction when given one. */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ('savepoint' in db) return fn(db as Tx)
  return (db as Sql).begin(fn) as Promise<T>
}
