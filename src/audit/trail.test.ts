import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, withActor, type Actor } from '../platform/actor.ts'
import { createPool, type Sql } from '../platform/db.ts'
import { loadConfig } from '../platform/config.ts'
import { createLogger } from '../platform/log.ts'
import { testDatabase, type TestDatabase } from '../../test/db.ts'
import { auditCommands, recordAudit, verifyAuditChain } from './index.ts'

const officer: Actor = { ...ANONYMOUS_ACTOR, kind: 'user', userId: 12, name: 'siti', role: 'branch_officer', branchCodes: ['KC3505'], ip: '10.0.0.7' }

async function withDb(fn: (db: TestDatabase, app: Sql) => Promise<void>): Promise<void> {
  const db = await testDatabase()
  const app = createPool(db.url, { max: 8, role: 'jamsos_app' })
  try {
    await fn(db, app)
  } finally {
    await app.end()
    await db.close()
  }
}

/** Five events from the application role, as the modules write them. */
async function fiveEvents(app: Sql) {
  for (let i = 1; i <= 5; i++) {
    await withActor(app, officer, (tx) =>
      recordAudit(tx, officer, {
        action: 'participant.update',
        entityType: 'participant',
        entityId: `1000000${i}`,
        before: { phone: '0811', nik: '3505014501900001', branch_code: 'KC3505' },
        after: { phone: `082${i}`, nik: '3505014501900001', branch_code: 'KC3505' },
      }),
    )
  }
}

test('an event records who, when, from where, what, and only the changed fields, NIK masked', async () => {
  await withDb(async (db, app) => {
    const { id } = await withActor(app, officer, (tx) =>
      recordAudit(tx, officer, {
        action: 'participant.update',
        entityType: 'participant',
        entityId: '10000000011',
        before: { phone: '0811', address: 'Jl. A', nik: '3505014501900001', branch_code: 'KC3505' },
        after: { phone: '0822', address: 'Jl. A', nik: '3505014501900002', branch_code: 'KC3505' },
      }),
    )
    const [e] = await db.sql`SELECT * FROM audit_event WHERE id = ${id}`
    assert.deepEqual(
      { ...e, at: undefined, hash: undefined },
      {
        id: 1,
        at: undefined,
        actor_kind: 'user',
        actor_user_id: 12,
        actor_partner_id: null,
        actor_name: 'siti',
        actor_role: 'branch_officer',
        ip: '10.0.0.7',
        action: 'participant.update',
        entity_type: 'participant',
        entity_id: '10000000011',
        branch_code: 'KC3505',
        changes: { before: { phone: '0811', nik: '3505**********01' }, after: { phone: '0822', nik: '3505**********02' } },
        prev_hash: '0'.repeat(64),
        hash: undefined,
      },
    )
    assert.deepEqual(await verifyAuditChain(db.sql), { ok: true, count: 1, headHash: e!.hash })
  })
})

test('concurrent appends form one unbroken line; a rolled-back append leaves no gap', async () => {
  await withDb(async (db, app) => {
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        withActor(app, officer, (tx) => recordAudit(tx, officer, { action: 'test.parallel', entityType: 'test', entityId: i })),
      ),
    )
    await assert.rejects(
      withActor(app, officer, async (tx) => {
        await recordAudit(tx, officer, { action: 'test.rolled_back', entityType: 'test' })
        throw new Error('the change failed, so its event must vanish with it')
      }),
      /must vanish/,
    )
    await withActor(app, SYSTEM_ACTOR, (tx) => recordAudit(tx, SYSTEM_ACTOR, { action: 'test.after', entityType: 'test' }))
    const ids = (await db.sql`SELECT id FROM audit_event ORDER BY id`).map((r) => r.id)
    assert.deepEqual(ids, Array.from({ length: 25 }, (_, i) => i + 1))
    const verdict = await verifyAuditChain(db.sql)
    assert.equal(verdict.ok, true)
    assert.equal(verdict.count, 25)
  })
})

test('a row changed behind the application is found, and `jamsos audit verify` names it and fails', async () => {
  await withDb(async (db, app) => {
    await fiveEvents(app)
    // Only the owner, switching the guard trigger off, can do this; the chain still tells.
    await db.sql.begin(async (tx) => {
      await tx`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`
      await tx`UPDATE audit_event SET changes = jsonb_set(changes, '{after,phone}', '"0899"') WHERE id = 3`
      await tx`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`
    })
    const verdict = await verifyAuditChain(db.sql)
    assert.deepEqual(verdict, { ok: false, count: 2, firstBrokenId: 3, reason: 'its content does not match its hash (the row was changed)' })

    const out: string[] = []
    const log = console.log
    console.log = (s: string) => out.push(s)
    let code: number
    try {
      const verify = auditCommands.find((c) => c.name === 'audit verify')!
      code = await verify.run({ config: loadConfig({ DATABASE_URL: db.url }), log: createLogger('silent'), values: {}, positionals: [] })
    } finally {
      console.log = log
    }
    assert.equal(code, 1)
    assert.match(out.join('\n'), /BROKEN at event 3/)
  })
})

test('a row re-hashed to hide the change still breaks the link to the next one', async () => {
  await withDb(async (db, app) => {
    await fiveEvents(app)
    await db.sql.begin(async (tx) => {
      await tx`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`
      await tx`UPDATE audit_event SET hash = ${'f'.repeat(64)} WHERE id = 2`
      await tx`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`
    })
    const v = await verifyAuditChain(db.sql)
    assert.equal(v.ok, false)
    assert.equal(!v.ok && v.firstBrokenId, 2)
  })
})

test('a deleted row, in the middle or at the end, is found', async () => {
  await withDb(async (db, app) => {
    await fiveEvents(app)
    await db.sql.begin(async (tx) => {
      await tx`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`
      await tx`DELETE FROM audit_event WHERE id = 4`
      await tx`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`
    })
    assert.deepEqual(await verifyAuditChain(db.sql), { ok: false, count: 3, firstBrokenId: 4, reason: 'event 4 is missing (the next is 5)' })
  })
  await withDb(async (db, app) => {
    await fiveEvents(app)
    await db.sql.begin(async (tx) => {
      await tx`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`
      await tx`DELETE FROM audit_event WHERE id = 5`
      await tx`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`
    })
    assert.deepEqual(await verifyAuditChain(db.sql), {
      ok: false,
      count: 4,
      firstBrokenId: 5,
      reason: 'events 5 to 5 are missing from the end of the trail',
    })
  })
})

test('an intact trail verifies, and the command says so', async () => {
  await withDb(async (db, app) => {
    await fiveEvents(app)
    const out: string[] = []
    const log = console.log
    console.log = (s: string) => out.push(s)
    let code: number
    try {
      code = await auditCommands[0]!.run({ config: loadConfig({ DATABASE_URL: db.url }), log: createLogger('silent'), values: {}, positionals: [] })
    } finally {
      console.log = log
    }
    assert.equal(code, 0)
    assert.match(out.join('\n'), /Audit trail intact: 5 events/)
  })
})

let shared: TestDatabase
before(async () => {
  shared = await testDatabase()
})
after(async () => shared.close())

test('the empty trail verifies', async () => {
  assert.deepEqual(await verifyAuditChain(shared.sql), { ok: true, count: 0, headHash: '0'.repeat(64) })
})
