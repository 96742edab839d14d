import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { GENESIS_HASH, linkHash } from './links.ts'

const key = Buffer.alloc(32, 1)
const text = Buffer.from('[7, "2026-03-01T08:00:00.123456Z", "user", 12, null, "siti", "branch_officer", "10.0.0.7", "participant.update", "participant", "10000000011", "KC3505", {"after": {"phone": "0822"}}]')

test('a link is HMAC-SHA256 under the key over its kind, id, the previous link and the stored text', () => {
  const h = linkHash(key, 'event', 7, GENESIS_HASH, text)
  const expected = crypto
    .createHmac('sha256', key)
    .update(`jamsos-audit-link-v1\nevent\n7\n${GENESIS_HASH}\n`)
    .update(text)
    .digest('hex')
  assert.equal(h, expected)
  for (const other of [
    linkHash(Buffer.alloc(32, 2), 'event', 7, GENESIS_HASH, text),
    linkHash(key, 'event', 8, GENESIS_HASH, text),
    linkHash(key, 'event', 7, 'f'.repeat(64), text),
    linkHash(key, 'event', 7, GENESIS_HASH, Buffer.concat([text, Buffer.from(' ')])),
    linkHash(key, 'gap', 7, GENESIS_HASH, null),
  ]) {
    assert.match(other, /^[0-9a-f]{64}$/)
    assert.notEqual(other, h)
  }
  assert.throws(() => linkHash(key, 'event', 7, GENESIS_HASH, null), /needs the event's canonical text/)
})
