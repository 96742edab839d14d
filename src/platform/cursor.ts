// One pagination style for every list (issue 13 §5): keyset pages. A list reads `limit + 1` rows
// after the last row of the previous page in its own stable order, answers the first `limit` as
// `items` and, when there were more, `nextCursor`: that last row's sort key, opaque to the caller
// (base64url of a JSON array). Unlike an offset, a keyset page costs the same on page 1 and page
// 10,000 (an index range, not rows read and thrown away), and rows written meanwhile neither
// repeat nor go missing across pages.
import { AppError, PlatformErrors } from './errors.ts'

/** The kinds of value a sort key holds, in order: text, or a safe integer. */
export type CursorShape = readonly ('text' | 'int')[]
export type CursorKey<S extends CursorShape> = { -readonly [K in keyof S]: S[K] extends 'int' ? number : string }

/** The cursor naming a row by its sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/**
 * The sort key a cursor names, checked against the list's shape; anything else (altered, from
 * another list, made up) is CURSOR_INVALID on the field `cursor`, a 400, never a 500.
 */
export function decodeCursor<const S extends CursorShape>(cursor: string, shape: S): CursorKey<S> {
  let key: unknown
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error()
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw invalid()
  key.forEach((v, i) => {
    const ok = shape[i] === 'int' ? Number.isSafeInteger(v) : typeof v === 'string'
    if (!ok) throw invalid()
  })
  return key as CursorKey<S>
}

const invalid = () => AppError.field(PlatformErrors.CURSOR_INVALID, 'cursor', 'not a cursor this list handed out')

/**
 * A page from rows read with `limit + 1`: the first `limit` rows, and the cursor of the last of
 * them when the extra row shows there is more.
 */
export function pageOf<R>(rows: readonly R[], limit: number, keyOf: (row: R) => readonly (string | number)[]): { items: R[]; nextCursor: string | null }
export function pageOf<R, I>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
  view: (row: R) => I,
): { items: I[]; nextCursor: string | null }
export function pageOf<R>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => readonly (string | number)[],
  view?: (row: R) => unknown,
): { items: unknown[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    items: view ? page.map(view) : page,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}
