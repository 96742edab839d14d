import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, type Actor, type Role } from '../platform/actor.ts'
import { accessProblem, decideAccess, roleAllowed } from './access.ts'

const user = (role: Role, extra: Partial<Actor> = {}): Actor => ({ ...ANONYMOUS_ACTOR, kind: 'user', userId: 1, name: role, role, ...extra })

test('a route without a declaration, or with a malformed one, is refused at start-up', () => {
  assert.equal(accessProblem(undefined, 'GET'), 'config.access is missing')
  assert.match(accessProblem({}, 'GET')!, /needs public: true or roles/)
  assert.match(accessProblem({ roles: [] }, 'GET')!, /non-empty list/)
  assert.match(accessProblem({ roles: ['admin', 'janitor'] }, 'GET')!, /unknown roles: janitor/)
  assert.match(accessProblem({ roles: 'any-authenticated', scope: 'x' }, 'GET')!, /unknown keys: scope/)
  assert.match(accessProblem({ public: true, roles: ['admin'] }, 'GET')!, /public route declares no roles/)
  assert.match(accessProblem({ roles: ['admin'], permission: 'nik:write' }, 'GET')!, /not a known permission/)
})

test('management reads everything and writes nothing: a write route may not list it', () => {
  assert.match(accessProblem({ roles: ['admin', 'management'] }, 'POST')!, /read-only role management/)
  assert.equal(accessProblem({ roles: ['admin', 'management'], write: false }, 'POST'), undefined)
  assert.equal(accessProblem({ roles: ['admin', 'management'] }, 'GET'), undefined)
  assert.equal(roleAllowed({ roles: 'any-authenticated' }, 'management', 'GET'), true)
  assert.equal(roleAllowed({ roles: 'any-authenticated' }, 'management', 'POST'), false)
  assert.equal(roleAllowed({ roles: 'any-authenticated', write: false }, 'management', 'POST'), true)
})

test('the shapes other modules use are sound', () => {
  assert.equal(accessProblem({ public: false, roles: 'any-authenticated' }, 'GET'), undefined)
  assert.equal(accessProblem({ public: true }, 'POST'), undefined)
  assert.equal(accessProblem({ roles: ['admin', 'branch_officer', 'agent'], write: true }, 'POST'), undefined)
  assert.equal(accessProblem({ roles: ['admin'], permission: 'nik:reveal' }, 'GET'), undefined)
})

test('anonymous is unauthenticated, a role outside the list is forbidden, admin is not implied', () => {
  const access = { roles: ['branch_officer'] } as const
  assert.equal(decideAccess(access, ANONYMOUS_ACTOR, 'GET'), 'unauthenticated')
  assert.equal(decideAccess(access, user('agent'), 'GET'), 'forbidden')
  assert.equal(decideAccess(access, user('admin'), 'GET'), 'forbidden')
  assert.equal(decideAccess(access, user('branch_officer'), 'GET'), 'allow')
  assert.equal(decideAccess(access, SYSTEM_ACTOR, 'GET'), 'allow')
  assert.equal(decideAccess({ public: true }, ANONYMOUS_ACTOR, 'POST'), 'allow')
})

test('a permission is needed on top of the role; admins hold every permission', () => {
  const access = { roles: ['admin', 'branch_officer'], permission: 'nik:reveal' } as const
  assert.equal(decideAccess(access, user('branch_officer'), 'GET'), 'forbidden')
  assert.equal(decideAccess(access, user('branch_officer', { permissions: ['nik:reveal'] }), 'GET'), 'allow')
  assert.equal(decideAccess(access, user('admin'), 'GET'), 'allow')
})
