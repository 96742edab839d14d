// Migration 0014 on a trail written under 0007's unkeyed chain: the events are re-chained under the
// keyed scheme from id 1, their old links are kept and still checked, new ids follow on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPool } from '../platform/db.ts'
import { migrate, migrationsDir } from '../platform/migrate.ts'
import { SYSTEM_ACTOR } from '../platform/actor.ts'
import { chainedAndVerified } from '../../test/audit.ts'
import { auditHash, recordAudit } from './index.ts'

test('events chained before 0014 are re-chained with the key, keep their old links, and new ids follow on', async () => {
  const adminUrl = process.env.JAMSOS_TEST_ADMIN_URL
  if (!adminUrl) throw new Error('run with npm test')
  const name = `jamsos_t_${process.env.JAMSOS_TEST_RUN ?? 'x'}_m${crypto.randomBytes(4).toString('hex')}`
  const admin = createPool(adminUrl, { max: 1 })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  const sql = createPool(u.toString(), { max: 4 })
  const before = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-m0013-'))
  try {
    for (const f of fs.readdirSync(migrationsDir).filter((f) => /^\d{4}_/.test(f) && f < '0014')) {
      fs.copyFileSync(path.join(migrationsDir, f), path.join(before, f))
    }
    await migrate(sql, before)
    // Three events the way 0007's recordAudit wrote them: under the head lock, hashed in JavaScript.
    for (let i = 1; i <= 3; i++) {
      await sql.begin(async (tx) => {
        const [b] = await tx<{ next_id: number; prev_hash: string; at: Date }[]>`SELECT next_id, prev_hash, at FROM jamsos_audit_begin()`
        const changes = { after: { n: i, nama: 'Ñoman "😀"' } }
        const hash = auditHash({
          id: b!.next_id, at: b!.at, actorKind: 'system', actorUserId: null, actorPartnerId: null, actorName: 'old', actorRole: null, ip: null,
          action: 'test.old', entityType: 'test', entityId: String(i), branchCode: null, changes, prevHash: b!.prev_hash,
        })
        await tx`
          INSERT INTO audit_event (id, at, actor_kind, actor_name, action, entity_type, entity_id, changes, prev_hash, hash)
          VALUES (${b!.next_id}, ${b!.at}, 'system', 'old', 'test.old', 'test', ${String(i)}, ${tx.json(changes)}, ${b!.prev_hash}, ${hash})`
      })
    }
    await migrate(sql)
    assert.equal((await sql`SELECT count(*)::int AS n FROM audit_legacy_link`)[0]!.n, 3)
    const { id } = await recordAudit(sql, SYSTEM_ACTOR, { action: 'test.new', entityType: 'test' })
    assert.equal(id, 4)
    const v = await chainedAndVerified(sql)
    assert.deepEqual([v.ok, v.events, v.chainedUpTo, v.legacyEvents, v.gaps], [true, 4, 4, 3, 0])
  } finally {
    await sql.end()
    fs.rmSync(before, { recursive: true, force: true })
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
})
