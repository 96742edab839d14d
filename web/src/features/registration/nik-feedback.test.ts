// The NIK feedback of the registration form, with the exact codes and reasons the API answers
// (the same parseNik runs in both). Today is fixed: 10 June 2025.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nikFeedback } from './nik-feedback.ts'

const TODAY = '2025-06-10'
// Jawa Timur and DKI Jakarta, as GET /regions/provinces codes them.
const PROVINCES = new Set(['35', '31'])
const check = (typed: string, final = false) => nikFeedback(typed, PROVINCES, TODAY, final)

test('a NIK being typed is not an error until it is complete or the field is left', () => {
  assert.deepEqual(check(''), { state: 'empty' })
  assert.deepEqual(check('35050117'), { state: 'typing', digits: 8 })
  assert.deepEqual(check('35050117', true), { state: 'invalid', code: 'NIK_LENGTH', reason: 'has 8 characters; a NIK has 16 digits' })
  assert.deepEqual(check('', true), { state: 'invalid', code: 'NIK_REQUIRED', reason: 'no NIK was given' })
})

test('a good NIK fills the birth date and gender: day + 40 is a woman', () => {
  assert.deepEqual(check('3505011705900001'), { state: 'valid', nik: '3505011705900001', birthDate: '1990-05-17', gender: 'M', provinceCode: '35' })
  assert.deepEqual(check('3507015203850002'), { state: 'valid', nik: '3507015203850002', birthDate: '1985-03-12', gender: 'F', provinceCode: '35' })
  // Spaces and dashes as people copy a NIK from a card are not part of it.
  assert.equal(check('3505 0117 0590 0001').state, 'valid')
  assert.equal(check('3505-0117-0590-0001').state, 'valid')
})

test('a wrong character is named with its place as soon as it is typed', () => {
  assert.deepEqual(check('3505o'), { state: 'invalid', code: 'NIK_NOT_DIGITS', reason: 'character 5 is "o"; a NIK has digits only' })
  assert.deepEqual(check('350501170590000I'), { state: 'invalid', code: 'NIK_NOT_DIGITS', reason: 'character 16 is "I"; a NIK has digits only' })
})

test('each structural fault has the reason the API gives', () => {
  assert.deepEqual(check('35050117059000012'), { state: 'invalid', code: 'NIK_LENGTH', reason: 'has 17 characters; a NIK has 16 digits' })
  assert.deepEqual(check('9905011705900001'), { state: 'invalid', code: 'NIK_UNKNOWN_PROVINCE', reason: 'no province has code 99 (digits 1–2)' })
  assert.deepEqual(check('3500011705900001'), { state: 'invalid', code: 'NIK_BAD_REGENCY', reason: 'the regency code (digits 3–4) is 00; regencies are numbered from 01' })
  assert.deepEqual(check('3505001705900001'), { state: 'invalid', code: 'NIK_BAD_DISTRICT', reason: 'the district code (digits 5–6) is 00; districts are numbered from 01' })
  assert.deepEqual(check('3505013002900001'), { state: 'invalid', code: 'NIK_BAD_DATE', reason: 'birth day 30 does not exist in February 1990' })
  assert.deepEqual(check('3505017002900001'), { state: 'invalid', code: 'NIK_BAD_DATE', reason: 'birth day 70 − 40 = 30 does not exist in February 1990' })
  assert.deepEqual(check('3505013513900001'), { state: 'invalid', code: 'NIK_BAD_DATE', reason: 'birth month 13 (digits 9–10) does not exist' })
  assert.deepEqual(check('3505013505900001'), { state: 'invalid', code: 'NIK_BAD_DATE', reason: "birth day 35 (digits 7–8) is neither a man's day (01–31) nor a woman's (41–71)" })
  assert.deepEqual(check('3505011506250001'), { state: 'invalid', code: 'NIK_FUTURE_BIRTH_DATE', reason: 'the NIK says born 2025-06-15, after today (2025-06-10)' })
  assert.deepEqual(check('3505011705900000'), { state: 'invalid', code: 'NIK_BAD_SERIAL', reason: 'the serial number (digits 13–16) is 0000; serials start at 0001' })
})
