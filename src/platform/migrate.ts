// Numbered plain-SQL migrations (migrations/NNNN_name.sql), each applied once in its own
// transaction and remembered with a SHA-256 checksum. An applied migration whose file changed is
// refused: history is fixed, a change is a new migration.
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { projectRoot } from './config.ts'
import type { Sql } from './db.ts'

export interface Migration {
  version: number
  name: string
  file: string
  sql: string
  checksum: string
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

export const migrationsDir = path.join(projectRoot, 'migrations')

export function readMigrations(dir = migrationsDir): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  const seen = new Map<number, string>()
  return files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file)
    if (!m) throw new MigrationError(`Migration file name "${file}" must look like 0001_name.sql`)
    const version = Number(m[1])
    const clash = seen.get(version)
    if (clash) throw new MigrationError(`Migrations ${clash} and ${file} share version ${version}`)
    seen.set(version, file)
    const sql = fs.readFileSync(path.join(dir, file), 'utf8')
    const checksum = crypto.createHash('sha256').update(sql).digest('hex')
    return { version, name: m[2]!, file, sql, checksum }
  })
}

// Any constant works; it only has to be the same for every Jamsos process on the database.
const LOCK_KEY = 7_204_202_611

/** Applies pending migrations; returns the files applied. Safe to run from several processes. */
export async function migrate(sql: Sql, dir = migrationsDir): Promise<string[]> {
  const migrations = readMigrations(dir)
  const applied: string[] = []
  await sql.reserve().then(async (conn) => {
    try {
      await conn`SELECT pg_advisory_lock(${LOCK_KEY})`
      await conn`
        CREATE TABLE IF NOT EXISTS schema_migration (
          version    integer PRIMARY KEY,
          name       text NOT NULL,
          checksum   text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`
      const done = new Map<number, { name: string; checksum: string }>()
      for (const r of await conn<{ version: number; name: string; checksum: string }[]>`
        SELECT version, name, checksum FROM schema_migration ORDER BY version`) {
        done.set(r.version, r)
      }
      for (const m of migrations) {
        const prior = done.get(m.version)
        if (prior) {
          if (prior.checksum !== m.checksum) {
            throw new MigrationError(
              `Migration ${m.file} was changed after it was applied (checksum ${m.checksum.slice(0, 12)}… ` +
                `differs from the applied ${prior.checksum.slice(0, 12)}…). Restore the file and put the change in a new migration.`,
            )
          }
          continue
        }
        await conn.unsafe('BEGIN')
        try {
          await conn.unsafe(m.sql)
          await conn`INSERT INTO schema_migration (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`
          await conn.unsafe('COMMIT')
        } catch (e) {
          await conn.unsafe('ROLLBACK')
          throw new MigrationError(`Migration ${m.file} failed: ${(e as Error).message}`)
        }
        applied.push(m.file)
      }
    } finally {
      await conn`SELECT pg_advisory_unlock(${LOCK_KEY})`.catch(() => {})
      conn.release()
    }
  })
  return applied
}
