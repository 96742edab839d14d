// The one connection pool to PostgreSQL, through postgres.js: SQL stays in plain sight as tagged
// templates with every value sent as a parameter.
import { AsyncLocalStorage } from 'node:async_hooks'
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

/**
 * Runs fn in a transaction on the pool, or inside the caller's transaction when given one.
 *
 * When the connection dies under the transaction (the database crashed, issue 12 §3), fn's error
 * is not handed back to postgres.js. postgres.js 3.4 (up to 3.4.9) answers a failed fn by writing
 * ROLLBACK to the transaction's connection; on a connection already closed that write throws from
 * a setImmediate, where no await catches it, ending the whole process (porsager/postgres#1154,
 * #1208; the upstream guard is not released). Nor may it be handed back later: by then the
 * connection may be open again for another request, and the ROLLBACK would land in that
 * request's transaction. No ROLLBACK is needed: a dead session's transaction died with it, and
 * postgres.js itself rejects `begin` with CONNECTION_CLOSED from the connection's close event
 * (which returns the connection to the pool); the caller gets that, a 503. fn's own promise is
 * left unsettled and is collected with the rest of the dead transaction.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ('savepoint' in db) return fn(db as Tx)
  const joined = requestTransaction.getStore()
  if (joined && joined.pool === db) return joinRequestTransaction(joined, fn)
  return (db as Sql).begin((tx) =>
    fn(tx).catch((e: unknown) => {
      if (connectionGone(e)) return new Promise<never>(() => {})
      throw e
    }),
  ) as Promise<T>
}

// The request's transaction -------------------------------------------------------------------
//
// A request with an Idempotency-Key runs in one transaction from its key's claim to the commit of
// its stored answer (src/platform/idempotency.ts, issue 13 §2): the business write, the key and
// the answer commit together or not at all. The handlers and the modules they call do not change:
// while a handler runs inside runInRequestTransaction, every inTransaction (and so withActor) on
// that pool joins the request's transaction as a savepoint, with the semantics it had alone: what
// it did stays when it returns (a refusal that commits an audit event, e.g. a duplicate probe,
// still does), and is undone when it throws, leaving the request's transaction usable for the
// refusal's stored answer. Statements run on the pool outside inTransaction are not joined.

interface JoinedTransaction {
  pool: Sql
  /** The innermost transaction or savepoint: a nested inTransaction nests in it. */
  tx: Tx
  /** Inside a joined inTransaction already (a nested call nests at once rather than queueing). */
  nested: boolean
  /** Sibling joins (e.g. two withActor under Promise.all) take turns: savepoints on one connection nest, they cannot interleave. */
  turn: { last: Promise<unknown> }
}

const requestTransaction = new AsyncLocalStorage<JoinedTransaction>()

/** Runs fn (a route handler) so that inTransaction(pool, …) inside it joins tx. */
export function runInRequestTransaction<T>(pool: Sql, tx: Tx, fn: () => T): T {
  return requestTransaction.run({ pool, tx, nested: false, turn: { last: Promise.resolve() } }, fn)
}

/**
 * Runs fn outside the request's transaction: its inTransaction calls open transactions of their
 * own that commit whatever becomes of the request (e.g. a counted failed password attempt).
 */
export function outsideRequestTransaction<T>(fn: () => T): T {
  return requestTransaction.exit(fn)
}

function joinRequestTransaction<T>(joined: JoinedTransaction, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const run = () =>
    new Promise<T>((resolve, reject) => {
      joined.tx
        .savepoint((sp) =>
          requestTransaction.run({ ...joined, tx: sp as Tx, nested: true }, () => fn(sp as Tx)).catch((e: unknown) => {
            // As in inTransaction: no ROLLBACK TO may be written to a dead connection (it would end
            // the process), so the savepoint is left unsettled and the caller gets the error.
            if (connectionGone(e)) {
              reject(e)
              return new Promise<never>(() => {})
            }
            throw e
          }),
        )
        .then((v) => resolve(v as T), reject)
    })
  if (joined.nested) return run()
  const mine = joined.turn.last.then(run, run)
  joined.turn.last = mine.catch(() => {})
  return mine
}

/** A transaction held open across a request's hooks; ended by commit() or rollback(). */
export interface OpenTransaction {
  tx: Tx
  /** Commits; rejects when the commit (or any statement before it) failed, and nothing was kept. */
  commit(): Promise<void>
  /** Undoes everything. Never rejects. */
  rollback(cause?: unknown): Promise<void>
}

const ROLLBACK = Symbol('rollback')

/**
 * Opens a transaction on the pool that stays open until commit() or rollback(). If the
 * connection dies meanwhile, the transaction is gone with it: commit() rejects with the
 * connection's error, and nothing is written to the dead connection (see inTransaction).
 */
export async function openTransaction(pool: Sql): Promise<OpenTransaction> {
  let decide!: (commit: boolean) => void
  const decided = new Promise<boolean>((r) => (decide = r))
  let opened!: (tx: Tx) => void
  const ready = new Promise<Tx>((r) => (opened = r))
  let gone: unknown = null
  const ended = pool
    .begin(async (tx) => {
      opened(tx as Tx)
      if (!(await decided)) throw ROLLBACK
    })
    .then(
      () => undefined,
      (e: unknown) => {
        if (e === ROLLBACK) return undefined
        if (connectionGone(e)) gone = e
        throw e
      },
    )
  ended.catch(() => {})
  const tx = await Promise.race([ready, ended.then(() => Promise.reject(new Error('the transaction ended before it began')))])
  const settle = async (commit: boolean, cause?: unknown): Promise<void> => {
    if (cause !== undefined && connectionGone(cause)) gone ??= cause
    // The connection's close event rejects `begin` (above) in the turn the socket closed; a turn
    // later, a dead connection is known here and is never written to again.
    await new Promise((r) => setImmediate(r))
    if (gone) {
      if (commit) throw gone
      return
    }
    decide(commit)
    await ended
  }
  return {
    tx,
    commit: () => settle(true),
    rollback: (cause?: unknown) => settle(false, cause).catch(() => {}),
  }
}

/** The session is over: postgres.js lost the socket, or the server said FATAL (it then closes it). */
function connectionGone(e: unknown): boolean {
  const { code, severity } = (e ?? {}) as { code?: unknown; severity?: unknown }
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) || severity === 'FATAL' || severity === 'PANIC'
}

// Failures of the connection itself, as postgres.js reports them: the socket's errno (nothing
// listens, the peer went away) or its own codes for a connection closed under a query.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT',
])

/**
 * Whether an error says the database cannot be reached now, rather than anything about the
 * query: a connection failure, SQLSTATE class 08 (connection exception), 57P01–57P03 (the server
 * is shutting down, crashed, or still starting or recovering) or 53300 (no connection slot).
 * A retry later may succeed, so callers answer 503, not 500 (issue 12 §3).
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code
  if (typeof code !== 'string') return false
  return CONNECTION_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)
}
