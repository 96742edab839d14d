// The template database every test file clones: all migrations plus the reference data.
import { createPool } from '../src/platform/db.ts'
import { migrate } from '../src/platform/migrate.ts'
import { loadConfig } from '../src/platform/config.ts'
import { loadReferenceData } from '../src/app.ts'
import { appLogin, ensureAppLogin } from '../src/platform/app-login.ts'

// One template per test run, so runs on a shared cluster do not trample each other.
export const TEMPLATE_DB = `jamsos_template_${process.pid}`

export async function prepareTemplate(adminUrl: string): Promise<void> {
  const admin = createPool(adminUrl, { max: 1 })
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`)
    await admin.unsafe(`CREATE DATABASE ${TEMPLATE_DB}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${TEMPLATE_DB}`
  const sql = createPool(url.toString(), { max: 4 })
  try {
    await migrate(sql)
    await loadReferenceData(sql, loadConfig({}))
  } finally {
    await sql.end()
  }
  // Roles are cluster-wide: the request pools of every test database log in as jamsos_app with the
  // password derived from the admin's (test/db.ts appUrl), as in production (app-login.ts). Checked
  // against the maintenance database, so no session lingers on the template being cloned.
  const admin2 = createPool(adminUrl, { max: 1 })
  try {
    await ensureAppLogin(admin2, appLogin(adminUrl))
  } finally {
    await admin2.end()
  }
}
