// The idn-area-data CSV files, read the way their own package reads them (papaparse): a field is
// quoted only when it starts with a quote, and a quote inside an unquoted field is a letter. The
// villages file has such names (Soka"an, Ko"ol), which PostgreSQL's CSV mode would read as the
// start of a quoted field, so the rows are parsed here and sent to COPY in its text format.
import { copyText } from '../platform/copy.ts'

/** Parses CSV text into rows of fields. Accepts \n and \r\n line ends; ignores a final newline. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    let field = ''
    if (text[i] === '"') {
      // Quoted field: "" is a quote; it ends at a quote followed by a separator or line end.
      i++
      for (;;) {
        const q = text.indexOf('"', i)
        if (q < 0) throw new Error(`unterminated quoted field in row ${rows.length + 1}`)
        field += text.slice(i, q)
        if (text[q + 1] === '"') {
          field += '"'
          i = q + 2
        } else {
          i = q + 1
          break
        }
      }
    } else {
      let j = i
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++
      field = text.slice(i, j)
      i = j
    }
    row.push(field)
    if (text[i] === ',') {
      i++
      if (i === n) row.push('')
    } else {
      if (text[i] === '\r') i++
      if (text[i] === '\n') i++
      else if (i < n) throw new Error(`unexpected character after quoted field in row ${rows.length + 1}`)
      rows.push(row)
      row = []
    }
  }
  if (row.length) rows.push(row)
  return rows
}

/** One row as a line of COPY's text format: tab-separated, with \\, tab and line ends escaped. */
export function copyTextLine(fields: string[]): string {
  return fields.map(copyText).join('\t') + '\n'
}
