// Each test file gets a database of its own, cloned from the template `npm test` prepared, so
// files run in parallel and never see each other's rows.
import crypto from 'node:crypto'
import { createPool, type Sql } from '../src/platform/db.ts'
import { appLogin } from '../src/platform/app-login.ts'

export interface TestDatabase {
  /** The owner's (the test cluster's superuser) URL of this database: the system pool's. */
  url: string
  /** The application role's own login on this database (what request pools use). */
  appUrl: string
  sql: Sql
  close(): Promise<void>
}

function adminUrl(): string {
  const url = process.env.JAMSOS_TEST_ADMIN_URL
  if (!url) throw new Error('Run the tests with `npm test`: it starts PostgreSQL and prepares the template database')
  return url
}

export async function testDatabase(): Promise<TestDatabase> {
  const name = `jamsos_t_${process.env.JAMSOS_TEST_RUN ?? 'x'}_${crypto.randomBytes(5).toString('hex')}`
  const admin = createPool(adminUrl(), { max: 1 })
  try {
    // Cloning needs the template to have no other session; retry briefly if a sibling is cloning.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${process.env.JAMSOS_TEST_TEMPLATE}`)
        break
      } catch (e) {
        if (attempt > 50 || (e as { code?: string }).code !== '55006') throw e
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  } finally {
    await admin.end()
  }
  const u = new URL(adminUrl())
  u.pathname = `/${name}`
  const url = u.toString()
  const sql = createPool(url, { max: 8 })
  return {
    url,
    appUrl: appLogin(url).url,
    sql,
    async close() {
      await sql.end({ timeout: 5 })
      const a = createPool(adminUrl(), { max: 1 })
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end()
      }
    },
  }
}
