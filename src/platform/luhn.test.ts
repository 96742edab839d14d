import { test } from 'node:test'
import assert from 'node:assert/strict'
import { luhnCheckDigit, luhnValid } from './luhn.ts'

test('the textbook Luhn examples: 7992739871 takes 3, 4539 1488 0343 6467 is valid', () => {
  assert.equal(luhnCheckDigit('7992739871'), 3)
  assert.equal(luhnValid('79927398713'), true)
  assert.equal(luhnValid('4539148803436467'), true)
})

test('a check digit of 0 when the sum is already a multiple of ten', () => {
  // 1000000001: doubled digits (from the right) 1→2 and the 0s; 2 + 1 = 3 → 7. 0000 → 0.
  assert.equal(luhnCheckDigit('1000000001'), 7)
  assert.equal(luhnCheckDigit('0000'), 0)
  assert.equal(luhnValid('00000'), true)
})

test('every single-digit change and the adjacent swap 12 → 21 are caught', () => {
  const good = '79927398713'
  for (let i = 0; i < good.length; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === good[i]) continue
      const bad = good.slice(0, i) + d + good.slice(i + 1)
      assert.equal(luhnValid(bad), false, bad)
    }
  }
  const withPair = '12' + '0000000' + String(luhnCheckDigit('120000000'))
  assert.equal(luhnValid(withPair), true)
  assert.equal(luhnValid('21' + withPair.slice(2)), false)
})

test('non-digits and too-short inputs are never valid', () => {
  assert.equal(luhnValid(''), false)
  assert.equal(luhnValid('0'), false)
  assert.equal(luhnValid('7992739871a'), false)
  assert.equal(luhnValid(' 79927398713'), false)
  assert.throws(() => luhnCheckDigit('12a'), /decimal digits/)
  assert.throws(() => luhnCheckDigit(''), /decimal digits/)
})
