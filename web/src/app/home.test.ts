// Where each role lands after signing in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { afterSignIn, homeFor, type Role } from './home.ts'

test('staff land on the member search, a member on their own page', () => {
  const staff: Role[] = ['admin', 'management', 'branch_officer', 'agent', 'partner', 'sponsor']
  for (const r of staff) assert.equal(homeFor(r), '/members', r)
  assert.equal(homeFor('participant'), '/me')
})

test('after signing in, the page the visitor was sent from, if it is an app page', () => {
  assert.equal(afterSignIn('branch_officer', '/members/10000000011'), '/members/10000000011')
  assert.equal(afterSignIn('branch_officer', '/members?q=Sutrisno'), '/members?q=Sutrisno')
  assert.equal(afterSignIn('participant', undefined), '/me')
})

test('never somewhere else: another origin, the API, the card check or the sign-in page itself', () => {
  for (const next of ['//evil.example/x', 'https://evil.example/', '/api/v1/auth/me', '/verify/abc', '/login?next=/members', 'members']) {
    assert.equal(afterSignIn('admin', next), '/members', next)
  }
})
