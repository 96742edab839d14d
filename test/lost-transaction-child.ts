// Run as a child process by src/platform/db.test.ts: a transaction whose backend is terminated
// while a statement runs, then more queries on the same pool. `raw` uses postgres.js's begin
// directly; `jamsos` goes through inTransaction.
import { createPool, inTransaction, type Tx } from '../src/platform/db.ts'

const [url, mode] = process.argv.slice(2)
if (!url || !mode) throw new Error('usage: lost-transaction-child.ts URL raw|jamsos')
// Two connections, as any real pool has more than one: the terminated one rejoins the pool.
const sql = createPool(url, { max: 2 })
const killer = createPool(url, { max: 1 })
const work = async (tx: Tx) => {
  const [row] = await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`
  const pid = row!.pid
  setTimeout(() => void killer`SELECT pg_terminate_backend(${pid})`.catch(() => {}), 200)
  await tx`SELECT pg_sleep(5)`
}
try {
  await (mode === 'raw' ? sql.begin(work) : inTransaction(sql, work))
  console.log('transaction: committed')
} catch (e) {
  console.log(`transaction: ${(e as { code?: string }).code ?? (e as Error).message}`)
}
await new Promise((r) => setTimeout(r, 300))
for (let i = 0; i < 3; i++) {
  const [row] = await sql<{ x: number }[]>`SELECT ${i}::int AS x`
  console.log(`after: ${row!.x}`)
}
await sql.end({ timeout: 1 })
await killer.end({ timeout: 1 })
