// `npm run gen:types`: writes src/platform/db-types.ts, one row interface per table of the migrated
// schema, so that row shapes are kept once, by the migrations (issue 13 §5). It migrates a scratch
// database (on a throw-away embedded PostgreSQL, or on DATABASE_URL's server), reads the catalog and
// writes the file; scripts/gen-db-types.test.ts regenerates it against the test template and fails
// when the committed file differs.
//
// A small generator over pg_catalog rather than kysely-codegen: kysely-codegen emits Kysely's
// ColumnType wrappers (and needs Kysely and pg beside postgres.js), and types int8 as string, where
// this project's pool (src/platform/db.ts) parses it to a number and keeps dates as 'YYYY-MM-DD'.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../src/platform/config.ts'
import { createPool, type Sql } from '../src/platform/db.ts'
import { startEmbedded } from '../src/platform/embedded-pg.ts'
import { migrate } from '../src/platform/migrate.ts'

export const DB_TYPES_FILE = path.join(projectRoot, 'src', 'platform', 'db-types.ts')

/** Schemas whose tables are generated: the application's own (pg-boss's `pgboss` is pg-boss's). */
const SCHEMAS = ['public']

/**
 * TypeScript for a PostgreSQL base type, as src/platform/db.ts's pool returns it: int8 parsed to a
 * number (failing past 2^53), dates kept as 'YYYY-MM-DD' text, timestamps as Date (postgres.js),
 * numeric as text (postgres.js leaves it exact), bytea as Buffer.
 */
const BASE_TYPES: Record<string, string> = {
  int2: 'number', int4: 'number', int8: 'number', float4: 'number', float8: 'number', oid: 'number',
  numeric: 'string', money: 'string',
  text: 'string', varchar: 'string', bpchar: 'string', name: 'string', citext: 'string', uuid: 'string',
  inet: 'string', cidr: 'string', macaddr: 'string', interval: 'string', time: 'string', timetz: 'string',
  xid: 'string', xid8: 'string', pg_lsn: 'string', bit: 'string', varbit: 'string', tsvector: 'string',
  // Ranges come back as PostgreSQL writes them, e.g. '[2025-01-01,2025-04-01)'.
  daterange: 'string', tstzrange: 'string', tsrange: 'string', int4range: 'string', int8range: 'string', numrange: 'string',
  date: 'string',
  timestamp: 'Date', timestamptz: 'Date',
  bool: 'boolean',
  bytea: 'Buffer',
  json: 'JsonValue', jsonb: 'JsonValue',
}

/** Types whose CHECK-listed values become a union of literals. */
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar'])

interface ColumnInfo {
  table: string
  column: string
  position: number
  /** The element type's name for arrays, else the type's name. */
  typname: string
  isArray: boolean
  /** 'e' for enums. */
  typtype: string
  sqlType: string
  notNull: boolean
  generated: boolean
  hasDefault: boolean
  enumLabels: string[] | null
}

/** Reads the columns of every table in SCHEMAS, in table then column order. */
async function readColumns(sql: Sql): Promise<ColumnInfo[]> {
  return sql<ColumnInfo[]>`
    SELECT c.relname AS "table", a.attname AS "column", a.attnum::int AS position,
           coalesce(et.typname, t.typname) AS typname, et.oid IS NOT NULL AS "isArray",
           coalesce(et.typtype, t.typtype)::text AS typtype,
           format_type(a.atttypid, a.atttypmod) AS "sqlType",
           a.attnotnull AS "notNull",
           (a.attgenerated <> '' OR a.attidentity = 'a') AS generated,
           (a.atthasdef OR a.attidentity <> '') AS "hasDefault",
           (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
             WHERE e.enumtypid = coalesce(et.oid, t.oid)) AS "enumLabels"
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    WHERE n.nspname = ANY(${SCHEMAS}::text[]) AND c.relkind IN ('r', 'p', 'v', 'm')
    ORDER BY c.relname, a.attnum`
}

/**
 * Columns limited to listed text values by a CHECK on that column alone: `x IN ('a', 'b')`
 * (PostgreSQL keeps it as `x = ANY (ARRAY['a'::text, …])`), `x = 'a'`, or for arrays
 * `x <@ ARRAY['a', …]`, possibly ANDed with other conditions. A constraint with OR, NOT or CASE
 * says something else and is left alone. Keyed `table.column`.
 */
async function readCheckedValues(sql: Sql): Promise<Map<string, string[]>> {
  const rows = await sql<{ table: string; column: string; def: string }[]>`
    SELECT c.relname AS "table", a.attname AS "column", pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
    WHERE k.contype = 'c' AND cardinality(k.conkey) = 1 AND n.nspname = ANY(${SCHEMAS}::text[])
    ORDER BY c.relname, a.attname, k.conname`
  // A column that references a single checked column holds its values too (contribution_rate.program → program.code).
  const references = await sql<{ table: string; column: string; target: string }[]>`
    SELECT c.relname AS "table", a.attname AS "column", fc.relname || '.' || fa.attname AS target
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
    JOIN pg_class fc ON fc.oid = k.confrelid
    JOIN pg_attribute fa ON fa.attrelid = fc.oid AND fa.attnum = k.confkey[1]
    WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND n.nspname = ANY(${SCHEMAS}::text[])`
  const out = new Map<string, string[]>()
  for (const r of rows) {
    const values = checkedValues(r.def, r.column)
    if (!values) continue
    const key = `${r.table}.${r.column}`
    // Two such constraints on one column: the values both allow.
    const before = out.get(key)
    out.set(key, before ? before.filter((v) => values.includes(v)) : values)
  }
  for (const r of references) {
    const key = `${r.table}.${r.column}`
    const values = out.get(r.target)
    if (values && !out.has(key)) out.set(key, values)
  }
  return out
}

const LITERAL = /^'((?:[^']|'')*)'(?:::[a-z ]+(?:\[\])?)?$/

/** The values a CHECK definition limits `column` to, when it says exactly that. Exported for its test. */
export function checkedValues(def: string, column: string): string[] | null {
  if (/\b(OR|NOT|CASE)\b/.test(def)) return null
  // The column itself, not an argument of a function (`jsonb_typeof(x) = 'object'` says nothing of x's values).
  const col = `\\(?(?<![a-z0-9_]\\()\\b${column.replace(/[^a-z0-9_]/g, '')}\\b\\)?(?:::[a-z ]+)?`
  const list = new RegExp(`${col} (?:= ANY|<@) \\(?ARRAY\\[([^\\]]*)\\](?:::[a-z ]+\\[\\])?\\)?`).exec(def)
  const single = list ? null : new RegExp(`${col} = ('(?:[^']|'')*'(?:::[a-z ]+)?)\\)`).exec(def)
  const items = list ? splitLiterals(list[1]!) : single ? [single[1]!] : null
  if (!items) return null
  const values: string[] = []
  for (const item of items) {
    const m = LITERAL.exec(item.trim())
    if (!m) return null
    values.push(m[1]!.replace(/''/g, "'"))
  }
  return values.length ? values : null
}

/** Splits `'a'::text, 'b, c'::text` at the commas between literals. */
function splitLiterals(text: string): string[] {
  const out: string[] = []
  let current = ''
  let quoted = false
  for (const ch of text) {
    if (ch === "'") quoted = !quoted
    if (ch === ',' && !quoted) {
      out.push(current)
      current = ''
    } else current += ch
  }
  if (current.trim()) out.push(current)
  return out
}

const pascal = (name: string) => name.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())
const literalUnion = (values: string[]) => values.map((v) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' | ')

/** The generated module's text. */
export async function generateDbTypes(sql: Sql): Promise<string> {
  const [columns, checked] = await Promise.all([readColumns(sql), readCheckedValues(sql)])
  const tables = new Map<string, ColumnInfo[]>()
  for (const c of columns) tables.set(c.table, [...(tables.get(c.table) ?? []), c])
  const out: string[] = [
    '// Generated by `npm run gen:types` (scripts/gen-db-types.ts) from the migrated schema: do not edit.',
    '// One interface per table, each column as the pool (src/platform/db.ts) returns it. A new or',
    '// changed migration means running `npm run gen:types` again; scripts/gen-db-types.test.ts fails',
    '// until the committed file matches.',
    '',
    '/** A json/jsonb value as postgres.js parses it. */',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }',
    '',
  ]
  for (const [table, cols] of tables) {
    out.push(`/** Table \`${table}\`. */`, `export interface ${pascal(table)}Row {`)
    for (const c of cols) {
      const values = (TEXT_TYPES.has(c.typname) ? checked.get(`${table}.${c.column}`) : undefined) ?? c.enumLabels
      const base = values ? literalUnion(values) : BASE_TYPES[c.typname]
      if (!base) throw new Error(`gen-db-types: no TypeScript type for ${table}.${c.column} (${c.sqlType}); add one to BASE_TYPES`)
      let ts = c.isArray ? (values && values.length > 1 ? `(${base})[]` : `${base}[]`) : base
      if (!c.notNull) ts += ' | null'
      const notes = [c.sqlType, c.generated ? 'generated' : c.hasDefault ? 'has a default' : ''].filter(Boolean).join(', ')
      out.push(`  ${c.column}: ${ts} // ${notes}`)
    }
    out.push('}', '')
  }
  out.push('/** Every table by name. */', 'export interface Tables {')
  for (const table of tables.keys()) out.push(`  ${table}: ${pascal(table)}Row`)
  out.push('}', '')
  return out.join('\n')
}

/** Migrates a scratch database, generates the types from it and writes DB_TYPES_FILE. */
async function main(): Promise<void> {
  let stop = async () => {}
  let adminUrl: string
  let dataDir: string | undefined
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL)
    u.pathname = '/postgres'
    adminUrl = u.toString()
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-gen-types-'))
    fs.chmodSync(dataDir, 0o755) // the `postgres` user PostgreSQL runs as under root must enter it
    const pg = await startEmbedded(dataDir, { database: 'postgres', settings: { fsync: 'off' } })
    adminUrl = pg.adminUrl
    stop = () => pg.stop()
  }
  const name = `jamsos_gen_types_${process.pid}`
  const admin = createPool(adminUrl, { max: 1 })
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`)
    const u = new URL(adminUrl)
    u.pathname = `/${name}`
    const sql = createPool(u.toString(), { max: 2 })
    try {
      await migrate(sql)
      const text = await generateDbTypes(sql)
      const before = fs.existsSync(DB_TYPES_FILE) ? fs.readFileSync(DB_TYPES_FILE, 'utf8') : ''
      fs.writeFileSync(DB_TYPES_FILE, text)
      console.log(`${path.relative(projectRoot, DB_TYPES_FILE)} ${before === text ? 'was already current' : 'written'}`)
    } finally {
      await sql.end({ timeout: 5 })
    }
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
    await admin.end({ timeout: 5 })
    await stop()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
