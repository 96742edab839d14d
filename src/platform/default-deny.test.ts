// Default-deny (issue 13 §4): default grants used to hand the application role every future table,
// so a new ledger or outbox table would have been readable by every scoped caller. Now a table
// the role can read must have row-level security, or declare in its table comment, beside the
// table in its module's migration, why every caller may read all of it:
//   COMMENT ON TABLE x IS 'reference data: …'   the same for every caller (regions, rates, codes)
//   COMMENT ON TABLE x IS 'unscoped: …'         bookkeeping with no member data, read before or
//                                               beside any scope (accounts at sign-in, throttles)
// (migrations/0020_unscoped_tables.sql explains the convention). And a table a migration creates
// gives the role nothing until that migration grants it (default privileges revoked, 0010).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createPool, type Sql } from './db.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'

const APP_ROLE = 'jamsos_app'

/** The declarations a table comment may start with; the reason follows the colon. */
const DECLARATION = /^(reference data|unscoped): (.{10,})$/s

interface Readable {
  name: string
  kind: string
  rls: boolean
  comment: string | null
  writable: boolean
}

/**
 * Every relation (table, partition, view, materialized view, foreign table) in any schema that the
 * application role can read in whole or in part (a column grant counts: SELECT (id) reads every
 * row's id), with its row-level security and table comment.
 */
async function readableByApp(sql: Sql): Promise<Readable[]> {
  return sql<Readable[]>`
    SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind, c.relrowsecurity AS rls,
           obj_description(c.oid, 'pg_class') AS comment,
           has_table_privilege(${APP_ROLE}, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
             OR has_any_column_privilege(${APP_ROLE}, c.oid, 'INSERT, UPDATE') AS writable
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
      AND has_any_column_privilege(${APP_ROLE}, c.oid, 'SELECT')
    ORDER BY 1`
}

/** What the default-deny rule refuses, one line per table, with what to do about it. */
function violations(tables: Readable[]): string[] {
  const out: string[] = []
  for (const t of tables) {
    const declared = t.comment === null ? null : DECLARATION.exec(t.comment)
    // A view or materialized view runs as its owner (row-level security of its tables does not
    // apply to the caller), so it needs a declaration whatever its tables have.
    if (t.rls && (t.kind === 'r' || t.kind === 'p')) continue
    if (!declared) {
      out.push(`${t.name}: readable by ${APP_ROLE} without row-level security; ENABLE ROW LEVEL SECURITY with policies, ` +
        `or COMMENT ON TABLE ${t.name} IS 'reference data: <why>' (or 'unscoped: <why>') in its migration`)
    } else if (declared[1] === 'reference data' && t.writable) {
      out.push(`${t.name}: declared reference data, yet ${APP_ROLE} may write it (reference data is loaded by the owner)`)
    }
  }
  return out
}

let db: TestDatabase
let app: Sql

before(async () => {
  db = await testDatabase()
  app = createPool(db.appUrl, { max: 2 })
})
after(async () => {
  await app.end({ timeout: 5 })
  await db.close()
})

test('every table the application role can read has row-level security or a reference-data declaration', async () => {
  const tables = await readableByApp(db.sql)
  assert.deepEqual(violations(tables), [])
  // The rule sees what it must: the member tables with their policies, the code lists and the
  // NIK/reference uniqueness indexes (RLS: readable by every caller with a role, 0017/0018), the
  // job queue's table of which the role reads one column.
  const byName = new Map(tables.map((t) => [t.name, t]))
  for (const name of ['public.participant', 'public.heir', 'public.participant_change', 'public.bill', 'public.payment', 'public.coverage_month',
    'public.nik_index', 'public.payment_reference', 'public.audit_event']) {
    assert.equal(byName.get(name)?.rls, true, name)
  }
  for (const name of ['public.province', 'public.village', 'public.branch', 'public.program', 'public.contribution_rate', 'public.occupation',
    'public.ecosystem', 'public.channel', 'public.payment_channel', 'pgboss.queue']) {
    assert.match(byName.get(name)?.comment ?? '', /^reference data: /, name)
  }
  assert.match(byName.get('pgboss.job')?.comment ?? '', /^unscoped: /)
  // What the role cannot read at all is not in the list: the migration history, the outbox, the
  // audit chain's head and old links, the job archive.
  for (const name of ['public.schema_migration', 'public.outbox_event', 'public.outbox_attempt', 'public.audit_chain_head', 'public.audit_legacy_link', 'pgboss.archive']) {
    assert.equal(byName.has(name), false, name)
  }
})

test('the rule catches a readable table without row-level security, and accepts RLS or a declaration', async () => {
  const probeViolations = async () => violations(await readableByApp(db.sql)).filter((v) => v.startsWith('public.ledger_entry_probe'))
  await db.sql.unsafe('CREATE TABLE public.ledger_entry_probe (id int PRIMARY KEY, amount int)')
  try {
    await db.sql.unsafe('GRANT SELECT ON public.ledger_entry_probe TO jamsos_app')
    const offending = await probeViolations()
    assert.equal(offending.length, 1)
    assert.match(offending[0]!, /without row-level security/)

    // A column grant reads every row of that column: it counts as readable.
    await db.sql.unsafe('REVOKE SELECT ON public.ledger_entry_probe FROM jamsos_app')
    await db.sql.unsafe('GRANT SELECT (id) ON public.ledger_entry_probe TO jamsos_app')
    assert.equal((await probeViolations()).length, 1)

    // A comment that is not a declaration, or a declaration without its reason, does not count.
    for (const comment of ['entries of the ledger', 'reference data:', 'reference data: short']) {
      await db.sql.unsafe(`COMMENT ON TABLE public.ledger_entry_probe IS '${comment}'`)
      assert.equal((await probeViolations()).length, 1, comment)
    }
    await db.sql.unsafe(`COMMENT ON TABLE public.ledger_entry_probe IS 'reference data: ledger account codes, the same for every caller'`)
    assert.deepEqual(await probeViolations(), [])

    // Reference data the role may write is refused: the owner loads it.
    await db.sql.unsafe('GRANT INSERT ON public.ledger_entry_probe TO jamsos_app')
    assert.deepEqual(await probeViolations(), [
      `public.ledger_entry_probe: declared reference data, yet ${APP_ROLE} may write it (reference data is loaded by the owner)`,
    ])
    await db.sql.unsafe('COMMENT ON TABLE public.ledger_entry_probe IS NULL')

    // Row-level security is the other way to pass; the role then reads no row without a policy.
    await db.sql.unsafe('ALTER TABLE public.ledger_entry_probe ENABLE ROW LEVEL SECURITY')
    await db.sql.unsafe('INSERT INTO public.ledger_entry_probe VALUES (1, 100)')
    assert.deepEqual(await probeViolations(), [])
    assert.deepEqual([...await app`SELECT id FROM public.ledger_entry_probe`], [])

    // A view runs with its owner's rights over its tables: it needs a declaration of its own.
    await db.sql.unsafe('CREATE VIEW public.ledger_entry_probe_v AS SELECT id, amount FROM public.ledger_entry_probe')
    await db.sql.unsafe('GRANT SELECT ON public.ledger_entry_probe_v TO jamsos_app')
    assert.equal((await probeViolations()).filter((v) => v.startsWith('public.ledger_entry_probe_v')).length, 1)
    assert.deepEqual([...await app`SELECT id, amount FROM public.ledger_entry_probe_v`], [{ id: 1, amount: 100 }])
  } finally {
    await db.sql.unsafe('DROP VIEW IF EXISTS public.ledger_entry_probe_v')
    await db.sql.unsafe('DROP TABLE public.ledger_entry_probe')
  }
})

test('a table or sequence a migration creates gives the application role nothing until it grants', async () => {
  // No default privileges name the role in any schema (0010 revoked those 0006 had given).
  const defaults = await db.sql<{ schema: string | null; acl: string }[]>`
    SELECT n.nspname AS schema, d.defaclacl::text AS acl
    FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
    WHERE d.defaclacl::text LIKE ${'%' + APP_ROLE + '=%'}`
  assert.deepEqual([...defaults], [])

  await db.sql.unsafe('CREATE SCHEMA ledger_probe')
  try {
    for (const schema of ['public', 'pgboss', 'ledger_probe']) {
      await db.sql.unsafe(`CREATE TABLE ${schema}.fresh_probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount int)`)
      await db.sql.unsafe(`CREATE SEQUENCE ${schema}.fresh_probe_seq`)
      await db.sql.unsafe(`INSERT INTO ${schema}.fresh_probe (amount) VALUES (100)`)
      try {
        const [rights] = await db.sql<{ table: boolean; columns: boolean; sequence: boolean }[]>`
          SELECT has_table_privilege(${APP_ROLE}, ${schema + '.fresh_probe'}, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') AS table,
                 has_any_column_privilege(${APP_ROLE}, ${schema + '.fresh_probe'}, 'SELECT, INSERT, UPDATE, REFERENCES') AS columns,
                 has_sequence_privilege(${APP_ROLE}, ${schema + '.fresh_probe_seq'}, 'USAGE, SELECT, UPDATE') AS sequence`
        assert.deepEqual(rights, { table: false, columns: false, sequence: false }, schema)
        // Asked as the role itself: refused, not an empty answer.
        for (const s of [`SELECT * FROM ${schema}.fresh_probe`, `INSERT INTO ${schema}.fresh_probe (amount) VALUES (1)`, `SELECT nextval('${schema}.fresh_probe_seq')`]) {
          const code = await app.unsafe(s).then(() => 'ok', (e: { code?: string }) => e.code)
          assert.equal(code, '42501', `${s}`)
        }
      } finally {
        await db.sql.unsafe(`DROP TABLE ${schema}.fresh_probe; DROP SEQUENCE ${schema}.fresh_probe_seq`)
      }
    }
  } finally {
    await db.sql.unsafe('DROP SCHEMA ledger_probe CASCADE')
  }
})
