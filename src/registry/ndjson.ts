// Reading registration files: NDJSON, one registration body (as POST /participants takes) a line.
import fs from 'node:fs'
import type { RegistrationInput } from './registration.ts'

/** Streams a file (or standard input for '-') line by line, parsing each non-blank line as JSON. */
export async function* readNdjson(file: string): AsyncGenerator<RegistrationInput> {
  const stream = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 })
  let rest = ''
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
  for await (const chunk of stream) {
    const text = rest + chunk.toString('utf8')
    let start = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const l = text.slice(start, nl).trim()
      start = nl + 1
      if (l) yield parse(l)
    }
    rest = text.slice(start)
  }
  if (rest.trim()) yield parse(rest.trim())
}
