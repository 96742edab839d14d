import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../platform/errors.ts'
import { checkNikAgainstDeclared, makeNik, parseNik, type NikRegions } from './nik.ts'

// Jawa Timur (35), Kab. Blitar (35.05), Kec. Wonodadi (35.05.01); DKI Jakarta (31) for a second
// province. 35.05.99 is a district code that is no longer in the list (flagged, not refused).
const regions: NikRegions = {
  provinces: new Set(['31', '35']),
  regencies: new Set(['31.71', '35.05']),
  districts: new Set(['31.71.01', '35.05.01', '35.05.02']),
}
const TODAY = '2025-06-15'

function nikFailure(nik: string | undefined, today = TODAY): { code: string; reason: string | undefined } {
  try {
    parseNik(nik, regions, today)
  } catch (e) {
    assert.ok(e instanceof AppError, String(e))
    assert.equal(e.fields.length, 1)
    assert.equal(e.fields[0]!.path, 'nik')
    assert.equal(e.fields[0]!.code, e.code)
    return { code: e.code, reason: e.fields[0]!.reason }
  }
  assert.fail(`expected ${nik} to be refused`)
}

test('3505011705900001 is a man born 17 May 1990, first registered in Kec. Wonodadi, Kab. Blitar', () => {
  assert.deepEqual(parseNik('3505011705900001', regions, TODAY), {
    nik: '3505011705900001',
    provinceCode: '35',
    regencyCode: '35.05',
    districtCode: '35.05.01',
    birthDate: '1990-05-17',
    gender: 'M',
    serial: '0001',
    regencyKnown: true,
    districtKnown: true,
  })
})

test('a woman born 17 May 1990 has day 57 (17 + 40)', () => {
  const p = parseNik('3505015705900002', regions, TODAY)
  assert.equal(p.birthDate, '1990-05-17')
  assert.equal(p.gender, 'F')
  assert.equal(p.serial, '0002')
})

test('day boundaries: 01 and 31 are men, 41 and 71 are women', () => {
  assert.deepEqual(pick(parseNik('3505010101900001', regions, TODAY)), ['1990-01-01', 'M'])
  assert.deepEqual(pick(parseNik('3505013101900001', regions, TODAY)), ['1990-01-31', 'M'])
  assert.deepEqual(pick(parseNik('3505014101900001', regions, TODAY)), ['1990-01-01', 'F'])
  assert.deepEqual(pick(parseNik('3505017101900001', regions, TODAY)), ['1990-01-31', 'F'])
})

function pick(p: { birthDate: string; gender: string }): [string, string] {
  return [p.birthDate, p.gender]
}

test('structural errors, each with its code and exact reason', () => {
  const cases: [string | undefined, string, string][] = [
    [undefined, 'NIK_REQUIRED', 'no NIK was given'],
    ['', 'NIK_REQUIRED', 'no NIK was given'],
    ['   ', 'NIK_REQUIRED', 'no NIK was given'],
    ['350501170590001', 'NIK_LENGTH', 'has 15 characters; a NIK has 16 digits'],
    ['35050117059000011', 'NIK_LENGTH', 'has 17 characters; a NIK has 16 digits'],
    ['3505 0117 0590 0001', 'NIK_LENGTH', 'has 19 characters; a NIK has 16 digits'],
    ['35050117059O0001', 'NIK_NOT_DIGITS', 'character 12 is "O"; a NIK has digits only'],
    ['9905011705900001', 'NIK_UNKNOWN_PROVINCE', 'no province has code 99 (digits 1–2)'],
    ['3500011705900001', 'NIK_BAD_REGENCY', 'the regency code (digits 3–4) is 00; regencies are numbered from 01'],
    ['3505001705900001', 'NIK_BAD_DISTRICT', 'the district code (digits 5–6) is 00; districts are numbered from 01'],
    ['3505011713900001', 'NIK_BAD_DATE', 'birth month 13 (digits 9–10) does not exist'],
    ['3505011700900001', 'NIK_BAD_DATE', 'birth month 00 (digits 9–10) does not exist'],
    ['3505010005900001', 'NIK_BAD_DATE', 'birth day 00 (digits 7–8) does not exist'],
    ['3505013205900001', 'NIK_BAD_DATE', "birth day 32 (digits 7–8) is neither a man's day (01–31) nor a woman's (41–71)"],
    ['3505014005900001', 'NIK_BAD_DATE', "birth day 40 (digits 7–8) is neither a man's day (01–31) nor a woman's (41–71)"],
    ['3505017203900001', 'NIK_BAD_DATE', 'birth day 72 − 40 = 32 does not exist in March'],
    ['3505013102900001', 'NIK_BAD_DATE', 'birth day 31 does not exist in February 1990'],
    ['3505013104900001', 'NIK_BAD_DATE', 'birth day 31 does not exist in April 1990'],
    ['3505017104900001', 'NIK_BAD_DATE', 'birth day 71 − 40 = 31 does not exist in April 1990'],
    ['3505011705900000', 'NIK_BAD_SERIAL', 'the serial number (digits 13–16) is 0000; serials start at 0001'],
  ]
  for (const [nik, code, reason] of cases) {
    assert.deepEqual(nikFailure(nik), { code, reason }, String(nik))
  }
})

test('a regency or district code that no longer exists is accepted and flagged', () => {
  const oldDistrict = parseNik('3505991705900001', regions, TODAY)
  assert.equal(oldDistrict.districtCode, '35.05.99')
  assert.equal(oldDistrict.regencyKnown, true)
  assert.equal(oldDistrict.districtKnown, false)

  const oldRegency = parseNik('3598011705900001', regions, TODAY)
  assert.equal(oldRegency.regencyCode, '35.98')
  assert.equal(oldRegency.regencyKnown, false)
  assert.equal(oldRegency.districtKnown, false)
})

test('century: the latest year ending in YY that is not after this year', () => {
  // On 15 June 2025: YY 25 → 2025, 26 → 1926, 00 → 2000, 99 → 1999.
  assert.equal(parseNik('3505010101250001', regions, TODAY).birthDate, '2025-01-01')
  assert.equal(parseNik('3505011506250001', regions, TODAY).birthDate, '2025-06-15') // born today
  assert.equal(parseNik('3505010101260001', regions, TODAY).birthDate, '1926-01-01')
  assert.equal(parseNik('3505010101000001', regions, TODAY).birthDate, '2000-01-01')
  assert.equal(parseNik('3505010101990001', regions, TODAY).birthDate, '1999-01-01')
  // Read on 1 January 2100 the same digits are a 2099 birth: the window moves with today.
  assert.equal(parseNik('3505010101990001', regions, '2100-01-01').birthDate, '2099-01-01')
})

test('a date later in the current year than today is a future birth date, not a 99-year-old', () => {
  assert.deepEqual(nikFailure('3505011606250001'), {
    code: 'NIK_FUTURE_BIRTH_DATE',
    reason: 'the NIK says born 2025-06-16, after today (2025-06-15)',
  })
  assert.deepEqual(nikFailure('3505015512250001'), {
    code: 'NIK_FUTURE_BIRTH_DATE',
    reason: 'the NIK says born 2025-12-15, after today (2025-06-15)',
  })
})

test('leap days: 29 February 2000 exists (day 29 in 0200), 29 February 1999 does not (0299)', () => {
  assert.equal(parseNik('3505012902000001', regions, TODAY).birthDate, '2000-02-29')
  assert.equal(parseNik('3505016902000001', regions, TODAY).birthDate, '2000-02-29')
  assert.equal(parseNik('3505012902960001', regions, TODAY).birthDate, '1996-02-29')
  assert.deepEqual(nikFailure('3505012902990001'), { code: 'NIK_BAD_DATE', reason: 'birth day 29 does not exist in February 1999' })
  assert.deepEqual(nikFailure('3505016902990001'), { code: 'NIK_BAD_DATE', reason: 'birth day 69 − 40 = 29 does not exist in February 1999' })
})

test('the declared birth date and gender must match what the NIK says', () => {
  const man = parseNik('3505011705900001', regions, TODAY)
  assert.deepEqual(checkNikAgainstDeclared(man, { birthDate: '1990-05-17', gender: 'M' }), [])
  assert.deepEqual(checkNikAgainstDeclared(man, { birthDate: '1990-05-18', gender: 'M' }), [
    { path: 'birthDate', code: 'NIK_BIRTH_DATE_MISMATCH', reason: 'the NIK says 1990-05-17, the form says 1990-05-18' },
  ])
  assert.deepEqual(checkNikAgainstDeclared(man, { birthDate: '1990-05-17', gender: 'F' }), [
    { path: 'gender', code: 'NIK_GENDER_MISMATCH', reason: "the NIK says M (birth day 17 is under 41, a man's), the form says F" },
  ])
  const woman = parseNik('3505015705900002', regions, TODAY)
  assert.deepEqual(checkNikAgainstDeclared(woman, { birthDate: '1990-05-57', gender: 'M' }), [
    { path: 'birthDate', code: 'NIK_BIRTH_DATE_MISMATCH', reason: 'the NIK says 1990-05-17, the form says 1990-05-57' },
    { path: 'gender', code: 'NIK_GENDER_MISMATCH', reason: "the NIK says F (birth day 57 is over 40, a woman's), the form says M" },
  ])
})

test('makeNik is the inverse of parseNik', () => {
  assert.equal(makeNik({ districtCode: '35.05.01', birthDate: '1990-05-17', gender: 'M', serial: 1 }), '3505011705900001')
  assert.equal(makeNik({ districtCode: '35.05.01', birthDate: '1990-05-17', gender: 'F', serial: 2 }), '3505015705900002')
  assert.equal(makeNik({ districtCode: '31.71.01', birthDate: '2000-02-29', gender: 'F', serial: 9999 }), '3171016902009999')
  for (const parts of [
    { districtCode: '35.05.02', birthDate: '1971-12-31', gender: 'F', serial: 123 },
    { districtCode: '31.71.01', birthDate: '2007-01-01', gender: 'M', serial: 45 },
  ] as const) {
    const p = parseNik(makeNik(parts), regions, TODAY)
    assert.deepEqual([p.districtCode, p.birthDate, p.gender, Number(p.serial)], [parts.districtCode, parts.birthDate, parts.gender, parts.serial])
  }
  assert.throws(() => makeNik({ districtCode: '3505', birthDate: '1990-05-17', gender: 'M', serial: 1 }), /district code/)
  assert.throws(() => makeNik({ districtCode: '35.05.01', birthDate: '1999-02-29', gender: 'M', serial: 1 }), /birth date/)
  assert.throws(() => makeNik({ districtCode: '35.05.01', birthDate: '1990-05-17', gender: 'M', serial: 0 }), /serial/)
})
