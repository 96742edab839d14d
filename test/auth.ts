// Acting as any role in tests: a fresh user of that role with a bearer token, a partner key that
// signs requests, and participants seeded straight into the tables (through the owner's pool) in
// whichever branch, village and scope a test needs.
import crypto from 'node:crypto'
import type { InjectOptions } from 'fastify'
import { SYSTEM_ACTOR, type Permission, type Role } from '../src/platform/actor.ts'
import type { Sql } from '../src/platform/db.ts'
import { luhnCheckDigit } from '../src/platform/luhn.ts'
import { createPartnerKey, createUser, ensureAuthKey, issueSession, loadAuthSettings, signRequest, type UserView } from '../src/auth/index.ts'
import type { TestApp } from './app.ts'

export interface AsOptions {
  /** Branch officer: its branches (default KC3505). */
  branchCodes?: string[]
  /** Agent: its id (default 9001). */
  agentId?: number
  /** Partner user: its partner (default 8001). */
  partnerId?: number
  /** Sponsor: its id (default 7001). */
  sponsorId?: number
  /** Participant: whom it is (default 1000000001). */
  participantId?: number
  permissions?: Permission[]
  username?: string
  password?: string
}

export interface RoleSession {
  /** Spread into app.inject({ headers }). */
  headers: { authorization: string }
  token: string
  user: UserView
  password: string
}

export const TEST_PASSWORD = 'correct-horse-battery-staple'

/** A new user of the role, signed in with a bearer token. */
export async function as(t: TestApp, role: Role, opts: AsOptions = {}): Promise<RoleSession> {
  const settings = loadAuthSettings(t.ctx.config, {})
  const c = { db: t.ctx.systemDb, settings, now: t.ctx.now() }
  const password = opts.password ?? TEST_PASSWORD
  const { user } = await createUser(c, SYSTEM_ACTOR, {
    username: opts.username ?? `${role.replace('_', '-')}-${crypto.randomBytes(4).toString('hex')}`,
    displayName: `Test ${role}`,
    role,
    branchCodes: role === 'branch_officer' ? (opts.branchCodes ?? ['KC3505']) : undefined,
    agentId: opts.agentId ?? (role === 'agent' ? 9001 : null),
    partnerId: opts.partnerId ?? (role === 'partner' ? 8001 : null),
    sponsorId: opts.sponsorId ?? (role === 'sponsor' ? 7001 : null),
    participantId: opts.participantId ?? (role === 'participant' ? 1_000_000_001 : null),
    permissions: opts.permissions,
    password,
  })
  const s = await issueSession(c, user, 'bearer', '127.0.0.1')
  return { headers: { authorization: `Bearer ${s.token}` }, token: s.token, user, password }
}

export interface PartnerKeyHandle {
  keyId: string
  secret: string
  partnerId: number
  /** Inject options for a request signed with this key (timestamp: now, unless given). */
  sign(req: { method: string; url: string; body?: unknown; timestamp?: string; headers?: Record<string, string> }): InjectOptions
}

/** A new API key for a partner (default 8001), able to sign requests. */
export async function partnerKey(t: TestApp, partnerId = 8001): Promise<PartnerKeyHandle> {
  const settings = loadAuthSettings(t.ctx.config, {})
  const k = await createPartnerKey(
    { db: t.ctx.systemDb, settings, now: t.ctx.now(), secretKey: ensureAuthKey(t.ctx.services, settings.secretKey, t.ctx.config.dataDir) },
    SYSTEM_ACTOR,
    partnerId,
  )
  return signer(t, k.keyId, k.secret, partnerId)
}

export function signer(t: TestApp, keyId: string, secret: string, partnerId: number): PartnerKeyHandle {
  return {
    keyId,
    secret,
    partnerId,
    sign({ method, url, body, timestamp, headers }) {
      const ts = timestamp ?? new Date(t.ctx.now().getTime()).toISOString()
      const payload = body === undefined ? '' : JSON.stringify(body)
      return {
        method: method as InjectOptions['method'],
        url,
        headers: {
          'x-jamsos-key': keyId,
          'x-jamsos-timestamp': ts,
          'x-jamsos-signature': signRequest(secret, method, url, ts, payload),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload }),
      }
    },
  }
}

export interface SeededParticipant {
  id: number
  kpj: string
}

let seedCounter = 0

/**
 * A participant row written directly through the owner's pool (bypassing the registry and
 * row-level security), placed in the scope a test needs.
 */
export async function seedParticipant(
  sql: Sql,
  p: { branchCode?: string; villageCode?: string; agentId?: number | null; partnerId?: number | null; sponsorId?: number | null; name?: string } = {},
): Promise<SeededParticipant> {
  const [{ id }] = (await sql<{ id: number }[]>`SELECT nextval('participant_id_seq') AS id`) as unknown as [{ id: number }]
  const digits = String(id)
  const kpj = digits + String(luhnCheckDigit(digits))
  const nik = `35050145019${String(++seedCounter % 100000).padStart(5, '0')}`
  await sql`
    INSERT INTO participant (id, kpj, nik_cipher, nik_hash, nik_masked, nik_district_code, nik_district_known, full_name, birth_place,
                             birth_date, gender, mother_maiden_name, phone, address, village_code, district_code, regency_code,
                             province_code, branch_code, occupation, monthly_income, programs, ecosystem, channel, agent_id, partner_id, sponsor_id)
    VALUES (${id}, ${kpj}, ${crypto.randomBytes(40)}, ${crypto.randomBytes(32)}, ${nik.slice(0, 4) + '**********' + nik.slice(-2)}, '35.05.01', true,
            ${p.name ?? `Peserta ${id}`}, 'Blitar', '1990-01-05', 'F', 'Ibu', '081234567890', 'Jl. Mawar 1',
            ${p.villageCode ?? '35.05.01.2001'}, '35.05.01', '35.05', '35', ${p.branchCode ?? 'KC3505'}, 'petani', 1000000, ${['JKK', 'JKM']}::text[],
            'desa', 'branch', ${p.agentId ?? null}, ${p.partnerId ?? null}, ${p.sponsorId ?? null})`
  return { id, kpj }
}
