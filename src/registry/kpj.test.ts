import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../platform/errors.ts'
import { luhnValid } from '../platform/luhn.ts'
import { idFromKpj, kpjFromId, parsePaymentCode, paymentCodeFor } from './kpj.ts'

function fieldError(fn: () => unknown): { code: string; path: string; reason: string | undefined } {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof AppError, String(e))
    assert.equal(e.fields.length, 1)
    const f = e.fields[0]!
    assert.equal(f.code, e.code)
    return { code: e.code, path: f.path, reason: f.reason }
  }
  assert.fail('expected an AppError')
}

test('the first participant, id 1000000001, has KPJ 10000000017', () => {
  assert.equal(kpjFromId(1_000_000_001), '10000000017')
  assert.equal(idFromKpj('10000000017'), 1_000_000_001)
})

test('a KPJ is 11 digits ending in a Luhn digit, and round-trips to its id', () => {
  for (const id of [1_000_000_001, 1_000_000_002, 1_234_567_890, 9_999_999_999]) {
    const kpj = kpjFromId(id)
    assert.match(kpj, /^\d{11}$/)
    assert.equal(kpj.slice(0, 10), String(id))
    assert.ok(luhnValid(kpj))
    assert.equal(idFromKpj(kpj), id)
  }
})

test('a KPJ with a mistyped digit, a wrong length or letters is KPJ_INVALID on field kpj', () => {
  assert.deepEqual(fieldError(() => idFromKpj('10000000018')), {
    code: 'KPJ_INVALID',
    path: 'kpj',
    reason: 'the check digit (the last one) does not match: a digit is mistyped',
  })
  assert.equal(fieldError(() => idFromKpj('1000000001')).reason, 'has 10 digits; a KPJ has 11')
  assert.equal(fieldError(() => idFromKpj('100000000170')).reason, 'has 12 digits; a KPJ has 11')
  assert.equal(fieldError(() => idFromKpj('1000000001X')).reason, '"1000000001X" contains characters other than digits')
  assert.equal(fieldError(() => idFromKpj('')).reason, '"" contains characters other than digits')
})

test('a Luhn-valid KPJ below the first id Jamsos issues is refused', () => {
  // 0000000000 with check digit 0 passes Luhn but no participant has id 0.
  assert.equal(fieldError(() => idFromKpj('00000000000')).reason, 'membership numbers start at 10000000017')
})

test('ids outside the sequence are a programming error, not a KPJ', () => {
  assert.throws(() => kpjFromId(1_000_000_000), /outside/)
  assert.throws(() => kpjFromId(10_000_000_000), /outside/)
  assert.throws(() => kpjFromId(1_000_000_001.5), /outside/)
})

test('payment code of participant 1000000001 bill 1 is 100000000100010 plus its Luhn digit, 15 digits', () => {
  const code = paymentCodeFor(1_000_000_001, 1)
  assert.equal(code.length, 15)
  assert.equal(code.slice(0, 14), '10000000010001')
  assert.ok(luhnValid(code))
  assert.deepEqual(parsePaymentCode(code), { participantId: 1_000_000_001, seq: 1 })
  assert.deepEqual(parsePaymentCode(paymentCodeFor(9_876_543_210, 9999)), { participantId: 9_876_543_210, seq: 9999 })
})

test('a bad payment code is PAYMENT_CODE_INVALID on field paymentCode, with the reason', () => {
  const good = paymentCodeFor(1_234_567_890, 42)
  const typo = good.slice(0, 3) + String((Number(good[3]) + 1) % 10) + good.slice(4)
  assert.deepEqual(fieldError(() => parsePaymentCode(typo)), {
    code: 'PAYMENT_CODE_INVALID',
    path: 'paymentCode',
    reason: 'the check digit (the last one) does not match: a digit is mistyped',
  })
  assert.equal(fieldError(() => parsePaymentCode(good.slice(0, 14))).reason, 'has 14 digits; a payment code has 15')
  assert.equal(fieldError(() => parsePaymentCode(`${good.slice(0, 5)} ${good.slice(5)}`)).reason, `"${good.slice(0, 5)} ${good.slice(5)}" contains characters other than digits`)
  // Bill number 0000 with a correct Luhn digit.
  const seqZero = '10000000010000'
  const withCheck = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => seqZero + d).find(luhnValid)!
  assert.equal(fieldError(() => parsePaymentCode(withCheck)).reason, 'digits 11 to 14 (the bill number) are 0000; bills are numbered from 0001')
})

test('bill numbers outside 1..9999 cannot make a payment code', () => {
  assert.throws(() => paymentCodeFor(1_000_000_001, 0), /outside 1..9999/)
  assert.throws(() => paymentCodeFor(1_000_000_001, 10_000), /outside 1..9999/)
})
