import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ancestorCodes, codePrefix, codeProblem, parentCode, regionLevel } from './codes.ts'

test('a code names its level by its dotted parts (Kemendagri: 35 / 35.05 / 35.05.01 / 35.05.01.2001)', () => {
  assert.equal(regionLevel('35'), 'province')
  assert.equal(regionLevel('35.05'), 'regency')
  assert.equal(regionLevel('35.05.01'), 'district')
  assert.equal(regionLevel('35.05.01.2001'), 'village')
  for (const bad of ['3', '350', '3505', '35.5', '35.05.1', '35.05.01.201', '35.05.01.2001.1', 'ab', '', '35.05.01.2001 ']) {
    assert.equal(regionLevel(bad), undefined, bad)
  }
})

test('a village code carries its district, regency and province', () => {
  assert.deepEqual(ancestorCodes('35.05.01.2001'), ['35', '35.05', '35.05.01'])
  assert.equal(parentCode('35.05.01.2001'), '35.05.01')
  assert.equal(parentCode('35.05'), '35')
  assert.equal(parentCode('35'), null)
  assert.deepEqual(ancestorCodes('x'), [])
})

test('codeProblem explains a malformed code and passes a good one', () => {
  assert.equal(codeProblem('35.05'), undefined)
  assert.match(codeProblem('35-05')!, /"35-05" is not a region code: expected 35, 35\.05/)
})

test('digits and dots search by code; an undotted NIK prefix is dotted; words search by name', () => {
  assert.equal(codePrefix('35.05'), '35.05')
  assert.equal(codePrefix('35.05.'), '35.05.')
  assert.equal(codePrefix('3'), '3')
  assert.equal(codePrefix('3505'), '35.05')
  assert.equal(codePrefix('350501'), '35.05.01')
  assert.equal(codePrefix('3505012001'), '35.05.01.2001')
  assert.equal(codePrefix('35050'), '35.05.0')
  assert.equal(codePrefix('blitar'), undefined)
  // A name that starts with digits ('19 Nopember', a village in 74.01.01) is a name.
  assert.equal(codePrefix('19 Nopember'), undefined)
})
