// Schemas shared by every module's routes (TypeBox → JSON Schema → validation, types and OpenAPI).
import { Type, type Static } from 'typebox'

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
/** Integer Rupiah: money is never a float. */
export const Rupiah = Type.Integer({ minimum: 0, description: 'Integer Rupiah' })

export const Page = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from the previous page' })),
})
export type Page = Static<typeof Page>

/** A string limited to listed values: a plain JSON-schema `enum` (clean in OpenAPI) typed as their union. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts })
}
