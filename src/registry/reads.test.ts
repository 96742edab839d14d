// Participant reads as the application sends them (issue 12 §4 and §7). PostgreSQL may plan a
// prepared statement once and keep that generic plan for the connection; row-level security reads
// the caller's scope from settings, not parameters, so that plan is built for whoever used the
// connection first. These tests drive the reads over HTTP on a pool of one connection that keeps
// generic plans (plan_cache_mode = force_generic_plan, what PostgreSQL may settle on by itself
// after five executions), then EXPLAIN the very statements the app prepared there, as the other
// caller: each must be answered from an index whatever the registry's size. They assert plan
// shapes, not timings (those are bench/reads.bench.ts's).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, withActor, type Actor } from '../platform/actor.ts'
import { createPool, type Sql } from '../platform/db.ts'
import { testApp, type TestApp } from '../../test/app.ts'
import { as, seedParticipant, type RoleSession, type SeededParticipant } from '../../test/auth.ts'
import { registryDepsOf } from './routes.ts'

let t: TestApp
let admin: RoleSession
let officer: RoleSession
const blitar: SeededParticipant[] = []
let malang: SeededParticipant
const NIK_OF_MALANG = '3573014501900001'

const adminActor: Actor = { ...ANONYMOUS_ACTOR, kind: 'user', userId: 1, name: 'admin', role: 'admin' }
const officerActor: Actor = { ...ANONYMOUS_ACTOR, kind: 'user', userId: 2, name: 'officer', role: 'branch_officer', branchCodes: ['KC3505'] }

before(async () => {
  t = await testApp()
  admin = await as(t, 'admin')
  officer = await as(t, 'branch_officer', { branchCodes: ['KC3505'] })
  for (const name of ['Sri Lestari', 'Sri Wahyuni', 'Sri Rahayu', 'Srikandi Putri', 'Budi Santoso']) blitar.push(await seedParticipant(t.db.sql, { name }))
  malang = await seedParticipant(t.db.sql, { branchCode: 'KC3573', villageCode: '35.73.01.1001', name: 'Sri Malang' })
  // The Malang member's NIK in the blind index, as registration would have claimed it.
  const hash = registryDepsOf(t.ctx).vault.blindIndex(NIK_OF_MALANG)
  await t.db.sql`INSERT INTO nik_index (nik_hash, participant_id) VALUES (${hash}, ${malang.id})`
  for (const p of blitar) {
    await t.db.sql`INSERT INTO heir (participant_id, full_name, relationship) VALUES (${p.id}, 'Ahli Waris', 'child')`
    await t.db.sql`INSERT INTO participant_change (participant_id, kind, before, after) VALUES (${p.id}, 'contact', '{"phone":"0811"}', '{"phone":"0812"}')`
  }
  // A registry large enough that reading all of it would cost more than any index, shaped like
  // the country's: 30,000 members, a tenth of them in KC Blitar (the officer's branch; the demo
  // population has the same share there), the rest in 300 other branches, in 500 villages, with
  // NIKs, heirs and changes, and fresh statistics.
  await t.db.sql`
    INSERT INTO participant (id, kpj, nik_cipher, nik_hash, nik_masked, nik_district_code, nik_district_known, full_name, birth_place,
                             birth_date, gender, mother_maiden_name, phone, address, village_code, district_code, regency_code,
                             province_code, branch_code, occupation, monthly_income, programs, ecosystem, channel)
    SELECT 3000000000 + g, (3000000000 + g)::text || '0', '\\x00', '\\x00', '3505**********01', '35.05.01', true,
           'Nama ' || md5(g::text), 'Blitar', '1990-01-05', 'M', 'Ibu', '0812', 'Jl', '35.99.01.' || (g % 500), '35.99.01', '35.99', '35',
           CASE WHEN g % 10 = 0 THEN 'KC3505' ELSE 'KC' || (4000 + g % 300) END, 'petani', 1000000, '{JKK,JKM}', 'desa', 'branch'
    FROM generate_series(1, 30000) g`
  await t.db.sql`INSERT INTO heir (participant_id, full_name, relationship) SELECT 3000000000 + g, 'Waris', 'child' FROM generate_series(1, 30000) g`
  await t.db.sql`
    INSERT INTO participant_change (participant_id, kind, before, after)
    SELECT 3000000000 + g, 'contact', '{"phone":"0811"}', '{"phone":"0812"}' FROM generate_series(1, 30000) g`
  await t.db.sql`INSERT INTO nik_index (nik_hash, participant_id) SELECT sha256(g::text::bytea), 3000000000 + g FROM generate_series(1, 30000) g`
  await t.db.sql`ANALYZE participant, heir, participant_change, nik_index`
  // New sessions on this (throw-away) database keep generic plans from the first execution on.
  const dbName = new URL(t.db.url).pathname.slice(1)
  await t.db.sql.unsafe(`ALTER DATABASE "${dbName}" SET plan_cache_mode = force_generic_plan`)
})
after(() => t.close())

/** Runs fn with the app's requests on a pool of one connection of its own, then closes it. */
async function onOneConnection<T>(fn: (one: Sql) => Promise<T>): Promise<T> {
  const one = createPool(t.db.appUrl, { max: 1 })
  const pool = t.ctx.db
  t.ctx.db = one
  try {
    return await fn(one)
  } finally {
    t.ctx.db = pool
    await one.end({ timeout: 5 })
  }
}

const get = async (url: string, who: RoleSession) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: who.headers })
  assert.equal(res.statusCode, 200, `GET ${url}: ${res.body}`)
  return res.json()
}

/** Every participant read, as `who` sees it (the KPJs are in both callers' scope). */
async function readAll(who: RoleSession): Promise<void> {
  const [sri, , , , budi] = blitar
  await get(`/participants/${sri!.kpj}`, who)
  await get(`/participants?nik=${NIK_OF_MALANG}`, who)
  await get(`/participants?query=${sri!.kpj}`, who)
  const page = await get('/participants?query=Sri&limit=1', who)
  assert.ok(page.nextCursor)
  await get(`/participants?name=sri&limit=1&cursor=${page.nextCursor}`, who)
  await get('/participants?village=35.05.01.2001', who)
  await get('/participants?branch=KC3505', who)
  await get('/participants?name=sri&village=35.05.01.2001', who)
  for (const read of ['coverage', 'bills', 'payments', 'history']) await get(`/participants/${budi!.kpj}/${read}`, who)
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Index Cond'?: string
  Plans?: PlanNode[]
}

/** Tables whose reads must come from an index at any size (the money tables hold no rows here). */
const REGISTRY = new Set(['participant', 'nik_index', 'heir', 'participant_change'])

/** What is wrong with a plan for a registry of any size, if anything. */
function planProblems(node: PlanNode, out: string[] = []): string[] {
  const on = node['Relation Name']
  if (node['Node Type'] === 'Seq Scan' && on && REGISTRY.has(on)) out.push(`reads all of ${on}`)
  if (/^Index (Only )?Scan$/.test(node['Node Type']) && on && REGISTRY.has(on) && !node['Index Cond']) {
    out.push(`walks the whole of ${node['Index Name']}`)
  }
  // The policy's arms ORed over their indexes: for an admin, "every id" reads the whole registry.
  if (node['Node Type'] === 'BitmapOr') out.push('BitmapOr over the policy arms')
  for (const child of node.Plans ?? []) planProblems(child, out)
  return out
}

const indexesOf = (node: PlanNode, out: string[] = []): string[] => {
  if (node['Index Name']) out.push(node['Index Name'])
  for (const child of node.Plans ?? []) indexesOf(child, out)
  return out
}

/**
 * The app's statements prepared on this connection that read participant data, each with the
 * generic plan it keeps there, explained as `actor`.
 */
async function preparedReads(one: Sql, actor: Actor): Promise<{ statement: string; plan: PlanNode }[]> {
  const prepared = await one<{ name: string; statement: string; types: string[] }[]>`
    SELECT name, statement, parameter_types::text[] AS types FROM pg_prepared_statements
    WHERE NOT from_sql AND statement ~* '^\\s*(/\\*[^*]*\\*/\\s*)?SELECT' AND statement ~* '\\m(FROM|JOIN)\\s+(participant|nik_index|heir|participant_change|bill|payment|coverage_month)\\M'`
  return withActor(one, actor, async (tx) => {
    const out: { statement: string; plan: PlanNode }[] = []
    for (const p of prepared) {
      // Names come from pg_prepared_statements; with generic plans forced the arguments do not
      // change the plan, so NULLs do.
      const args = p.types.length ? `(${p.types.map(() => 'NULL').join(', ')})` : ''
      const [row] = await tx.unsafe(`EXPLAIN (FORMAT JSON) EXECUTE "${p.name}"${args}`)
      const plan = (row!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan
      out.push({ statement: p.statement.replace(/\s+/g, ' ').trim(), plan })
    }
    return out
  })
}

function assertIndexed(reads: { statement: string; plan: PlanNode }[]): void {
  assert.ok(reads.length >= 10, `the reads prepared ${reads.length} statements`)
  const bad = reads.map((r) => ({ statement: r.statement, problems: planProblems(r.plan) })).filter((r) => r.problems.length)
  assert.deepEqual(bad, [])
}

const nameSearch = (reads: { statement: string; plan: PlanNode }[], tag: string) =>
  reads.filter((r) => r.statement.includes(`scope: ${tag}`) && r.statement.includes('jamsos_prefix_end'))

test('after an admin used the connection, a branch officer\'s reads are planned on indexes, and so are the admin\'s', async () => {
  await onOneConnection(async (one) => {
    await readAll(admin)
    await readAll(officer)
    const reads = await preparedReads(one, officerActor)
    assertIndexed(reads)
    // Name searches page off the name indexes: the admin's over the registry, the officer's per branch.
    assert.ok(nameSearch(reads, 'admin').every((r) => indexesOf(r.plan).includes('participant_name_c_idx')))
    assert.ok(nameSearch(reads, 'branch_officer').every((r) => indexesOf(r.plan).includes('participant_branch_name_idx')))
    assert.equal(nameSearch(reads, 'admin').length, 3)
    assert.equal(nameSearch(reads, 'branch_officer').length, 3)
  })
})

test('after a branch officer used the connection, an admin\'s reads are planned on indexes, and so are the officer\'s', async () => {
  await onOneConnection(async (one) => {
    await readAll(officer)
    await readAll(admin)
    assertIndexed(await preparedReads(one, adminActor))
  })
})

test('a NIK search is one statement whether the NIK is unknown or registered outside the caller\'s scope', async () => {
  await onOneConnection(async (one) => {
    const sent: string[] = []
    one.options.debug = (_connection, query) => sent.push(query.replace(/\s+/g, ' ').trim())
    const search = async (nik: string) => {
      sent.length = 0
      const found = await get(`/participants?nik=${nik}`, officer)
      assert.deepEqual(found.items, [])
      // Leave out the token check, which every request makes before the search runs.
      return sent.filter((s) => !/\bauth_session\b/.test(s))
    }
    await search('3573014501900003') // the statements' first use describes them: count from the second
    const unknown = await search('3573014501900002')
    const outOfScope = await search(NIK_OF_MALANG)
    assert.deepEqual(outOfScope, unknown)
    assert.equal(unknown.filter((s) => /\bFROM participant\b/.test(s)).length, 1)
    assert.equal(unknown.filter((s) => /\bnik_index\b/.test(s)).length, 1)
    // The admin sees the Malang member through the same statement.
    const seen = await get(`/participants?nik=${NIK_OF_MALANG}`, admin)
    assert.deepEqual(seen.items.map((i: { kpj: string }) => i.kpj), [malang.kpj])
  })
})

test('a name search matches the folded prefix literally, pages in name order and ties by KPJ', async () => {
  const names = async (url: string, who = admin) => (await get(url, who)).items.map((i: { fullName: string }) => i.fullName)
  assert.deepEqual(await names('/participants?name=sri&limit=10'), ['Sri Lestari', 'Sri Malang', 'Sri Rahayu', 'Sri Wahyuni', 'Srikandi Putri'])
  assert.deepEqual(await names('/participants?name=SRI%20%20W&limit=10'), ['Sri Wahyuni'])
  assert.deepEqual(await names('/participants?name=sri&limit=10', officer), ['Sri Lestari', 'Sri Rahayu', 'Sri Wahyuni', 'Srikandi Putri'])
  // % and _ are letters here, not wildcards.
  assert.deepEqual(await names('/participants?name=s%25&limit=10'), [])
  assert.deepEqual(await names('/participants?name=sr_&limit=10'), [])
  // Page by page, two at a time, nothing skipped or repeated; equal names follow KPJ order.
  const twins = [await seedParticipant(t.db.sql, { name: 'Kembar Sama' }), await seedParticipant(t.db.sql, { name: 'Kembar Sama' }), await seedParticipant(t.db.sql, { name: 'Kembar Sama' })]
  for (const who of [admin, officer]) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: { kpj: string }[]; nextCursor: string | null } = await get(`/participants?name=kembar&limit=2${cursor ? `&cursor=${cursor}` : ''}`, who)
      seen.push(...page.items.map((i) => i.kpj))
      cursor = page.nextCursor
    } while (cursor)
    // KPJs come from a cached sequence: the three need not be numbered in the order they were made.
    assert.deepEqual(seen, twins.map((p) => p.kpj).sort())
  }
})
