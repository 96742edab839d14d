import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.ts'

test('scrypt hashes carry their parameters and a per-user salt', async () => {
  const a = await hashPassword('kopi-tubruk-pagi-hari', 1024)
  const b = await hashPassword('kopi-tubruk-pagi-hari', 1024)
  assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/)
  assert.notEqual(a, b, 'same password, different salt, different hash')
  assert.equal(await verifyPassword('kopi-tubruk-pagi-hari', a), true)
  assert.equal(await verifyPassword('kopi-tubruk-pagi-hari!', a), false)
  assert.equal(await verifyPassword('anything', 'md5$abc'), false)
})

test('a hash made with another cost is re-hashed at the next login', async () => {
  const h = await hashPassword('kopi-tubruk-pagi-hari', 1024)
  assert.equal(needsRehash(h, 1024), false)
  assert.equal(needsRehash(h, 32768), true)
})

test('the default cost N = 2^15 fits in memory', async () => {
  const h = await hashPassword('kopi-tubruk-pagi-hari', 1 << 15)
  assert.equal(await verifyPassword('kopi-tubruk-pagi-hari', h), true)
})

test('password policy: length, common passwords, sequences, the username', () => {
  assert.equal(passwordProblem('short1'), 'must be at least 10 characters')
  assert.equal(passwordProblem('Password123'), 'is one of the most common passwords')
  assert.equal(passwordProblem('bismillah123'), 'is one of the most common passwords')
  assert.equal(passwordProblem('aaaaaaaaaaaa'), 'repeats too few different characters')
  assert.equal(passwordProblem('3456789012'), 'is a simple sequence')
  assert.equal(passwordProblem('siti.rahma-2026!', 'siti.rahma'), 'must not contain the username')
  assert.equal(passwordProblem('kopi tubruk pagi hari'), undefined)
  assert.equal(passwordProblem(generatePassword()), undefined)
})
