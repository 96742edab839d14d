import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readNdjson } from './ndjson.ts'

async function readAll(text: string, chunkBytes?: number): Promise<unknown[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-ndjson-'))
  const file = path.join(dir, 'rows.ndjson')
  fs.writeFileSync(file, text)
  try {
    const rows: unknown[] = []
    for await (const r of readNdjson(file, chunkBytes)) rows.push(r)
    return rows
  } finally {
    fs.rmSync(dir, { recursive: true })
  }
}

test('NDJSON: one row a line; blank lines, CRLF and a missing final newline are fine', async () => {
  const rows = await readAll('{"a":1}\r\n\n  \n{"a":2}\n{"a":3}')
  assert.deepEqual(rows, [{ a: 1 }, { a: 2 }, { a: 3 }])
})

test('NDJSON: a line that is not JSON becomes a refusable row naming its line', async () => {
  const rows = await readAll('{"a":1}\n{"a":\n{"a":3}\n')
  assert.deepEqual(rows, [{ a: 1 }, { __invalid: 'line 2 is not valid JSON' }, { a: 3 }])
})

test('NDJSON: lines longer than the read buffer, and multi-byte letters split across reads, arrive whole', async () => {
  // 7-byte reads split "Ñ" (2 bytes) and "ꦗ" (Javanese script, 3 bytes) across chunk boundaries.
  const names = ['Ñoman Ñata', 'ꦗꦮ Sutrisno', 'Siti Nurhaliza binti Abdul Rahman Wahyuningsih']
  const text = names.map((fullName) => JSON.stringify({ fullName })).join('\n') + '\n'
  for (const chunk of [7, 8, 13, 64]) {
    assert.deepEqual(await readAll(text, chunk), names.map((fullName) => ({ fullName })), `reads of ${chunk} bytes`)
  }
})
