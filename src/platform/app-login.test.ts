// The application role as an attacker with an SQL injection on the request pool would find it
// (issue 12, item 7): it logs in as itself, so RESET ROLE and SET ROLE lead nowhere; it owns
// nothing; it cannot change the audit trail, the schema, the reference data, or reach the server's
// shell. Each attack below succeeded on the old pool (the owner switched to jamsos_app).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createPool, type Sql } from './db.ts'
import { loadConfig } from './config.ts'
import { appLogin, checkAppSession, scramVerifier } from './app-login.ts'
import { openMigrated } from './runtime.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'

let db: TestDatabase
let app: Sql
let owner: string

before(async () => {
  db = await testDatabase()
  app = createPool(db.appUrl, { max: 2 })
  owner = (await db.sql<{ u: string }[]>`SELECT current_user AS u`)[0]!.u
})
after(async () => {
  await app.end({ timeout: 5 })
  await db.close()
})

/** Runs statements in one transaction on the app pool and answers the SQLSTATE it failed with. */
async function refused(...statements: string[]): Promise<string | undefined> {
  try {
    await app.begin(async (tx) => {
      for (const s of statements) await tx.unsafe(s)
    })
    return undefined
  } catch (e) {
    return (e as { code?: string }).code ?? String(e)
  }
}

test('the request pool logs in as jamsos_app itself: no superuser, no BYPASSRLS, owns nothing', async () => {
  const [s] = await app<{ current_user: string; session_user: string; rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean }[]>`
    SELECT current_user, session_user, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = session_user`
  assert.deepEqual(s, { current_user: 'jamsos_app', session_user: 'jamsos_app', rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false })
  const [owned] = await db.sql<{ n: number }[]>`
    SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
         + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
         + (SELECT count(*) FROM pg_database WHERE datdba = r.oid) AS n
    FROM pg_roles r WHERE rolname = 'jamsos_app'`
  assert.equal(Number(owned!.n), 0)
  await checkAppSession(app)
})

test('RESET ROLE and SET ROLE NONE keep jamsos_app; SET ROLE and SET SESSION AUTHORIZATION to the owner are refused', async () => {
  // On the old pool (the owner switched to jamsos_app), SET ROLE NONE was the superuser.
  for (const back of ['RESET ROLE', 'SET ROLE NONE', 'SET SESSION AUTHORIZATION DEFAULT', 'RESET SESSION AUTHORIZATION']) {
    const [after] = await app.begin(async (tx) => {
      await tx.unsafe(back)
      return tx<{ u: string; su: boolean }[]>`SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`
    })
    assert.deepEqual(after, { u: 'jamsos_app', su: false }, back)
  }
  assert.equal(await refused(`SET ROLE "${owner}"`), '42501')
  assert.equal(await refused(`SET SESSION AUTHORIZATION "${owner}"`), '42501')
  assert.equal(await refused(`SET ROLE pg_read_server_files`), '42501')
  assert.equal(await refused(`ALTER ROLE jamsos_app SUPERUSER`), '42501')
  assert.equal(await refused(`ALTER ROLE jamsos_app BYPASSRLS`), '42501')
})

test('the audit trail cannot be changed, cut or unchained by the app role', async () => {
  for (const s of ['UPDATE audit_event SET actor_name = $$x$$', 'DELETE FROM audit_event', 'TRUNCATE audit_event', 'UPDATE audit_chain_head SET last_id = 0', 'INSERT INTO audit_link VALUES (1, $$gap$$, repeat($$0$$, 64), repeat($$0$$, 64))',
    'ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only', 'DROP TRIGGER audit_event_append_only ON audit_event']) {
    assert.equal(await refused(s), '42501', s)
  }
})

test('no DDL: tables cannot be dropped, altered or created, policies and row-level security stay', async () => {
  for (const s of ['DROP TABLE participant', 'ALTER TABLE participant DISABLE ROW LEVEL SECURITY', 'ALTER TABLE payment ADD COLUMN x int',
    'DROP POLICY participant_read ON participant', 'CREATE TABLE public.mine (x int)', 'CREATE FUNCTION public.f() RETURNS int LANGUAGE sql RETURN 1',
    'CREATE EXTENSION IF NOT EXISTS dblink', 'CREATE SCHEMA mine', 'ALTER FUNCTION jamsos_audit_stamp() OWNER TO jamsos_app']) {
    assert.equal(await refused(s), '42501', s)
  }
})

test("no shell and no server files: COPY … TO/FROM PROGRAM and server-side files are refused", async () => {
  for (const s of [`COPY (SELECT 1) TO PROGRAM 'id'`, `COPY audit_event FROM PROGRAM 'true'`, `COPY (SELECT 1) TO '/tmp/jamsos-x'`,
    `SELECT pg_read_file('postgresql.conf')`, `SELECT lo_import('/etc/passwd')`]) {
    assert.equal(await refused(s), '42501', s)
  }
})

test('reference data is read-only to the app role; facts cannot be edited or removed', async () => {
  assert.ok((await app`SELECT count(*)::int AS n FROM contribution_rate`)[0]!.n > 0)
  for (const s of ['UPDATE contribution_rate SET value = 1', 'DELETE FROM program', "INSERT INTO channel (code, name_id, name_en) VALUES ('x', 'x', 'x')",
    'UPDATE village SET name = $$x$$', 'DELETE FROM branch_regency', 'UPDATE payment_channel SET kind = $$counter$$',
    'UPDATE payment SET amount = 1', 'DELETE FROM payment', 'UPDATE bill SET amount = 1', 'UPDATE coverage_month SET known_at = now()',
    'DELETE FROM participant_change', 'UPDATE participant SET nik_hash = nik_hash', 'UPDATE app_user SET role = $$admin$$',
    'SELECT * FROM schema_migration', "SELECT setval('participant_id_seq', 1)"]) {
    assert.equal(await refused(s), '42501', s)
  }
})

/**
 * Every right jamsos_app holds, as `table: privileges` (UPDATE(col, …) for column grants). A new
 * table, or a broader grant, shows up here: add it deliberately (migration 0010 says how).
 */
const EXPECTED_RIGHTS: Record<string, string> = {
  agent_territory: 'SELECT',
  app_user: 'SELECT INSERT UPDATE(disabled_at,locked_until,password_changed_at,password_hash)',
  audit_event: 'SELECT INSERT',
  // migrations/0014_audit_chain_builder.sql: each event's chain link is read with it (scoped like the event).
  audit_link: 'SELECT',
  auth_failure: 'SELECT INSERT DELETE',
  auth_known_address: 'SELECT INSERT DELETE UPDATE(last_success_at)',
  auth_session: 'SELECT INSERT DELETE UPDATE(revoked_at)',
  bill: 'SELECT INSERT',
  branch: 'SELECT',
  branch_regency: 'SELECT',
  channel: 'SELECT',
  contribution_rate: 'SELECT',
  coverage_month: 'SELECT INSERT',
  // migrations/0016_coverage_facts.sql: each payment's outcome and status periods, append-only.
  coverage_outcome: 'SELECT INSERT',
  coverage_period: 'SELECT INSERT',
  district: 'SELECT',
  ecosystem: 'SELECT',
  heir: 'SELECT INSERT UPDATE(removed_at)',
  idempotency_key: 'SELECT INSERT UPDATE DELETE',
  // migrations/0021_membership_card.sql: cards are issued and revoked once; verifications tallied.
  membership_card: 'SELECT INSERT UPDATE(revoke_reason,revoked_at,revoked_by,revoked_by_name)',
  membership_card_check: 'SELECT INSERT UPDATE(checks,last_checked_at)',
  nik_index: 'SELECT INSERT',
  occupation: 'SELECT',
  // migrations/0013_jobs_outbox.sql: requests enqueue outbox events.
  outbox_event: 'INSERT',
  partner_key: 'SELECT INSERT UPDATE(expires_at,replaced_by,revoked_at)',
  partner_payment_channel: 'SELECT INSERT UPDATE(bound_at,bound_by,channel)',
  participant: 'SELECT INSERT UPDATE(address,branch_code,district_code,monthly_income,occupation,phone,programs,province_code,regency_code,version,village_code)',
  // migrations/0016_coverage_facts.sql: the dated history of a member's attributes, append-only.
  participant_attribute: 'SELECT INSERT',
  participant_change: 'SELECT INSERT',
  payment: 'SELECT INSERT',
  payment_channel: 'SELECT',
  payment_reference: 'SELECT INSERT',
  program: 'SELECT',
  province: 'SELECT',
  regency: 'SELECT',
  region_data: 'SELECT',
  registration_probe: 'SELECT INSERT',
  signature_replay: 'SELECT INSERT DELETE',
  village: 'SELECT',
}

test('jamsos_app holds exactly the rights requests need, table by table', async () => {
  const rows = await db.sql<{ t: string; privs: string[]; cols: string[] }[]>`
    SELECT c.relname AS t,
           ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
                 WHERE has_table_privilege('jamsos_app', c.oid, p)) AS privs,
           ARRAY(SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND has_column_privilege('jamsos_app', c.oid, a.attnum, 'UPDATE') ORDER BY a.attname) AS cols
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
    ORDER BY c.relname`
  const held: Record<string, string> = {}
  for (const r of rows) {
    const table = r.privs.includes('UPDATE') ? r.privs : [...r.privs, ...(r.cols.length ? [`UPDATE(${r.cols.join(',')})`] : [])]
    if (table.length) held[r.t] = table.join(' ')
  }
  assert.deepEqual(held, EXPECTED_RIGHTS)
  const sequences = await db.sql<{ s: string }[]>`
    SELECT c.relname AS s FROM pg_class c WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace
      AND (has_sequence_privilege('jamsos_app', c.oid, 'USAGE') OR has_sequence_privilege('jamsos_app', c.oid, 'UPDATE'))`
  assert.deepEqual(sequences.map((r) => r.s), ['participant_id_seq'])
  // Functions that run with their owner's rights: none the app role may call. The audit stamp
  // (0014, the one SECURITY DEFINER function) runs only as audit_event's trigger.
  const definers = await db.sql<{ f: string }[]>`
    SELECT p.proname AS f FROM pg_proc p
    WHERE p.prosecdef AND has_function_privilege('jamsos_app', p.oid, 'EXECUTE')
      AND p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    ORDER BY 1`
  assert.deepEqual(definers.map((r) => r.f), [])
})

test('openMigrated with DATABASE_URL alone gives jamsos_app its login and serves requests on it', async () => {
  const opened = await openMigrated(loadConfig({ DATABASE_URL: db.url }))
  try {
    const [s] = await opened.app<{ u: string; su: string }[]>`SELECT current_user AS u, session_user AS su`
    assert.deepEqual(s, { u: 'jamsos_app', su: 'jamsos_app' })
  } finally {
    await opened.close()
  }
})

test("JAMSOS_APP_DATABASE_URL naming the owner is refused at start with one sentence, not served", async () => {
  await assert.rejects(openMigrated(loadConfig({ DATABASE_URL: db.url, JAMSOS_APP_DATABASE_URL: db.url })), (e: Error) => {
    assert.equal(e.name, 'AppLoginError')
    assert.match(e.message, /must run as the application role jamsos_app.*superuser/)
    return true
  })
  const derived = appLogin('postgres://jamsos@127.0.0.1:5432/jamsos')
  assert.match(derived.problem!, /JAMSOS_APP_DATABASE_URL/)
})

test('the password is stored from a SCRAM-SHA-256 verifier made here: it logs in, a wrong one does not, no clear text reaches the server', async () => {
  const role = `jamsos_t_scram_${process.pid}`
  const verifier = scramVerifier('Kata-sandi-uji-1')
  await db.sql.unsafe(`DROP ROLE IF EXISTS ${role}`)
  await db.sql.unsafe(`CREATE ROLE ${role} LOGIN PASSWORD '${verifier}'`)
  try {
    const [stored] = await db.sql<{ p: string }[]>`SELECT rolpassword AS p FROM pg_authid WHERE rolname = ${role}`
    assert.equal(stored!.p, verifier)
    const url = (password: string) => {
      const u = new URL(db.url)
      u.username = role
      u.password = password
      return u.toString()
    }
    const good = createPool(url('Kata-sandi-uji-1'), { max: 1 })
    const bad = createPool(url('Kata-sandi-uji-2'), { max: 1 })
    try {
      assert.equal((await good<{ u: string }[]>`SELECT session_user AS u`)[0]!.u, role)
      await assert.rejects(bad`SELECT 1`, (e: { code?: string }) => e.code === '28P01')
    } finally {
      await Promise.all([good.end(), bad.end()])
    }
  } finally {
    await db.sql.unsafe(`DROP ROLE IF EXISTS ${role}`)
  }
})
