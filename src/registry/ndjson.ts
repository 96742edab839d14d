// Reading registration files: NDJSON, one registration body (as POST /participants takes) a line.
import fs from 'node:fs'
import type { RegistrationInput } from './registration.ts'

const CHUNK = 1 << 20
const NEWLINE = 0x0a

/**
 * Streams a file (or standard input for '-') line by line, parsing each non-blank line as JSON.
 * A file is read into one reused buffer and each line decoded on its own, so a load of any size
 * holds one chunk of bytes and one line of text at a time (no megabyte strings for the garbage
 * collector to carry).
 */
export async function* readNdjson(file: string, chunkBytes = CHUNK): AsyncGenerator<RegistrationInput> {
  let line = 0
  const parse = (text: string) => {
    line++
    try {
      return JSON.parse(text) as RegistrationInput
    } catch {
      // A line that is not JSON becomes a row the rules refuse, reported with its position.
      return { __invalid: `line ${line} is not valid JSON` } as unknown as RegistrationInput
    }
  }
  let buf: Buffer = Buffer.allocUnsafe(chunkBytes)
  let filled = 0
  for await (const n of fill(file, () => buf, (b) => (buf = b), () => filled)) {
    filled += n
    const view = buf.subarray(0, filled)
    let start = 0
    for (let nl = view.indexOf(NEWLINE, start); nl >= 0; nl = view.indexOf(NEWLINE, start)) {
      const text = view.toString('utf8', start, nl).trim()
      start = nl + 1
      if (text) yield parse(text)
    }
    // Keep the unfinished last line at the front for the next read.
    buf.copy(buf, 0, start, filled)
    filled -= start
  }
  const rest = buf.toString('utf8', 0, filled).trim()
  if (rest) yield parse(rest)
}

/**
 * Reads into buf after its first `filled()` bytes, yielding how many bytes each read added; grows
 * the buffer when a single line fills it.
 */
async function* fill(file: string, get: () => Buffer, set: (b: Buffer) => void, filled: () => number): AsyncGenerator<number> {
  const grow = () => {
    const b = get()
    if (filled() < b.length) return
    const bigger = Buffer.allocUnsafe(b.length * 2)
    b.copy(bigger, 0, 0, filled())
    set(bigger)
  }
  if (file === '-') {
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      let at = 0
      while (at < chunk.length) {
        grow()
        const n = chunk.copy(get(), filled(), at)
        at += n
        yield n
      }
    }
    return
  }
  const fh = await fs.promises.open(file, 'r')
  try {
    for (;;) {
      grow()
      const b = get()
      const { bytesRead } = await fh.read(b, filled(), b.length - filled(), null)
      if (bytesRead === 0) return
      yield bytesRead
    }
  } finally {
    await fh.close()
  }
}
