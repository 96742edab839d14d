// One text per JSON value: object keys sorted at every level, undefined members left out. Used
// wherever a value is hashed and must hash the same however it was built (an Idempotency-Key's
// request fingerprint, the audit chain). It lives in the platform so that neither of those users
// depends on the other (issue 13 §4: auth imported the audit module for this function alone).

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
}
