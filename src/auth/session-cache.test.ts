// The token check is a query once every SESSION_CACHE_MS per process, not on every request (issue
// 12 §4), without letting a revoked or expired session through: what ends a session here ends it at
// once, what ends it elsewhere within SESSION_CACHE_MS.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, type RoleSession } from '../../test/auth.ts'
import { SESSION_CACHE_MS } from './session-cache.ts'

let t: TestApp
let clock = new Date('2026-03-02T03:00:00Z').getTime()
const lookups: string[] = []

before(async () => {
  t = await testApp({ now: () => new Date(clock) })
  t.ctx.db.options.debug = (_connection, query) => {
    if (/\bFROM auth_session\b/.test(query)) lookups.push(query)
  }
})
after(() => t.close())

const me = (who: RoleSession) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: who.headers })

test('a token verified a moment ago is not looked up again; after SESSION_CACHE_MS it is', async () => {
  const officer = await as(t, 'branch_officer')
  lookups.length = 0
  for (let i = 0; i < 5; i++) assert.equal((await me(officer)).statusCode, 200)
  assert.equal(lookups.length, 1)
  clock += SESSION_CACHE_MS
  assert.equal((await me(officer)).statusCode, 200)
  assert.equal(lookups.length, 2)
})

test('logout and disabling an account end the session at once in this process', async () => {
  const admin = await as(t, 'admin')
  const agent = await as(t, 'agent', { agentId: 4343 })
  assert.equal((await me(agent)).statusCode, 200)
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/users/${agent.user.id}/disable`, headers: admin.headers })).statusCode, 200)
  assert.equal((await me(agent)).json().error.code, 'TOKEN_REVOKED')

  const partner = await as(t, 'partner')
  assert.equal((await me(partner)).statusCode, 200)
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: partner.headers })).statusCode, 204)
  assert.equal((await me(partner)).json().error.code, 'TOKEN_REVOKED')
})

test('a session ended by another process is refused within SESSION_CACHE_MS; expiry is checked on every request', async () => {
  const sponsor = await as(t, 'sponsor')
  assert.equal((await me(sponsor)).statusCode, 200)
  await t.ctx.systemDb`UPDATE auth_session SET revoked_at = ${new Date(clock)} WHERE user_id = ${sponsor.user.id}`
  clock += SESSION_CACHE_MS
  assert.equal((await me(sponsor)).json().error.code, 'TOKEN_REVOKED')

  const viewer = await as(t, 'management')
  assert.equal((await me(viewer)).statusCode, 200)
  // Bearer tokens live 900 s: one step past that, well inside a cache lifetime had it been longer.
  clock += 900_000
  assert.equal((await me(viewer)).json().error.code, 'TOKEN_EXPIRED')
})
