import { test } from 'node:test'
import assert from 'node:assert/strict'
import { auditHash, auditValue, canonicalJson, diffChanges, GENESIS_HASH, type AuditRow } from './chain.ts'

test('canonical JSON ignores key order at every level', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}')
  assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}')
})

test('only changed fields are kept, before and after', () => {
  assert.deepEqual(
    diffChanges({ phone: '0811', address: 'Jl. A', income: 1_000_000 }, { phone: '0822', address: 'Jl. A', income: 1_500_000 }),
    { before: { phone: '0811', income: 1_000_000 }, after: { phone: '0822', income: 1_500_000 } },
  )
  assert.deepEqual(diffChanges(undefined, { kpj: '10000000011' }), { after: { kpj: '10000000011' } })
  assert.deepEqual(diffChanges({ kpj: '10000000011' }, null), { before: { kpj: '10000000011' } })
  assert.equal(diffChanges(undefined, undefined), null)
})

test('a NIK never enters the trail in clear (UU 27/2022), nor do secrets or binaries', () => {
  assert.deepEqual(
    auditValue({
      nik: '3505014501900001',
      note: 'NIK 3505014501900001 corrected',
      nik_cipher: Buffer.from('x'),
      nik_hash: Buffer.from('y'),
      password_hash: 'scrypt$…',
      at: new Date('2026-03-01T08:00:00Z'),
    }),
    { nik: '3505**********01', note: 'NIK 3505**********01 corrected', at: '2026-03-01T08:00:00.000Z' },
  )
})

const row: AuditRow = {
  id: 1,
  at: new Date('2026-03-01T08:00:00.123Z'),
  actorKind: 'user',
  actorUserId: 7,
  actorPartnerId: null,
  actorName: 'siti',
  actorRole: 'branch_officer',
  ip: '10.0.0.1',
  action: 'participant.update',
  entityType: 'participant',
  entityId: '10000000011',
  branchCode: 'KC3505',
  changes: { before: { phone: '0811' }, after: { phone: '0822' } },
  prevHash: GENESIS_HASH,
}

test('the hash covers every field and the link to the previous event', () => {
  const h = auditHash(row)
  assert.match(h, /^[0-9a-f]{64}$/)
  assert.equal(auditHash({ ...row, changes: { after: { phone: '0822' }, before: { phone: '0811' } } }), h, 'key order does not matter')
  for (const changed of [
    { ...row, actorUserId: 8 },
    { ...row, at: new Date('2026-03-01T08:00:00.124Z') },
    { ...row, changes: { before: { phone: '0811' }, after: { phone: '0823' } } },
    { ...row, prevHash: 'f'.repeat(64) },
    { ...row, branchCode: null },
  ]) {
    assert.notEqual(auditHash(changed), h)
  }
})
