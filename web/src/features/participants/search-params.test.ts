// The member search as a URL: what a deep link, a reload and the pager rely on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiQuery, EMPTY_SEARCH, hasCriteria, nextPage, parseSearch, previousPage, searchUrl } from './search-params.ts'

test('a search round-trips through its URL', () => {
  const s = { q: 'Sutrisno', village: '35.05.01.2001', branch: 'KC3505', trail: ['MTAwMQ', 'MjAwMg'] }
  const url = searchUrl(s)
  assert.equal(url, '/members?q=Sutrisno&village=35.05.01.2001&branch=KC3505&after=MTAwMQ%2CMjAwMg')
  assert.deepEqual(parseSearch(Object.fromEntries(new URL(url, 'http://x').searchParams)), s)
})

test('the first page asks the API without a cursor; a later page with the last cursor of the trail', () => {
  const first = parseSearch({ q: ' 35050117059000 01 '.trim() })
  assert.deepEqual(apiQuery(first), { query: '35050117059000 01' })
  const third = nextPage(nextPage(first, 'MTAx'), 'MjAy')
  assert.deepEqual(apiQuery(third), { query: '35050117059000 01', cursor: 'MjAy' })
  assert.deepEqual(apiQuery(previousPage(third)), { query: '35050117059000 01', cursor: 'MTAx' })
  assert.deepEqual(previousPage(previousPage(third)).trail, [])
})

test('nothing to search for: no request (an empty form, or only a cursor)', () => {
  assert.equal(hasCriteria(EMPTY_SEARCH), false)
  assert.equal(hasCriteria(parseSearch({ after: 'MTAx' })), false)
  assert.equal(hasCriteria(parseSearch({ branch: 'KC3505' })), true)
  assert.equal(searchUrl(EMPTY_SEARCH), '/members')
})

test('a cursor that is not one the API gives is dropped, not sent', () => {
  assert.deepEqual(parseSearch({ q: 'a', after: 'MTAx,<script>,' }).trail, ['MTAx'])
})
