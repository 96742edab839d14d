// Well-formed Unicode at the edge. A JavaScript string is UTF-16 and may hold a lone surrogate
// (JSON's "\ud800" parses to one); PostgreSQL, whose text is UTF-8, stores U+FFFD in its place. A
// value that changes between the check and the row breaks whatever was computed over it: the
// audit chain hashed the string it was given and stopped verifying from that event on (issue 12,
// item 7). Such text is refused where it comes in: every request field (src/platform/http.ts) and
// every bulk row (src/registry/registration.ts).

declare global {
  interface String {
    /** ES2024, in V8 since Node 20: true unless the string holds a lone surrogate. */
    isWellFormed(): boolean
    /** ES2024: the string with each lone surrogate replaced by U+FFFD. */
    toWellFormed(): string
  }
}

/** Whether a value (string, or any object key or string inside it) is all well-formed text. */
function allWellFormed(value: unknown): boolean {
  // Iterative, so a deeply nested body cannot exhaust the stack.
  const stack: unknown[] = [value]
  while (stack.length) {
    const v = stack.pop()
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return false
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x)
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (!k.isWellFormed()) return false
        stack.push((v as Record<string, unknown>)[k])
      }
    }
  }
  return true
}

/**
 * Dotted paths (as the error model names fields: `reference`, `heirs.0.fullName`) of the strings
 * and object keys in a value that are not well-formed, in document order, at most `max` of them.
 * A bad key appears in its path with U+FFFD, so the error itself is always well-formed. The common
 * case, nothing wrong, walks the value once without building any path.
 */
export function illFormedTextPaths(value: unknown, prefix = '', max = 10): string[] {
  if (allWellFormed(value)) return []
  const out: string[] = []
  const join = (p: string, k: string) => (p ? `${p}.${k}` : k)
  const stack: [unknown, string][] = [[value, prefix]]
  while (stack.length && out.length < max) {
    const [v, path] = stack.pop()!
    if (typeof v === 'string') {
      if (!v.isWellFormed()) out.push(path || '(body)')
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, String(i))])
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v)
      // Pushed in reverse so they come off in document order; a bad key is reported before its value.
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!
        const p = join(path, k.toWellFormed())
        stack.push([(v as Record<string, unknown>)[k], p])
        if (!k.isWellFormed()) stack.push([k, p])
      }
    }
  }
  return out
}
