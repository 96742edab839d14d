import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseTimestamp, sha256Hex, signaturesMatch, signingString, signRequest, timestampProblem } from './signature.ts'

// The worked example of docs/security.md: keep the two in step.
const secret = 'sk_example-secret-do-not-use'
const body = '{"kpj":"10000000011","months":3}'
const ts = '2026-03-01T08:00:00Z'

test('the signing string is METHOD, path with query, timestamp and body hash, one per line', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  assert.equal(
    signingString('post', '/api/v1/bills?dryRun=false', ts, sha256Hex(body)),
    `POST\n/api/v1/bills?dryRun=false\n${ts}\n${sha256Hex(body)}`,
  )
})

test('the worked example signs to the documented value', () => {
  assert.equal(sha256Hex(body), '4a7f7ef50eb67b808fc5d1d9675ee3a0ffc9b3b47011b39d07b6786a100c724c')
  const sig = signRequest(secret, 'POST', '/api/v1/bills', ts, body)
  assert.equal(sig, '8f218d8f2f975e4d1f39d6cc6389ab9db2c4fc73147ac3a14c0359dd0c3a8c4a')
  assert.equal(signaturesMatch(sig, sig.toUpperCase()), true)
  assert.equal(signaturesMatch(sig, signRequest(secret, 'POST', '/api/v1/bills', ts, body + ' ')), false)
  assert.equal(signaturesMatch(sig, 'not-hex'), false)
})

test('timestamps: RFC 3339 with an offset or epoch seconds; nothing else', () => {
  assert.deepEqual(parseTimestamp('2026-03-01T15:00:00+07:00'), new Date('2026-03-01T08:00:00Z'))
  assert.deepEqual(parseTimestamp('1772352000'), new Date('2026-03-01T08:00:00Z'))
  assert.equal(parseTimestamp('2026-03-01T08:00:00'), undefined, 'no offset: ambiguous')
  assert.equal(parseTimestamp('yesterday'), undefined)
})

test('a signature is good for five minutes either side of the server clock', () => {
  const now = new Date('2026-03-01T08:05:00Z')
  assert.equal(timestampProblem(new Date('2026-03-01T08:00:00Z'), now, 300), undefined)
  assert.equal(timestampProblem(new Date('2026-03-01T07:59:59Z'), now, 300), 'expired')
  assert.equal(timestampProblem(new Date('2026-03-01T08:10:01Z'), now, 300), 'future')
})
