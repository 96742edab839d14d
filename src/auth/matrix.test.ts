// The authorization matrix. Every route registered under /api/v1 is called by every kind of caller
// (anonymous, each role, and callers from another branch, agent, partner and sponsor); what each
// must get follows from the route's own access declaration, so a new route joins the matrix the
// moment it is registered, and the first test fails until CASES below says how to call it.
//
// Each call is one that would succeed (issue 13 §6: the write checks used to send `{}`, so
// validation answered 400 before access or scope was ever tested): real ids, a fresh valid body,
// made before the call. So:
// - a caller the declaration admits gets exactly the route's success status (404 for a
//   participant outside its scope);
// - anonymous gets 401, any other caller outside the declaration 403, and nothing a request can
//   change has changed (row for row) after a refused request;
// - routes on one participant (`:kpj`, or a bill's payment code) answer 404 for a participant
//   outside the caller's scope, reads and writes alike, and write nothing.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { ANONYMOUS_ACTOR, type Actor, type Role } from '../platform/actor.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, partnerKey, seedParticipant, TEST_PASSWORD, type PartnerKeyHandle, type RoleSession, type SeededParticipant } from '../../test/auth.ts'
import { JATEN, registration } from '../../test/fixtures.ts'
import { registryDepsOf } from '../registry/index.ts'
import { decideAccess } from './access.ts'
import { declaredRoutes, issueSession, loadAuthSettings, setAgentTerritory, type DeclaredRoute } from './index.ts'

/** A village of KC3573 (Kota Malang), the other branch, in agent 9003's territory. */
const MALANG = '35.73.01.1001'

interface Caller {
  label: string
  role: Role | null
  actor: Actor
  /** The caller's account password (user callers); POST /auth/password changes it. */
  password?: string
  /** Inject options for one request (a fresh token or signature each time). */
  request(opts: { method: string; url: string; body?: unknown }): Promise<InjectOptions>
}

/** One call of a route: its path parameters (`:kpj` is filled in from the target) and a body. */
interface Call {
  params?: Record<string, string | number>
  query?: string
  body?: unknown
}

interface RouteCase {
  /**
   * A call that succeeds for an admitted caller that has `p` in its scope, made fresh (and its
   * objects created) before each request, so that a refusal can only come from access or scope.
   */
  call(caller: Caller, p: SeededParticipant): Call | Promise<Call>
  /** The exact status an admitted caller gets (for a participant in its scope). */
  ok: number | ((caller: Caller) => number)
  /** About one participant (`:kpj`, or a bill's payment code): 404 for one outside the caller's scope. */
  participant?: true
  /** A write whose success changes nothing for this caller (checked: every other one does). */
  unchanged?: (caller: Caller) => boolean
}

let t: TestApp
let pA: SeededParticipant
let pB: SeededParticipant
let admin: RoleSession
let loginUser: RoleSession
const callers: Record<string, Caller> = {}
let serial = 0
/** Different on every call: usernames, references, phone numbers. */
const next = () => String(++serial).padStart(6, '0')

/** Through the app as the administrator, for the objects a call needs (a bill, an heir). */
async function asAdmin(method: 'POST', url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await t.app.inject({ method, url, headers: admin.headers, payload: body as object })
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** The counter channel a signed-in role posts payments as; partners post as their bound channel. */
const counterChannel = (c: Caller) => (c.role === 'admin' || c.role === 'branch_officer' ? 'branch' : c.role === 'agent' ? 'perisai' : undefined)

const CASES: Record<string, RouteCase> = {
  // Identity: public login, the caller's own account.
  'POST /api/v1/auth/login': { ok: 200, call: () => ({ body: { username: loginUser.user.username, password: TEST_PASSWORD } }) },
  'POST /api/v1/auth/token': { ok: 200, call: () => ({ body: { username: loginUser.user.username, password: TEST_PASSWORD } }) },
  // Member self-service: a member of its own, registered with a NIK the call can prove.
  'POST /api/v1/auth/activate': {
    ok: 201,
    call: async () => {
      const r = registration()
      const { kpj } = await asAdmin('POST', '/api/v1/participants', r)
      return { body: { kpj, nik: r.nik, birthDate: r.birthDate, motherMaidenName: r.motherMaidenName, password: `Matrix-passphrase-${next()}` } }
    },
  },
  // A partner key has no session to end.
  'POST /api/v1/auth/logout': { ok: 204, unchanged: (c) => c.actor.kind === 'partner_key', call: () => ({}) },
  'GET /api/v1/auth/me': { ok: 200, call: () => ({}) },
  'POST /api/v1/auth/password': {
    // A partner key has no password: admitted (any signed-in caller), then NOT_A_USER.
    ok: (c) => (c.actor.kind === 'partner_key' ? 400 : 204),
    call: (c) => ({ body: { currentPassword: c.password ?? TEST_PASSWORD, newPassword: `Matrix-passphrase-${next()}` } }),
  },
  // Administration of accounts and partner keys, each on an object of its own.
  'GET /api/v1/users': { ok: 200, call: () => ({ query: 'role=management' }) },
  'GET /api/v1/users/:id': { ok: 200, call: () => ({ params: { id: loginUser.user.id } }) },
  'POST /api/v1/users': { ok: 201, call: () => ({ body: { username: `matrix-${next()}`, displayName: 'Matrix', role: 'management' } }) },
  'POST /api/v1/users/:id/disable': { ok: 200, call: async () => ({ params: { id: (await as(t, 'management')).user.id } }) },
  'POST /api/v1/users/:id/reset-password': { ok: 200, call: async () => ({ params: { id: (await as(t, 'management')).user.id }, body: {} }) },
  'POST /api/v1/partners/:partnerId/keys': { ok: 201, call: () => ({ params: { partnerId: 8009 } }) },
  'GET /api/v1/partners/:partnerId/keys': { ok: 200, call: () => ({ params: { partnerId: 8001 } }) },
  'POST /api/v1/partner-keys/:keyId/rotate': { ok: 201, call: async () => ({ params: { keyId: (await partnerKey(t, 8009)).keyId }, body: { overlapHours: 1 } }) },
  'POST /api/v1/partner-keys/:keyId/revoke': { ok: 200, call: async () => ({ params: { keyId: (await partnerKey(t, 8009)).keyId } }) },
  'GET /api/v1/audit': { ok: 200, call: () => ({ query: 'limit=5' }) },
  'GET /api/v1/admin/jobs': { ok: 200, call: () => ({}) },
  // Reference data.
  'GET /api/v1/regions/provinces': { ok: 200, call: () => ({}) },
  'GET /api/v1/regions/search': { ok: 200, call: () => ({ query: 'q=blitar' }) },
  'GET /api/v1/regions/:code': { ok: 200, call: () => ({ params: { code: '35.05' } }) },
  'GET /api/v1/branches': { ok: 200, call: () => ({}) },
  'GET /api/v1/branches/:code': { ok: 200, call: () => ({ params: { code: 'KC3505' } }) },
  'GET /api/v1/programs': { ok: 200, call: () => ({}) },
  'GET /api/v1/rates': { ok: 200, call: () => ({ query: 'date=2025-06-01' }) },
  'GET /api/v1/registration-codes': { ok: 200, call: () => ({}) },
  // The registry. A registration lands in a village of the caller's own branch.
  'POST /api/v1/participants': {
    ok: 201,
    call: (c) => ({ body: registration({ villageCode: c.label === 'other_branch_officer' ? MALANG : JATEN, channel: c.role === 'partner' ? 'partner' : 'branch' }) }),
  },
  'GET /api/v1/participants': { ok: 200, call: () => ({ query: 'name=Peserta' }) },
  'GET /api/v1/participants/:kpj': { ok: 200, participant: true, call: () => ({}) },
  'POST /api/v1/participants/:kpj/reveal-nik': { ok: 200, participant: true, call: () => ({}) },
  'PATCH /api/v1/participants/:kpj': { ok: 200, participant: true, call: () => ({ body: { phone: `0812${next()}` } }) },
  'GET /api/v1/participants/:kpj/history': { ok: 200, participant: true, call: () => ({}) },
  'POST /api/v1/participants/:kpj/heirs': { ok: 201, participant: true, call: () => ({ body: { fullName: 'Siti Aminah', relationship: 'spouse' } }) },
  'DELETE /api/v1/participants/:kpj/heirs/:heirId': {
    ok: 204,
    participant: true,
    call: async (_c, p) => ({ params: { heirId: (await asAdmin('POST', `/api/v1/participants/${p.kpj}/heirs`, { fullName: 'Budi', relationship: 'child' })).id as number } }),
  },
  'GET /api/v1/participants/:kpj/coverage': { ok: 200, participant: true, call: () => ({}) },
  'GET /api/v1/coverage/member-counts': { ok: 200, call: () => ({ query: 'date=2025-03-31&branchCode=KC3505' }) },
  // Contributions.
  'POST /api/v1/participants/:kpj/bills': { ok: 201, participant: true, call: () => ({ body: { months: 1 } }) },
  'GET /api/v1/participants/:kpj/bills': { ok: 200, participant: true, call: () => ({}) },
  'GET /api/v1/participants/:kpj/payments': { ok: 200, participant: true, call: () => ({}) },
  'POST /api/v1/payments': {
    // A fresh bill of the participant; the caller's own channel (partner 8001 is bound to jmo,
    // 8002 to bri), so only the bill's scope can stand in the way.
    ok: 201,
    participant: true,
    call: async (c, p) => {
      const bill = await asAdmin('POST', `/api/v1/participants/${p.kpj}/bills`, { months: 1 })
      const channel = counterChannel(c)
      return { body: { paymentCode: bill.paymentCode, amount: bill.amount, reference: `MATRIX-${next()}`, ...(channel ? { channel } : {}), paidAt: t.ctx.now().toISOString() } }
    },
  },
  'GET /api/v1/payment-channels': { ok: 200, call: () => ({}) },
  'PUT /api/v1/partners/:partnerId/payment-channel': { ok: 200, call: () => ({ params: { partnerId: 8010 }, body: { channel: 'bca' } }) },
  // Membership cards (src/card): a card is issued first where the call needs one.
  'POST /api/v1/participants/:kpj/cards': { ok: 201, participant: true, call: () => ({ body: {} }) },
  'GET /api/v1/participants/:kpj/card': { ok: 200, participant: true, call: async (_c, p) => (await asAdmin('POST', `/api/v1/participants/${p.kpj}/cards`, {}), {}) },
  'GET /api/v1/participants/:kpj/card/pdf': { ok: 200, participant: true, call: async (_c, p) => (await asAdmin('POST', `/api/v1/participants/${p.kpj}/cards`, {}), {}) },
  'POST /api/v1/participants/:kpj/card/revoke': {
    ok: 200,
    participant: true,
    call: async (_c, p) => (await asAdmin('POST', `/api/v1/participants/${p.kpj}/cards`, {}), { body: { reason: 'lost' } }),
  },
  // Public: anyone holding a card's QR code checks it.
  'GET /api/v1/cards/verify/:token': { ok: 200, call: async (_c, p) => ({ params: { token: (await asAdmin('POST', `/api/v1/participants/${p.kpj}/cards`, {})).token as string } }) },
}

function userCaller(label: string, session: RoleSession, actor: Partial<Actor>): Caller {
  const settings = loadAuthSettings(t.ctx.config, {})
  return {
    label,
    role: session.user.role,
    actor: { ...ANONYMOUS_ACTOR, kind: 'user', userId: session.user.id, role: session.user.role, ...actor },
    password: session.password,
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
  pA = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3505', villageCode: JATEN, agentId: 9001, partnerId: 8001, sponsorId: 7001 })
  // pB: branch KC3573, in agent 9003's territory, and nobody else's.
  pB = await seedParticipant(t.ctx.systemDb, { branchCode: 'KC3573', villageCode: MALANG })
  // Seeded rows hold random bytes for the NIK's ciphertext; POST …/reveal-nik decrypts it.
  const { vault } = registryDepsOf(t.ctx)
  for (const p of [pA, pB]) await t.ctx.systemDb`UPDATE participant SET nik_cipher = ${vault.encrypt('3505014501900001')} WHERE id = ${p.id}`
  await setAgentTerritory(t.ctx.systemDb, 9003, [MALANG])
  admin = await as(t, 'admin')
  loginUser = await as(t, 'management')
  // Partners post payments as their bound channel: 8001 is the JMO platform, 8002 a bank.
  for (const [partnerId, channel] of [[8001, 'jmo'], [8002, 'bri']] as const) {
    const res = await t.app.inject({ method: 'PUT', url: `/api/v1/partners/${partnerId}/payment-channel`, headers: admin.headers, payload: { channel } })
    assert.equal(res.statusCode, 200, res.body)
  }
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

/**
 * The participant each scoped caller can see (if either), and one it cannot; every other caller
 * (admin, management) sees both. Partner 8002 and sponsor 7002 have neither.
 */
const SCOPE: Record<string, { inside?: () => SeededParticipant; outside: () => SeededParticipant }> = {
  branch_officer: { inside: () => pA, outside: () => pB },
  other_branch_officer: { inside: () => pB, outside: () => pA },
  agent: { inside: () => pA, outside: () => pB },
  other_agent: { inside: () => pB, outside: () => pA },
  partner_key: { inside: () => pA, outside: () => pB },
  other_partner_key: { outside: () => pA },
  partner_user: { inside: () => pA, outside: () => pB },
  sponsor: { inside: () => pA, outside: () => pB },
  other_sponsor: { outside: () => pA },
  participant: { inside: () => pA, outside: () => pB },
  other_participant: { inside: () => pB, outside: () => pA },
}
const sees = (caller: Caller, p: SeededParticipant) => {
  const scope = SCOPE[caller.label]
  return !scope || scope.inside?.() === p
}

const key = (r: DeclaredRoute) => `${r.method} ${r.url}`
const isWriteMethod = (m: string) => m !== 'GET' && m !== 'HEAD'

/** The request for one call of a route by a caller about participant p (its objects made first). */
async function prepare(route: DeclaredRoute, caller: Caller, p: SeededParticipant): Promise<{ opts: InjectOptions; body: unknown }> {
  const c = CASES[key(route)]
  if (!c) throw new Error(`${key(route)}: add a case to CASES in src/auth/matrix.test.ts`)
  const made = await c.call(caller, p)
  const params: Record<string, string | number> = { kpj: p.kpj, ...made.params }
  const path = route.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    if (params[name] === undefined) throw new Error(`${key(route)}: its case gives no value for :${name}`)
    return encodeURIComponent(String(params[name]))
  })
  const url = made.query ? `${path}?${made.query}` : path
  return { opts: await caller.request({ method: route.method, url, ...(made.body === undefined ? {} : { body: made.body }) }), body: made.body }
}

async function send(caller: Caller, prepared: { opts: InjectOptions; body: unknown }): Promise<LightMyRequestResponse> {
  const res = await t.app.inject(prepared.opts)
  // The caller's password moved on: the next change starts from the new one.
  const body = prepared.body as { newPassword?: unknown } | undefined
  if (res.statusCode === 204 && typeof body?.newPassword === 'string' && String(prepared.opts.url).endsWith('/auth/password')) caller.password = body.newPassword
  return res
}

const expectedOk = (route: DeclaredRoute, caller: Caller) => {
  const c = CASES[key(route)]!
  return typeof c.ok === 'function' ? c.ok(caller) : c.ok
}

// What a request can change. Requests run as the application role, logged in as itself
// (migration 0010), so a table it may read but has no right to change (the reference data:
// regions with their 84,000 villages, branches, rates, code lists, channels) cannot have changed;
// fingerprinting those around each of hundreds of calls was most of this file's time (issue 13
// §6). Every other table is fingerprinted, whatever its schema, including those the role cannot
// reach at all (a SECURITY DEFINER function may write them, as the audit head is), but for
// signature_replay: verifying a partner's signature writes it before access is decided (the replay
// cache, not data).
let touchable: string[] | undefined
async function touchableTables(): Promise<string[]> {
  if (touchable) return touchable
  const [{ role }] = (await t.ctx.db<{ role: string }[]>`SELECT current_user AS role`) as unknown as [{ role: string }]
  const rows = await t.ctx.systemDb<{ name: string }[]>`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT (has_table_privilege(${role}, c.oid, 'SELECT')
               AND NOT has_table_privilege(${role}, c.oid, 'DELETE, TRUNCATE')
               AND NOT has_any_column_privilege(${role}, c.oid, 'INSERT, UPDATE'))
      AND c.relname <> 'signature_replay'
    ORDER BY 1`
  touchable = rows.map((r) => r.name)
  return touchable
}

/** Row-for-row fingerprint of every table a request can change. */
async function fingerprint(): Promise<string> {
  const sql = (await touchableTables())
    .map((name) => `SELECT '${name}' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${name} x`)
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

const codeOf = (r: LightMyRequestResponse) => {
  try {
    return (r.json() as { error?: { code?: string } }).error?.code
  } catch {
    return undefined
  }
}

test('every route declares its access, and the matrix has a case for every route and no other', async () => {
  const routes = declaredRoutes(t.app)
  assert.ok(routes.length >= 38, `only ${routes.length} routes found`)
  for (const r of routes) assert.ok(r.access, key(r))
  const declared = new Set(routes.map(key))
  assert.deepEqual(routes.map(key).filter((k) => !CASES[k]), [], 'routes without a case in CASES (src/auth/matrix.test.ts)')
  assert.deepEqual(Object.keys(CASES).filter((k) => !declared.has(k)), [], 'cases for routes that no longer exist')
  // The fingerprint covers what requests write, and leaves out the reference data.
  const tables = await touchableTables()
  for (const want of ['public.participant', 'public.payment', 'public.app_user', 'public.audit_event', 'public.auth_session', 'pgboss.job', 'public.outbox_event']) assert.ok(tables.includes(want), want)
  for (const ref of ['public.village', 'public.region_data', 'public.contribution_rate', 'public.payment_channel']) assert.ok(!tables.includes(ref), ref)
})

test('each caller the declaration admits gets the route’s answer; every other is refused and writes nothing', async (tt) => {
  const failures: string[] = []
  let refused = 0
  for (const route of declaredRoutes(t.app)) {
    for (const caller of Object.values(callers)) {
      const allowed = decideAccess(route.access, caller.actor, route.method) === 'allow'
      const where = `${key(route)} as ${caller.label}`
      const request = await prepare(route, caller, pA)
      if (allowed) {
        const write = isWriteMethod(route.method)
        const before = write ? await fingerprint() : ''
        const res = await send(caller, request)
        const want = CASES[key(route)]!.participant && !sees(caller, pA) ? 404 : expectedOk(route, caller)
        if (res.statusCode !== want) failures.push(`${where}: admitted, expected ${want}, got ${res.statusCode} ${res.body.slice(0, 200)}`)
        // The same request, admitted, does change what the fingerprint covers: so an unchanged
        // fingerprint after a refusal means the refusal kept it from doing so.
        else if (write && res.statusCode < 300 && !CASES[key(route)]!.unchanged?.(caller) && (await fingerprint()) === before) failures.push(`${where}: succeeded, yet the fingerprint saw no change`)
        continue
      }
      const before = await fingerprint()
      const res = await send(caller, request)
      const want = caller.role === null ? [401, 'AUTH_REQUIRED'] : [403, 'FORBIDDEN']
      if (res.statusCode !== want[0] || codeOf(res) !== want[1]) failures.push(`${where}: expected ${want.join(' ')}, got ${res.statusCode} ${codeOf(res)}`)
      const after = await fingerprint()
      if (after !== before) failures.push(`${where}: refused, yet the database changed (${changedTables(before, after)})`)
      refused++
    }
  }
  tt.diagnostic(`${declaredRoutes(t.app).length} routes × ${Object.keys(callers).length} callers, ${refused} refused`)
  assert.deepEqual(failures, [])
})

test('a participant outside the caller’s scope is not found, whatever the route, and nothing is written', async (tt) => {
  const failures: string[] = []
  let checked = 0
  for (const route of declaredRoutes(t.app).filter((r) => CASES[key(r)]!.participant)) {
    for (const [label, scope] of Object.entries(SCOPE)) {
      const caller = callers[label]!
      if (decideAccess(route.access, caller.actor, route.method) !== 'allow') continue
      const where = `${key(route)} as ${label}`
      const outside = await prepare(route, caller, scope.outside())
      const before = isWriteMethod(route.method) ? await fingerprint() : ''
      const out = await send(caller, outside)
      if (out.statusCode !== 404 || !/_NOT_FOUND$/.test(codeOf(out) ?? '')) failures.push(`${where}: outside its scope answered ${out.statusCode} ${codeOf(out)}, not 404`)
      if (isWriteMethod(route.method)) {
        const after = await fingerprint()
        if (after !== before) failures.push(`${where}: a participant outside its scope was changed (${changedTables(before, after)})`)
      }
      checked++
      if (!scope.inside) continue
      const inside = await send(caller, await prepare(route, caller, scope.inside()))
      if (inside.statusCode !== expectedOk(route, caller)) failures.push(`${where}: inside its scope answered ${inside.statusCode} ${inside.body.slice(0, 200)}`)
    }
  }
  tt.diagnostic(`${checked} scope checks`)
  assert.deepEqual(failures, [])
})

test('a branch officer registering into another branch is refused (403 OUT_OF_SCOPE) and nothing is written', async () => {
  const route = declaredRoutes(t.app).find((r) => key(r) === 'POST /api/v1/participants')!
  for (const [label, village] of [['branch_officer', MALANG], ['other_branch_officer', JATEN]] as const) {
    const caller = callers[label]!
    const request = { opts: await caller.request({ method: route.method, url: route.url, body: registration({ villageCode: village }) }), body: undefined }
    const before = await fingerprint()
    const res = await send(caller, request)
    assert.deepEqual([res.statusCode, codeOf(res)], [403, 'OUT_OF_SCOPE'], `${label}: ${res.body}`)
    const after = await fingerprint()
    assert.equal(after, before, `${label}: ${changedTables(before, after)}`)
  }
})

test('a route without an access declaration stops the server at start-up', async () => {
  const { createHttp } = await import('../platform/http.ts')
  const { securityPlugin } = await import('./index.ts')
  const { createLogger } = await import('../platform/log.ts')
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
