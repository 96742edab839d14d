// Schemas shared by every module's routes (TypeBox → JSON Schema → validation, types and OpenAPI).
import { Type, type Static, type TObjectOptions, type TProperties, type TSchema } from 'typebox'

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code, e.g. NIK_INVALID' }),
      message: Type.String(),
      fields: Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { $id: undefined, description: 'Error' },
)

export const IsoDateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' })
export const YearMonthString = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })
/** Any JSON object (a change's before and after, a payload): typed as a record of unknowns, not `object`. */
export const JsonObject = (opts: { description?: string } = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...opts })
/** Integer Rupiah: money is never a float. */
export const Rupiah = Type.Integer({ minimum: 0, description: 'Integer Rupiah' })

/**
 * The paging fields of every list's query (src/platform/cursor.ts): how many items, and where to
 * go on from. A list's querystring is PageQuery(its filters); its answer PageOf(its item).
 */
export const Page = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page (opaque); leave out for the first page' })),
})
export type Page = Static<typeof Page>

/** A list's querystring: its own filters and the Page fields; an unknown parameter is a 400 naming it. */
export function PageQuery<P extends TProperties>(filters: P, opts: TObjectOptions = {}) {
  return Type.Object({ ...filters, ...Page.properties }, { additionalProperties: false, ...opts })
}

/** A list's answer: a page of items and the cursor of the next page (null after the last). */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' }),
  })
}

/** A string limited to listed values: a plain JSON-schema `enum` (clean in OpenAPI) typed as their union. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts })
}
