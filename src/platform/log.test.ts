import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { createLogger } from './log.ts'
import { buildApp, startServices } from '../app.ts'
import type { AppContext } from './http.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as } from '../../test/auth.ts'
import { registration } from '../../test/fixtures.ts'

// An app whose logger writes at debug level into memory, over the same database as a test app.
let t: TestApp
let lines: string[] = []
let app: Awaited<ReturnType<typeof buildApp>>
before(async () => {
  t = await testApp()
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) })
  const logger = createLogger('debug', sink)
  const ctx: AppContext = { ...t.ctx, services: {} }
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
  await app.inject({ method: 'GET', url: `/api/v1/participants/${created.json().kpj}?reveal=nik`, headers: officer.headers })
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
