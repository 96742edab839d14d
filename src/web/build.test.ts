// The web build: the first screen stays within its budget, and the screens behind lazy() stay out of it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { ensureWebBuilt, WEB_BUDGET_BYTES, WEB_DIST } from './index.ts'
import { checkBudget, firstScreenChunks, REPORT_FILE, WebBudgetError, type WebBuildReport } from './build.ts'

test('the built first screen loads at most 150 kB of gzip-compressed JavaScript; the member page loads on demand', async () => {
  await ensureWebBuilt()
  const r = JSON.parse(fs.readFileSync(REPORT_FILE, 'utf8')) as WebBuildReport
  assert.equal(r.budget, 150_000)
  assert.ok(r.firstScreenGzip > 5_000, `${r.firstScreenGzip} bytes: the app is really there`)
  assert.ok(r.firstScreenGzip <= WEB_BUDGET_BYTES, `${r.firstScreenGzip} bytes over ${WEB_BUDGET_BYTES}`)
  assert.equal(r.firstScreenGzip, r.firstScreen.reduce((s, a) => s + a.gzip, 0))
  assert.ok(r.lazy.some((a) => /MemberPage-/.test(a.file)), 'the member page is its own chunk')
  assert.ok(!r.firstScreen.some((a) => /MemberPage-/.test(a.file)), 'and not on the first screen')
  // Pre-compressed copies sit beside the entry for the server to send.
  const entry = r.firstScreen[0]!.file
  assert.ok(fs.existsSync(path.join(WEB_DIST, `${entry}.br`)) && fs.existsSync(path.join(WEB_DIST, `${entry}.gz`)))
})

test('the first screen is the entry and what it imports statically, transitively; dynamic imports are not', () => {
  const manifest = {
    'src/main.tsx': { file: 'assets/index-a.js', isEntry: true, imports: ['_vendor-b.js'], css: ['assets/index-c.css'] },
    '_vendor-b.js': { file: 'assets/vendor-b.js', imports: ['_shared-d.js'] },
    '_shared-d.js': { file: 'assets/shared-d.js' },
    'src/MemberPage.tsx': { file: 'assets/MemberPage-e.js', isDynamicEntry: true, imports: ['_shared-d.js'] },
  }
  assert.deepEqual(firstScreenChunks(manifest), {
    js: ['assets/index-a.js', 'assets/vendor-b.js', 'assets/shared-d.js'],
    css: ['assets/index-c.css'],
    lazy: ['assets/MemberPage-e.js'],
  })
})

test('150,000 bytes pass; one byte more fails the build, saying by how much and what to do', () => {
  assert.doesNotThrow(() => checkBudget({ firstScreenGzip: 150_000, budget: WEB_BUDGET_BYTES }))
  assert.throws(
    () => checkBudget({ firstScreenGzip: 150_001, budget: WEB_BUDGET_BYTES }),
    (e: unknown) => e instanceof WebBudgetError && /loads 150\.0 kB of gzip-compressed JavaScript, over the 150\.0 kB budget: load the heavier parts on demand/.test(e.message),
  )
})
