import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../platform/config.ts'
import { createLogger } from '../platform/log.ts'
import type { AppContext } from '../platform/http.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { TEST_AUTH_KEY } from '../../test/app.ts'
import { checkCredentials } from './accounts.ts'
import { ensureAdmin, loadAuthSettings, userCommands } from './index.ts'

let db: TestDatabase
before(async () => {
  db = await testDatabase()
})
after(async () => db.close())

const ctxFor = (env: NodeJS.ProcessEnv): AppContext => ({
  db: db.sql,
  systemDb: db.sql,
  config: loadConfig({ JAMSOS_SCRYPT_COST: '1024', ...env }),
  now: () => new Date('2026-03-02T01:00:00Z'),
  // First start reads the auth key; a fixed one, so nothing is generated into a data folder.
  services: { authKey: Buffer.from(TEST_AUTH_KEY, 'base64') },
})
const log = createLogger('silent')

async function captureConsole(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = []
  const original = console.log
  console.log = (...a: unknown[]) => lines.push(a.join(' '))
  try {
    return { code: await fn(), out: lines.join('\n') }
  } finally {
    console.log = original
  }
}

test('first start creates admin with a generated password printed once; later starts leave it alone', async () => {
  const ctx = ctxFor({})
  let printed = ''
  const pw = await ensureAdmin(ctx, log, (s) => (printed += s))
  assert.ok(pw && pw.length >= 20)
  assert.match(printed, new RegExp(`password: ${pw}`))
  const settings = loadAuthSettings(ctx.config, {})
  const admin = await checkCredentials({ db: db.sql, settings, now: ctx.now() }, 'admin', pw, '127.0.0.1')
  assert.equal(admin.role, 'admin')
  let again = ''
  assert.equal(await ensureAdmin(ctx, log, (s) => (again += s)), undefined)
  assert.equal(again, '')
  const [ev] = await db.sql`SELECT actor_name, action FROM audit_event WHERE action = 'user.create' AND entity_id = ${String(admin.id)}`
  assert.deepEqual({ ...ev }, { actor_name: 'first start', action: 'user.create' })
})

test('the CLI adds, resets and disables accounts', async () => {
  const config = loadConfig({ DATABASE_URL: db.url, JAMSOS_SCRYPT_COST: '1024' })
  const cmd = (name: string) => userCommands.find((c) => c.name === name)!
  const added = await captureConsole(() =>
    cmd('user add').run({ config, log, values: { role: 'branch_officer', branch: ['KC3505,KC3573'] as never, name: 'Dewi' }, positionals: ['dewi'] }),
  )
  assert.equal(added.code, 0)
  const pw = /Password \(shown once\): (\S+)/.exec(added.out)![1]!
  const [u] = await db.sql`SELECT role, branch_codes, display_name FROM app_user WHERE username = 'dewi'`
  assert.deepEqual({ ...u }, { role: 'branch_officer', branch_codes: ['KC3505', 'KC3573'], display_name: 'Dewi' })
  const settings = loadAuthSettings(config, {})
  const c = { db: db.sql, settings, now: new Date() }
  assert.equal((await checkCredentials(c, 'dewi', pw, '127.0.0.2')).username, 'dewi')

  const reset = await captureConsole(() => cmd('user reset-password').run({ config, log, values: { password: 'teh manis hangat sekali' }, positionals: ['dewi'] }))
  assert.equal(reset.code, 0)
  assert.doesNotMatch(reset.out, /shown once/)
  assert.equal((await checkCredentials(c, 'dewi', 'teh manis hangat sekali', '127.0.0.2')).username, 'dewi')

  assert.equal((await captureConsole(() => cmd('user disable').run({ config, log, values: {}, positionals: ['dewi'] }))).code, 0)
  await assert.rejects(checkCredentials(c, 'dewi', 'teh manis hangat sekali', '127.0.0.2'), /ACCOUNT_DISABLED/)
  await assert.rejects(cmd('user disable').run({ config, log, values: {}, positionals: ['nobody'] }), /USER_NOT_FOUND/)
  await assert.rejects(cmd('user add').run({ config, log, values: { role: 'agent' }, positionals: ['agen.tanpa.id'] }), /VALIDATION_FAILED/)
})
