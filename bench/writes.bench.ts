// Writes in parallel (issue 13 §1). 32 concurrent callers drive registrations, bills and payments
// through the HTTP API (app.inject: validation, access, row-level security, the audit trail, all
// as in production) on a database with fsync on, with the audit chain built by the server's job
// (`audit.chain` on the pg-boss runner, as `jamsos start` runs it) against the very same load with
// the chaining off (no builder running). Every write records its audit event either way: since
// migration 0014 recording is one INSERT with no lock, and the chain is built behind the writes.
//
// The phases run off, on, on, off, then on, off, off, on (ABBA BAAB), each on fresh members, so
// the table growth and the machine's drift weigh on both sides alike; the backlog an "off" phase
// leaves is chained, untimed, before the next phase. ratio = all writes per second with chaining
// ÷ without; worstRatio the lowest of the three kinds of write.
//
//   npm run bench -- writes [--n 600 (members per phase)] [--concurrency 32]
import crypto from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import type { BenchContext } from './run.ts'
import { loadConfig } from '../src/platform/config.ts'
import { createLogger } from '../src/platform/log.ts'
import { createPool } from '../src/platform/db.ts'
import { appLogin, ensureAppLogin } from '../src/platform/app-login.ts'
import { SYSTEM_ACTOR } from '../src/platform/actor.ts'
import type { AppContext } from '../src/platform/http.ts'
import { auditKey, buildApp, startServices } from '../src/app.ts'
import { createUser, issueSession, loadAuthSettings } from '../src/auth/index.ts'
import { auditChainJob, BUILD_AUDIT_CHAIN, buildAuditChain, verifyAuditChain } from '../src/audit/index.ts'
import { enqueue, startJobRunner, type JobRunner } from '../src/jobs/index.ts'
import { generatePopulation, registrationOf } from '../src/demo/index.ts'

export const name = 'writes'

type Op = 'register' | 'bill' | 'pay'

/** Runs fn for every item with `concurrency` callers at once; returns the elapsed milliseconds. */
async function drive<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<number> {
  let next = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
  return performance.now() - t
}

function expect(res: LightMyRequestResponse, status: number, what: string): void {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`)
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const n = Number(ctx.options.n ?? 600)
  const concurrency = Number(ctx.options.concurrency ?? 32)
  if (!Number.isSafeInteger(n) || n < concurrency) throw new Error(`--n must be a whole number ≥ --concurrency, got ${ctx.options.n}`)
  // One admin session does all the work: lift the per-session rate limit for the bench's process.
  process.env.JAMSOS_RATE_LIMIT = '100000000'
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: ctx.url,
    JAMSOS_DATA_DIR: path.join(ctx.tmpDir, 'data'),
    JAMSOS_NIK_KEY: crypto.randomBytes(32).toString('base64'),
    JAMSOS_NIK_INDEX_KEY: crypto.randomBytes(32).toString('base64'),
    JAMSOS_AUTH_KEY: crypto.randomBytes(32).toString('base64'),
    JAMSOS_ADMIN_PASSWORD: crypto.randomBytes(12).toString('base64url'),
    JAMSOS_SCRYPT_COST: '1024',
  })
  const log = createLogger('silent')
  const login = appLogin(ctx.url)
  await ensureAppLogin(ctx.sql, login)
  const appSql = createPool(login.url, { max: concurrency })
  const appCtx: AppContext = { db: appSql, systemDb: ctx.sql, config, now: () => new Date(), services: {} }
  await startServices(appCtx, log)
  const app = await buildApp(appCtx, log)
  await app.ready()
  const key = auditKey(config, appCtx.services as { authKey?: Buffer })
  const settings = loadAuthSettings(config)
  const c = { db: ctx.sql, settings, now: new Date() }
  const { user } = await createUser(c, SYSTEM_ACTOR, { username: 'bench-admin', displayName: 'Bench', role: 'admin', password: 'bench-Passphrase-12345' })
  const headers = { authorization: `Bearer ${(await issueSession(c, user, 'bearer', '127.0.0.1')).token}` }

  const warmUp = Math.min(n, 200)
  const phases = ['off', 'on', 'on', 'off', 'on', 'off', 'off', 'on'] as const
  const population = [...generatePopulation({ count: phases.length * n + warmUp, seed: 13 })].map(registrationOf)
  const totals: Record<'on' | 'off', Record<Op, { ms: number; count: number }>> = {
    on: { register: { ms: 0, count: 0 }, bill: { ms: 0, count: 0 }, pay: { ms: 0, count: 0 } },
    off: { register: { ms: 0, count: 0 }, bill: { ms: 0, count: 0 }, pay: { ms: 0, count: 0 } },
  }
  let lagAtEnd = 0
  let runner: JobRunner | undefined
  let reference = 0
  try {
    // Untimed first: compiled code, cached plans and warm pools for both sides.
    for (const body of population.slice(phases.length * n)) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/participants', headers, payload: body })
      expect(res, 201, 'register (warm-up)')
      const bill = await app.inject({ method: 'POST', url: `/api/v1/participants/${(res.json() as { kpj: string }).kpj}/bills`, headers, payload: { months: 1 } })
      expect(bill, 201, 'bill (warm-up)')
    }
    for (const [i, mode] of phases.entries()) {
      // The previous phase's backlog is chained first, untimed: each phase starts level.
      await buildAuditChain(ctx.sql, key)
      await ctx.sql`CHECKPOINT`
      if (mode === 'on') {
        runner = await startJobRunner({ url: ctx.url, handlers: [auditChainJob(ctx.sql, key)], log, pollingIntervalSeconds: 0.5 })
        await enqueue(ctx.sql, BUILD_AUDIT_CHAIN, {})
      }
      const bodies = population.slice(i * n, (i + 1) * n)
      const kpjs: string[] = []
      const registerMs = await drive(bodies, concurrency, async (body) => {
        const res = await app.inject({ method: 'POST', url: '/api/v1/participants', headers, payload: body })
        expect(res, 201, 'register')
        kpjs.push((res.json() as { kpj: string }).kpj)
      })
      const bills: { paymentCode: string; amount: number }[] = []
      const billMs = await drive(kpjs, concurrency, async (kpj) => {
        const res = await app.inject({ method: 'POST', url: `/api/v1/participants/${kpj}/bills`, headers, payload: { months: 1 } })
        expect(res, 201, 'bill')
        bills.push(res.json() as { paymentCode: string; amount: number })
      })
      const payMs = await drive(bills, concurrency, async (bill) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/payments',
          headers,
          payload: { paymentCode: bill.paymentCode, amount: bill.amount, reference: `BENCH-${++reference}`, channel: 'branch', paidAt: new Date().toISOString() },
        })
        expect(res, 201, 'pay')
      })
      for (const [op, ms] of [['register', registerMs], ['bill', billMs], ['pay', payMs]] as const) {
        totals[mode][op].ms += ms
        totals[mode][op].count += bodies.length
      }
      if (runner) {
        // How far behind the writes the chain was when they stopped.
        const [{ behind }] = (await ctx.sql`
          SELECT count(*)::int AS behind FROM audit_event WHERE id > (SELECT last_id FROM audit_chain_head)`) as unknown as [{ behind: number }]
        lagAtEnd = Math.max(lagAtEnd, behind)
        await runner.stop()
        runner = undefined
      }
      const perS = (ms: number) => Math.round((bodies.length / ms) * 1000)
      ctx.log(`${mode}: register ${perS(registerMs)}/s, bill ${perS(billMs)}/s, pay ${perS(payMs)}/s`)
    }
  } finally {
    await runner?.stop()
  }

  const t = performance.now()
  const built = await buildAuditChain(ctx.sql, key)
  const catchUpMs = performance.now() - t
  const verdict = await verifyAuditChain(ctx.sql, key)
  if (!verdict.ok || verdict.unchained !== 0) throw new Error(`the chain does not verify after the run: ${JSON.stringify({ ...verdict, broken: verdict.broken.slice(0, 5) })}`)
  await app.close()
  await appSql.end({ timeout: 5 })

  const rate = (mode: 'on' | 'off', op: Op) => Math.round((totals[mode][op].count / totals[mode][op].ms) * 1000)
  const all = (mode: 'on' | 'off') => {
    const ops = Object.values(totals[mode])
    return (ops.reduce((s, o) => s + o.count, 0) / ops.reduce((s, o) => s + o.ms, 0)) * 1000
  }
  const ratios = (['register', 'bill', 'pay'] as const).map((op) => rate('on', op) / rate('off', op))
  return {
    ratio: Number((all('on') / all('off')).toFixed(3)),
    worstRatio: Number(Math.min(...ratios).toFixed(3)),
    concurrency,
    perPhase: n,
    registerPerS: { on: rate('on', 'register'), off: rate('off', 'register') },
    billPerS: { on: rate('on', 'bill'), off: rate('off', 'bill') },
    payPerS: { on: rate('on', 'pay'), off: rate('off', 'pay') },
    /** Unchained events when the writes of a phase with the builder stopped (the chain's lag). */
    chainLagEventsAtEnd: lagAtEnd,
    /** What the builder had not reached when the writes ended, chained in one catch-up run. */
    catchUpEvents: built.chained,
    catchUpEventsPerS: Math.round((built.chained / catchUpMs) * 1000),
    events: verdict.events,
    chainVerified: verdict.ok,
    cpus: os.cpus().length,
  }
}
