// The authorization matrix. Every route registered under /api/v1 is called by every kind of caller
// (anonymous, each role, and callers from another branch, agent, partner and sponsor); what each
// must get follows from the route's own access declaration, so a new route joins the matrix the
// moment it is registered. Only a new path parameter name needs a sample value below.
//
// - a caller the declaration admits is never refused by access control (no 401/403);
// - anonymous gets 401, any other caller outside the declaration 403, and the database is
//   unchanged (row for row) after a refused request;
// - routes on one participant (`:kpj`) answer 404 for a participant outside the caller's scope,
//   and write nothing.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { ANONYMOUS_ACTOR, type Actor, type Role } from '../platform/actor.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey, seedParticipant, type PartnerKeyHandle, type SeededParticipant } from '../../test/auth.ts'
import { registryDepsOf } from '../registry/index.ts'
import { decideAccess } from './access.ts'
import { declaredRoutes, issueSession, loadAuthSettings, setAgentTerritory, type DeclaredRoute } from './index.ts'

/** A sample for each path parameter name; a route with a new name fails here until one is added. */
const PARAM_SAMPLES: Record<string, (c: Caller) => string> = {
  kpj: () => pA.kpj,
  id: () => '999999',
  heirId: () => '999999',
  keyId: () => 'pk_0000000000000000',
  partnerId: () => '999999',
  code: () => '35',
}

/** Bookkeeping the security layer itself writes (tokens minted for the test, replay cache). */
const BOOKKEEPING = new Set(['auth_session', 'signature_replay', 'auth_failure', 'schema_migration'])

interface Caller {
  label: string
  role: Role | null
  actor: Actor
  /** Inject options for one request (a fresh token or signature each time). */
  request(opts: { method: string; url: string; body?: unknown }): Promise<InjectOptions>
}

let t: TestApp
let pA: SeededParticipant
let pB: SeededParticipant
const callers: Record<string, Caller> = {}

function userCaller(label: string, session: Awaited<ReturnType<typeof as>>, actor: Partial<Actor>): Caller {
  const settings = loadAuthSettings(t.ctx.config, {})
  return {
    label,
    role: session.user.role,
    actor: { ...ANONYMOUS_ACTOR, kind: 'user', userId: session.user.id, role: session.user.role, ...actor },
    async request({ method, url, body }) {
      // A fresh token each time: a route such as POST /auth/logout ends the session it is called with.
      const s = await issueSession({ db: t.ctx.systemDb, settings, now: t.ctx.now() }, session.user, 'bearer', null)
      return { method: method as InjectOptions['method'], url, headers: { authorization: `Bearer ${s.token}` }, ...(body === undefined ? {} : { payload: body as object }) }
    },
  }
}

function keyCaller(label: string, key: PartnerKeyHandle): Caller {
  return {
    label,
    role: 'partner',
    actor: { ...ANONYMOUS_ACTOR, kind: 'partner_key', role: 'partner', partnerId: key.partnerId },
    async request(opts) {
      return key.sign(opts)
    },
  }
}

before(async () => {
  t = await testApp()
  // pA: branch KC3505, registered by agent 9001 through partner 8001, sponsored by 7001.
  pA = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505', villageCode: '35.05.01.2001', agentId: 9001, partnerId: 8001, sponsorId: 7001 })
  // pB: branch KC3573, in agent 9003's territory, and nobody else's.
  pB = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3573', villageCode: '35.73.01.1001' })
  // Seeded rows hold random bytes for the NIK's ciphertext; POST …/reveal-nik decrypts it.
  const { vault } = registryDepsOf(t.ctx)
  for (const p of [pA, pB]) await t.ctx.systemDb`UPDATE participant SET nik_cipher = ${vault.encrypt('3505014501900001')} WHERE id = ${p.id}`
  await setAgentTerritory(t.ctx.systemDb, 9003, ['35.73.01.1001'])
  callers.anonymous = {
    label: 'anonymous',
    role: null,
    actor: ANONYMOUS_ACTOR,
    async request({ method, url, body }) {
      return { method: method as InjectOptions['method'], url, ...(body === undefined ? {} : { payload: body as object }) }
    },
  }
  const mk = async (label: string, role: Role, opts: Parameters<typeof as>[2], actor: Partial<Actor>) =>
    (callers[label] = userCaller(label, await as(t, role, opts), actor))
  await mk('admin', 'admin', {}, {})
  await mk('management', 'management', {}, {})
  await mk('branch_officer', 'branch_officer', { branchCodes: ['KC3505'] }, { branchCodes: ['KC3505'] })
  await mk('other_branch_officer', 'branch_officer', { branchCodes: ['KC3573'] }, { branchCodes: ['KC3573'] })
  await mk('agent', 'agent', { agentId: 9001 }, { agentId: 9001 })
  await mk('other_agent', 'agent', { agentId: 9003 }, { agentId: 9003 })
  await mk('partner_user', 'partner', { partnerId: 8001 }, { partnerId: 8001 })
  await mk('sponsor', 'sponsor', { sponsorId: 7001 }, { sponsorId: 7001 })
  await mk('other_sponsor', 'sponsor', { sponsorId: 7002 }, { sponsorId: 7002 })
  await mk('participant', 'participant', { participantId: pA.id }, { participantId: pA.id })
  await mk('other_participant', 'participant', { participantId: pB.id }, { participantId: pB.id })
  callers.partner_key = keyCaller('partner_key', await partnerKey(t, 8001))
  callers.other_partner_key = keyCaller('other_partner_key', await partnerKey(t, 8002))
})
after(async () => t.close())

/** Which participant each scoped caller can see, and one it cannot. */
const SCOPE: Record<string, { inside: () => SeededParticipant; outside: () => SeededParticipant }> = {
  branch_officer: { inside: () => pA, outside: () => pB },
  other_branch_officer: { inside: () => pB, outside: () => pA },
  agent: { inside: () => pA, outside: () => pB },
  other_agent: { inside: () => pB, outside: () => pA },
  partner_key: { inside: () => pA, outside: () => pB },
  partner_user: { inside: () => pA, outside: () => pB },
  sponsor: { inside: () => pA, outside: () => pB },
  participant: { inside: () => pA, outside: () => pB },
  other_participant: { inside: () => pB, outside: () => pA },
}

function fillPath(route: DeclaredRoute, caller: Caller, kpj?: string): string {
  return route.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    if (name === 'kpj' && kpj) return kpj
    const sample = PARAM_SAMPLES[name]
    if (!sample) throw new Error(`${route.method} ${route.url}: add a sample value for :${name} to PARAM_SAMPLES in src/auth/matrix.test.ts`)
    return sample(caller)
  })
}

const isWriteMethod = (m: string) => m !== 'GET' && m !== 'HEAD'

/** Row-for-row fingerprint of every table but the security layer's own bookkeeping. */
async function fingerprint(): Promise<string> {
  const tables = (
    await t.ctx.systemDb<{ t: string }[]>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`
  ).map((r) => r.t).filter((x) => !BOOKKEEPING.has(x))
  const sql = tables
    .map((name) => `SELECT '${name}' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${name}" x`)
    .join(' UNION ALL ')
  // UNION ALL returns its branches in no promised order (a parallel append may interleave them):
  // sort, so that identical data always gives an identical fingerprint.
  return (await t.ctx.systemDb.unsafe(sql)).map((r) => `${r.t}:${r.n}:${r.h}`).sort().join('\n')
}

/** Which tables differ between two fingerprints, for the failure message. */
function changedTables(before: string, after: string): string {
  const was = new Set(before.split('\n'))
  return after.split('\n').filter((l) => !was.has(l)).map((l) => l.split(':')[0]).join(', ')
}

async function call(caller: Caller, route: DeclaredRoute, url: string): Promise<LightMyRequestResponse> {
  return t.app.inject(await caller.request({ method: route.method, url, ...(isWriteMethod(route.method) ? { body: {} } : {}) }))
}

const AUTH_CODES = new Set(['AUTH_REQUIRED', 'FORBIDDEN', 'CSRF_INVALID', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'SIGNATURE_INVALID', 'SIGNATURE_EXPIRED', 'SIGNATURE_REPLAYED'])
const codeOf = (r: LightMyRequestResponse) => {
  try {
    return (r.json() as { error?: { code?: string } }).error?.code
  } catch {
    return undefined
  }
}

test('every route declares its access, and the matrix knows every route', () => {
  const routes = declaredRoutes(t.app)
  assert.ok(routes.length >= 15, `only ${routes.length} routes found`)
  for (const r of routes) assert.ok(r.access, `${r.method} ${r.url}`)
  // The identity module's own routes are among them.
  for (const want of ['POST /api/v1/auth/login', 'GET /api/v1/audit', 'POST /api/v1/users', 'POST /api/v1/partner-keys/:keyId/revoke']) {
    assert.ok(routes.some((r) => `${r.method} ${r.url}` === want), want)
  }
})

test('each caller the declaration admits gets through; every other is refused and writes nothing', async (tt) => {
  const failures: string[] = []
  for (const route of declaredRoutes(t.app)) {
    for (const caller of Object.values(callers)) {
      const allowed = decideAccess(route.access, caller.actor, route.method) === 'allow'
      const url = fillPath(route, caller)
      const before = allowed ? '' : await fingerprint()
      const res = await call(caller, route, url)
      const code = codeOf(res)
      const where = `${route.method} ${route.url} as ${caller.label}`
      if (allowed) {
        if (res.statusCode === 401 || (code && AUTH_CODES.has(code))) failures.push(`${where}: admitted by its declaration but refused (${res.statusCode} ${code})`)
        if (res.statusCode >= 500) failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`)
      } else {
        const want = caller.role === null ? [401, 'AUTH_REQUIRED'] : [403, 'FORBIDDEN']
        if (res.statusCode !== want[0] || code !== want[1]) failures.push(`${where}: expected ${want.join(' ')}, got ${res.statusCode} ${code}`)
        const after = await fingerprint()
        if (after !== before) failures.push(`${where}: refused, yet the database changed (${changedTables(before, after)})`)
      }
    }
  }
  tt.diagnostic(`${declaredRoutes(t.app).length} routes × ${Object.keys(callers).length} callers`)
  assert.deepEqual(failures, [])
})

test('a participant outside the caller’s scope is not found, whatever the route, and nothing is written', async (tt) => {
  const failures: string[] = []
  let checked = 0
  for (const route of declaredRoutes(t.app).filter((r) => r.url.includes(':kpj'))) {
    for (const [label, scope] of Object.entries(SCOPE)) {
      const caller = callers[label]!
      if (decideAccess(route.access, caller.actor, route.method) !== 'allow') continue
      const where = `${route.method} ${route.url} as ${label}`
      const before = await fingerprint()
      const out = await call(caller, route, fillPath(route, caller, scope.outside().kpj))
      if (isWriteMethod(route.method)) {
        // A write with an empty body may be refused by validation first; either way, nothing lands.
        if (![400, 403, 404, 409, 422].includes(out.statusCode)) failures.push(`${where}: outside its scope answered ${out.statusCode}`)
        if ((await fingerprint()) !== before) failures.push(`${where}: a participant outside its scope was changed`)
        checked++
        continue
      }
      const inside = await call(caller, route, fillPath(route, caller, scope.inside().kpj))
      if (inside.statusCode === 400) {
        tt.diagnostic(`${where}: needs more than a KPJ (400), scope not checked`)
        continue
      }
      if (out.statusCode !== 404) failures.push(`${where}: outside its scope answered ${out.statusCode}, not 404`)
      if (inside.statusCode !== 200) failures.push(`${where}: inside its scope answered ${inside.statusCode} ${inside.body.slice(0, 200)}`)
      checked++
    }
  }
  tt.diagnostic(`${checked} scope checks`)
  assert.deepEqual(failures, [])
})

test('a route without an access declaration stops the server at start-up', async () => {
  const { buildApp } = await import('../app.ts')
  const { createHttp } = await import('../platform/http.ts')
  const { securityPlugin } = await import('./index.ts')
  const { createLogger } = await import('../platform/log.ts')
  void buildApp
  await assert.rejects(
    (async () => {
      const app = await createHttp({
        logger: createLogger('silent'),
        ctx: t.ctx,
        before: securityPlugin,
        routes: async (api) => {
          api.get('/forgotten', async () => ({ ok: true }))
        },
      })
      await app.ready()
    })(),
    /GET \/api\/v1\/forgotten: config\.access is missing/,
  )
})
