import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { chooseLogFormat, createLogger } from './log.ts'
import { ConfigError } from './config.ts'
import { buildApp, startServices } from '../app.ts'
import type { AppContext } from './http.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'

// An app whose logger writes at debug level into memory, over the same database as a test app.
let t: TestApp
let lines: string[] = []
let app: Awaited<ReturnType<typeof buildApp>>
let ctx: AppContext
before(async () => {
  t = await testApp()
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) })
  const logger = createLogger('debug', sink)
  ctx = { ...t.ctx, services: {} }
  await startServices(ctx, logger)
  app = await buildApp(ctx, logger)
  await app.ready()
})
after(async () => {
  await app.close()
  await t.close()
})

test('requests are logged, and a NIK never appears in clear in any log line', async () => {
  const officer = await as(t, 'branch_officer', { permissions: ['nik:reveal'] })
  const body = registration()
  lines = []
  const created = await app.inject({ method: 'POST', url: '/api/v1/participants', payload: body, headers: officer.headers })
  assert.equal(created.statusCode, 201, created.body)
  await app.inject({ method: 'GET', url: `/api/v1/participants?nik=${body.nik}`, headers: officer.headers })
  await app.inject({ method: 'POST', url: `/api/v1/participants/${created.json().kpj}/reveal-nik`, headers: officer.headers })
  await app.inject({ method: 'POST', url: '/api/v1/participants', payload: { ...body, nik: body.nik + '9' }, headers: officer.headers })
  const log = lines.join('')
  assert.ok(lines.length >= 6, `request and response lines were logged (${lines.length})`)
  assert.ok(log.includes('"url":"/api/v1/participants?nik=' + body.nik.slice(0, 4) + '**********'), 'the URL is logged with the NIK masked')
  assert.ok(!log.includes(body.nik), 'no NIK in clear')
})

test('free text and objects are scrubbed the same way', () => {
  const out: string[] = []
  const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) }))
  logger.info({ nik: '3505011705900001', note: 'called about 3505011705900001' }, 'lookup 3505011705900001')
  assert.equal(out.length, 1)
  assert.ok(!out[0]!.includes('3505011705900001'))
  assert.match(out[0]!, /3505\*{10}01/)
})

test('log format: --log-format, else JAMSOS_LOG_FORMAT, else readable on a terminal and JSON when piped; another value is refused by name', () => {
  assert.equal(chooseLogFormat({ isTTY: true }), 'pretty')
  assert.equal(chooseLogFormat({ isTTY: false }), 'json')
  assert.equal(chooseLogFormat({ env: 'json', isTTY: true }), 'json')
  assert.equal(chooseLogFormat({ env: 'pretty', isTTY: false }), 'pretty')
  assert.equal(chooseLogFormat({ flag: 'json', env: 'pretty', isTTY: true }), 'json')
  assert.equal(chooseLogFormat({ flag: 'pretty', env: 'json', isTTY: false }), 'pretty')
  assert.equal(chooseLogFormat({ flag: '', env: '', isTTY: false }), 'json')
  assert.throws(() => chooseLogFormat({ env: 'yaml', isTTY: true }), (e: Error) => e instanceof ConfigError && e.message === 'JAMSOS_LOG_FORMAT must be json or pretty, got "yaml"')
  assert.throws(() => chooseLogFormat({ flag: 'text', isTTY: true }), (e: Error) => e instanceof ConfigError && e.message === '--log-format must be json or pretty, got "text"')
})

test('readable (pretty) lines are scrubbed like JSON: no NIK in clear in messages, objects or request URLs', async () => {
  const out: string[] = []
  const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) }), 'pretty')
  const nik = '3505011705900001'
  logger.info({ nik, note: `called about ${nik}` }, `lookup ${nik}`)
  const pretty = await buildApp(ctx, logger)
  try {
    const officer = await as(t, 'branch_officer')
    await pretty.inject({ method: 'GET', url: `/api/v1/participants?nik=${nik}`, headers: officer.headers })
  } finally {
    await pretty.close()
  }
  const text = out.join('')
  assert.ok(!text.includes(nik), text)
  assert.match(text, /INFO.*: lookup 3505\*{10}01/, 'a readable line, not JSON')
  assert.match(text, /incoming request GET \/api\/v1\/participants\?nik=3505\*{10}01/)
  assert.match(text, /request completed 200 in \d+ ms/)
  assert.doesNotMatch(text, /ERROR/)
  assert.ok(!out.some((l) => l.startsWith('{')), 'no JSON lines')
})

test('request lines name the method and address, the reply its status, an error its message and stack: serialized, then scrubbed', async () => {
  const out: string[] = []
  const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) }))
  const bare = Fastify({ loggerInstance: logger })
  bare.get('/fails', async () => {
    throw Object.assign(new Error('no card for 3505011705900001'), { code: 'SOME_CODE' })
  })
  await bare.inject({ method: 'GET', url: '/fails?nik=3505011705900001' })
  await bare.close()
  const [incoming, failed, completed] = out.map((l) => JSON.parse(l) as Record<string, any>)
  assert.deepEqual(incoming!.req, { method: 'GET', url: '/fails?nik=3505**********01', ip: '127.0.0.1', id: incoming!.reqId })
  assert.equal(failed!.err.message, 'no card for 3505**********01')
  assert.equal(failed!.err.type, 'Error')
  assert.equal(failed!.err.code, 'SOME_CODE')
  assert.match(failed!.err.stack, /^Error: no card for 3505\*{10}01\n\s+at /)
  assert.deepEqual(completed!.res, { statusCode: 500 })
  assert.ok(!out.join('').includes('3505011705900001'))
})
