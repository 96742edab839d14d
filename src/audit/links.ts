// The keyed chain's rule (issue 13 §1): what one link's HMAC covers. Pure: values in, values out.
//
// A link is made for every id from 1 up, in order: an event's link covers the event's canonical
// text (rendered by PostgreSQL from the stored row, src/audit/queries.ts CANONICAL_EVENT); a gap's
// link records an id no committed transaction holds. Each covers the link before it, so a link
// cannot be moved, dropped or added without breaking the next one, and the HMAC key (never in the
// database) keeps anyone who can only write rows from making links that verify.
import crypto from 'node:crypto'
export { GENESIS_HASH } from './chain.ts'

export type LinkKind = 'event' | 'gap'

/** Versioned, so a later scheme can never produce the same input as this one. */
const SCHEME = 'jamsos-audit-link-v1'

/**
 * HMAC-SHA256 (hex) of one link: its kind, its id, the previous link's hash and, for an event,
 * the canonical text's UTF-8 bytes exactly as PostgreSQL returned them.
 */
export function linkHash(key: Buffer, kind: LinkKind, id: number, prevHash: string, canonical: Buffer | null): string {
  const h = crypto.createHmac('sha256', key)
  h.update(`${SCHEME}\n${kind}\n${id}\n${prevHash}\n`, 'utf8')
  if (kind === 'event') {
    if (!canonical) throw new Error(`audit event ${id}: an event link needs the event's canonical text`)
    h.update(canonical)
  }
  return h.digest('hex')
}
