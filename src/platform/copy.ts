// COPY … FROM STDIN in PostgreSQL's text format: the bulk paths' way in.
//
// A COPY the server refuses part-way is not safe with postgres.js 3.4: once the stream has ended
// the error is lost and the stream never finishes. So bulk paths COPY only rows that cannot be
// refused (fresh ids, NIKs already claimed), or COPY into a constraint-free staging table and
// move the rows with INSERT … SELECT, where any error surfaces as an ordinary query error.
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Tx } from './db.ts'

/** Streams lines (each ending in \n) into `COPY target FROM STDIN`. */
export async function copyLines(tx: Tx, target: string, lines: Iterable<string>): Promise<void> {
  const stream: Writable = await tx.unsafe(`COPY ${target} FROM STDIN`).writable()
  await pipeline(Readable.from(chunks(lines)), stream)
}

/** Sends ready-made COPY text-format data (whole lines) into `COPY target FROM STDIN` in one write. */
export async function copyBytes(tx: Tx, target: string, data: Buffer): Promise<void> {
  const stream: Writable = await tx.unsafe(`COPY ${target} FROM STDIN`).writable()
  await pipeline(Readable.from([data]), stream)
}

/** Joins lines into ~1 MB chunks: one stream write per chunk keeps the overhead low. */
function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk = ''
  for (const line of lines) {
    chunk += line
    if (chunk.length > 1_000_000) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** A text value escaped for COPY's text format. */
export function copyText(v: string): string {
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v
}

/** NULL, or the value as text. */
export function copyNullable(v: number | string | null): string {
  return v === null ? '\\N' : typeof v === 'string' ? copyText(v) : String(v)
}

/** A bytea value in COPY text format (hex, with the backslash escaped). */
export function copyBytea(b: Buffer): string {
  return `\\\\x${b.toString('hex')}`
}

/** A text[] value: {a,b} with each element double-quoted when needed. */
export function copyTextArray(values: readonly string[]): string {
  return copyText(`{${values.map((v) => (/^[A-Za-z0-9_.:-]+$/.test(v) ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`)
}
