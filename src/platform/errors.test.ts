import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError, allErrorCodes, errorBody, langFrom, PlatformErrors } from './errors.ts'
import '../app.ts' // every module's codes register on import

test('every error code has an HTTP status and both Indonesian and English text', () => {
  const codes = allErrorCodes()
  assert.ok(codes.length > 10)
  for (const [code, t] of codes) {
    assert.match(code, /^[A-Z][A-Z0-9_]+$/, code)
    assert.ok(t.status >= 400 && t.status <= 599, `${code} status ${t.status}`)
    assert.ok(t.id.trim().length > 0, `${code} has Indonesian text`)
    assert.ok(t.en.trim().length > 0, `${code} has English text`)
    assert.notEqual(t.id, t.en, `${code} Indonesian text is not just the English`)
  }
})

test('a field error names the field, its code and the reason in the chosen language', () => {
  const err = AppError.field(PlatformErrors.REQUIRED, 'fullName', 'must not be empty')
  assert.equal(err.status, 400)
  assert.deepEqual(errorBody(err, 'en'), {
    error: {
      code: 'REQUIRED',
      message: 'Is required',
      fields: [{ path: 'fullName', code: 'REQUIRED', message: 'Is required: must not be empty' }],
    },
  })
  assert.equal(errorBody(err, 'id').error.fields[0]!.message, 'Wajib diisi: must not be empty')
})

test('English is chosen only when the caller prefers it', () => {
  assert.equal(langFrom(undefined), 'id')
  assert.equal(langFrom('en-US,en;q=0.9'), 'en')
  assert.equal(langFrom('id-ID,id;q=0.9,en;q=0.5'), 'id')
})

test('an undeclared code is a programming error, not a response', () => {
  assert.throws(() => new AppError('NO_SUCH_CODE'), /Undeclared error code/)
})
