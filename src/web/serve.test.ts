// The built web app served by the API's own server: at `/`, for deep links, with the right
// caching, and never in place of the API, /verify or the health checks.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { testApp, type TestApp } from '../../test/app.ts'
import { ensureWebBuilt, WEB_DIST } from './index.ts'
import { REPORT_FILE, type WebBuildReport } from './build.ts'

let t: TestApp
let entry: string
before(async () => {
  await ensureWebBuilt()
  entry = (JSON.parse(fs.readFileSync(REPORT_FILE, 'utf8')) as WebBuildReport).firstScreen[0]!.file
  t = await testApp()
})
after(() => t.close())

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })

test('`/` is the app: index.html, never cached without asking again, under the CSP that lets its scripts run', async () => {
  const r = await get('/')
  assert.equal(r.statusCode, 200)
  assert.match(String(r.headers['content-type']), /^text\/html/)
  assert.equal(r.headers['cache-control'], 'no-cache')
  assert.equal(r.body, fs.readFileSync(`${WEB_DIST}/index.html`, 'utf8'))
  assert.match(r.body, new RegExp(`<script type="module" crossorigin src="/${entry}">`))
  const csp = String(r.headers['content-security-policy'])
  assert.match(csp, /script-src 'self'/)
  assert.match(csp, /object-src 'none'/)
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline';?script|script-src[^;]*unsafe-inline/)
  // Over plain HTTP on a LAN address the browser would otherwise rewrite /assets/… to https://.
  assert.doesNotMatch(csp, /upgrade-insecure-requests/)
})

test('a deep link (an app path) reloads into the app: index.html', async () => {
  for (const url of ['/members', '/members/10000000011', '/members?q=Sutrisno&after=MTAx', '/login?next=%2Fmembers', '/me']) {
    const r = await get(url)
    assert.equal(r.statusCode, 200, url)
    assert.match(r.body, /<div id="app"><\/div>/, url)
    assert.equal(r.headers['cache-control'], 'no-cache', url)
  }
})

test('hashed assets are cached for a year, and sent compressed to browsers that accept it', async () => {
  const plain = await get(`/${entry}`)
  assert.equal(plain.statusCode, 200)
  assert.match(String(plain.headers['content-type']), /javascript/)
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable')
  const br = await get(`/${entry}`, { 'accept-encoding': 'br, gzip' })
  assert.equal(br.headers['content-encoding'], 'br')
  assert.ok(br.rawPayload.length < plain.rawPayload.length / 2, `${br.rawPayload.length} < ${plain.rawPayload.length} / 2`)
  assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable')
})

test('the API, /verify, the health checks and missing files are never answered with the app', async () => {
  const api = await get('/api/v1/no-such-thing')
  assert.equal(api.statusCode, 404)
  assert.equal(api.json().error.code, 'ROUTE_NOT_FOUND')
  const verify = await get('/verify')
  assert.equal(verify.statusCode, 404)
  assert.doesNotMatch(verify.body, /id="app"/)
  assert.deepEqual((await get('/healthz')).json(), { status: 'ok' })
  for (const url of ['/assets/index-missing.js', '/robots.txt', '/members/photo.png']) {
    const r = await get(url)
    assert.equal(r.statusCode, 404, url)
    assert.equal(r.json().error.code, 'ROUTE_NOT_FOUND', url)
  }
  const post = await t.app.inject({ method: 'POST', url: '/members', payload: {} })
  assert.equal(post.statusCode, 404)
  // The API document and its docs page stay where they were.
  assert.equal((await get('/api/openapi.json')).statusCode, 200)
  assert.equal((await get('/api/docs/')).statusCode, 200)
})
