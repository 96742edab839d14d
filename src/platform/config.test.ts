import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, loadConfig, projectRoot } from './config.ts'
import fs from 'node:fs'
import path from 'node:path'

test('the project root is a real path (migrations are found from it)', () => {
  assert.ok(fs.existsSync(path.join(projectRoot, 'migrations')), projectRoot)
  assert.ok(!projectRoot.includes('%'))
})

test('JAMSOS_TRUST_PROXY: none by default, a hop count, or a list of proxy addresses; anything else is refused', () => {
  assert.equal(loadConfig({}).trustProxy, false)
  assert.equal(loadConfig({ JAMSOS_TRUST_PROXY: 'off' }).trustProxy, false)
  assert.equal(loadConfig({ JAMSOS_TRUST_PROXY: '1' }).trustProxy, 1)
  assert.deepEqual(loadConfig({ JAMSOS_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1'])
  assert.throws(() => loadConfig({ JAMSOS_TRUST_PROXY: 'everyone' }), (e: Error) => e instanceof ConfigError && /JAMSOS_TRUST_PROXY/.test(e.message))
})

test('JAMSOS_SCRYPT_COST must be a power of two from 2^10 to 2^20', () => {
  assert.equal(loadConfig({}).scryptCost, 32768)
  assert.equal(loadConfig({ JAMSOS_SCRYPT_COST: '16384' }).scryptCost, 16384)
  for (const bad of ['30000', '0', '512', '2097152', 'lots']) {
    assert.throws(() => loadConfig({ JAMSOS_SCRYPT_COST: bad }), (e: Error) => e instanceof ConfigError && /JAMSOS_SCRYPT_COST/.test(e.message), bad)
  }
})

test('LOG_LEVEL: unset or empty leaves the command its default; a level pino does not know is refused', () => {
  assert.equal(loadConfig({}).logLevel, undefined)
  assert.equal(loadConfig({ LOG_LEVEL: '' }).logLevel, undefined)
  assert.equal(loadConfig({ LOG_LEVEL: 'debug' }).logLevel, 'debug')
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL must be one of/)
})
