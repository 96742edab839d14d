import { test } from 'node:test'
import assert from 'node:assert/strict'
import { changeOf } from './change.ts'

const member = { phone: '081234567891', address: 'Jl. Raya Jaten No. 14', villageCode: '35.05.01.2001', occupation: 'petani', monthlyIncome: 1_000_000, programs: ['JKK', 'JKM'], version: 3 }
const asRead = { phone: member.phone, address: member.address, villageCode: member.villageCode, occupation: member.occupation, jht: false }

test('nothing changed: nothing to send', () => {
  assert.equal(changeOf(member, asRead, 1_000_000), null)
  // The same programs in another order are no change.
  assert.equal(changeOf({ ...member, programs: ['JHT', 'JKM', 'JKK'] }, { ...asRead, jht: true }, 1_000_000), null)
})

test('only the fields that differ are sent, with the version read', () => {
  assert.deepEqual(changeOf(member, { ...asRead, jht: true }, 2_500_000), { monthlyIncome: 2_500_000, programs: ['JKK', 'JKM', 'JHT'], version: 3 })
  assert.deepEqual(changeOf(member, { ...asRead, phone: '0812 0000 1111', villageCode: '35.05.01.2002' }, 1_000_000), {
    phone: '0812 0000 1111',
    villageCode: '35.05.01.2002',
    version: 3,
  })
  assert.deepEqual(changeOf({ ...member, programs: ['JKK', 'JKM', 'JHT'] }, asRead, 1_000_000), { programs: ['JKK', 'JKM'], version: 3 })
})

test('an income that is not a number is sent as 0, so the API names the field', () => {
  assert.deepEqual(changeOf(member, asRead, null), { monthlyIncome: 0, version: 3 })
})
