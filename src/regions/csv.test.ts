import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyTextLine, parseCsv } from './csv.ts'

test('a quote inside an unquoted field is a letter, as in the villages Soka"an and Ko"ol', () => {
  assert.deepEqual(parseCsv('code,district_code,name\n35.13.15.2017,35.13.15,Soka"an\n35.26.07.2022,35.26.07,Ko"ol\n'), [
    ['code', 'district_code', 'name'],
    ['35.13.15.2017', '35.13.15', 'Soka"an'],
    ['35.26.07.2022', '35.26.07', 'Ko"ol'],
  ])
})

test('a quoted field may hold commas, doubled quotes and line ends; CRLF and a missing final newline are read', () => {
  assert.deepEqual(parseCsv('a,"b, ""c""\nd",e\r\nf,,\ng'), [['a', 'b, "c"\nd', 'e'], ['f', '', ''], ['g']])
})

test('an unterminated quoted field is refused', () => {
  assert.throws(() => parseCsv('a,"b\n'), /unterminated quoted field in row 1/)
})

test('COPY text rows escape backslash, tab and line ends', () => {
  assert.equal(copyTextLine(['35.13.15.2017', 'Soka"an']), '35.13.15.2017\tSoka"an\n')
  assert.equal(copyTextLine(['a\\b', 'c\td\ne\r']), 'a\\\\b\tc\\td\\ne\\r\n')
})
