import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../app.ts'
import { ConfigError } from '../platform/config.ts'
import { createLogger } from '../platform/log.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { loadSecretKey } from './secrets.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(async () => t.close())

const isConfigError = (pattern: RegExp) => (e: unknown) => e instanceof ConfigError && pattern.test(e.message)

test('a JAMSOS_AUTH_KEY that is not a 32-byte base64 key stops start-up, saying how to make one', async () => {
  for (const bad of ['not-a-key!', 'c2hvcnQ=', Buffer.alloc(31, 1).toString('base64'), `${Buffer.alloc(32, 1).toString('base64').slice(0, 40)}!!!=`]) {
    // The app is built (as `jamsos start` does) with the key still to be read: the build fails,
    // instead of a 500 on the first partner request.
    const ctx = { ...t.ctx, services: { authSettings: { secretKey: bad } } }
    await assert.rejects(buildApp(ctx, createLogger('silent')), isConfigError(/^JAMSOS_AUTH_KEY must be 32 random bytes in base64.*openssl rand -base64 32/), bad)
  }
  assert.equal(loadSecretKey(Buffer.alloc(32, 3).toString('base64'), '/nonexistent').length, 32)
  assert.equal(loadSecretKey(Buffer.alloc(32, 3).toString('base64url'), '/nonexistent').length, 32)
})

test('a damaged key file stops start-up naming the file; a missing one is made once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-keys-'))
  try {
    const made = loadSecretKey(undefined, dir)
    assert.equal(made.length, 32)
    assert.deepEqual(loadSecretKey(undefined, dir), made)
    const file = path.join(dir, 'auth-keys.json')
    assert.equal(fs.statSync(file).mode & 0o777, 0o600)
    fs.writeFileSync(file, '{"secretKey": "trunc')
    assert.throws(() => loadSecretKey(undefined, dir), isConfigError(/auth-keys\.json is not valid JSON/))
    fs.writeFileSync(file, '{"secretKey": "c2hvcnQ="}')
    assert.throws(() => loadSecretKey(undefined, dir), isConfigError(/secretKey in .*auth-keys\.json must be 32 random bytes/))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('first start reads the key before it creates anything: a bad key leaves no administrator behind', async () => {
  const { ensureAdmin } = await import('./first-start.ts')
  const before = (await t.ctx.systemDb`SELECT count(*)::int AS n FROM app_user`)[0]!.n
  await t.ctx.systemDb`UPDATE app_user SET disabled_at = now() WHERE role = 'admin'`
  let printed = ''
  const ctx = { ...t.ctx, services: { authSettings: { secretKey: 'c2hvcnQ=' } } }
  await assert.rejects(ensureAdmin(ctx, createLogger('silent'), (s) => (printed += s)), isConfigError(/JAMSOS_AUTH_KEY/))
  assert.equal(printed, '')
  assert.equal((await t.ctx.systemDb`SELECT count(*)::int AS n FROM app_user`)[0]!.n, before)
})
