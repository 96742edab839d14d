// Browser tests against the real server: the app as `jamsos start` builds it (buildApp, the
// security layer, the static web app) listening on a free port of 127.0.0.1, over this test
// file's own database, driven by Debian's Chromium through playwright-core (browser downloads do
// not work here; .ci/run installs the `chromium` package when it is missing). One browser per
// file, a fresh context (cookies, localStorage) per test.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { projectRoot } from '../../src/platform/config.ts'
import { testApp, type TestApp } from '../app.ts'

/** Chromium's executable: JAMSOS_CHROMIUM, else Debian's package. */
export const CHROMIUM = [process.env.JAMSOS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => typeof p === 'string' && p !== '' && fs.existsSync(p),
)

/** Why the browser tests cannot run here, or false when they can. */
export const SKIP_BROWSER: string | false = CHROMIUM
  ? false
  : 'Chromium is not installed (apt-get install chromium; .ci/run installs it, or set JAMSOS_CHROMIUM)'

export interface WebServer {
  t: TestApp
  baseUrl: string
  close(): Promise<void>
}

/** The real HTTP server on a free port of 127.0.0.1, over a database of this file's own. */
export async function startWebServer(env: NodeJS.ProcessEnv = {}): Promise<WebServer> {
  const t = await testApp({ env })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as AddressInfo
  return { t, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM!, args: ['--disable-gpu', '--disable-dev-shm-usage'] })
}

/** A fresh context (no cookies, no stored language) at a phone's or a desktop's width. */
export async function newPage(browser: Browser, baseUrl: string, width: 360 | 1280 = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width, height: width === 360 ? 780 : 860 },
    deviceScaleFactor: 1,
    locale: 'en-US', // the browser's language must not decide: Jamsos speaks Indonesian until asked
    timezoneId: 'Asia/Jakarta',
  })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|404|409|423|429)/.test(m.text())) problems.push(`console: ${m.text()}`)
  })
  ;(page as Page & { problems: string[] }).problems = problems
  return { context, page }
}

/** Script errors and CSP refusals the page reported (refusals the app shows, such as a 401 for "nobody signed in", are expected). */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? []
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules and
 * best practices). The page's CSP allows no inline script, so axe runs through the DevTools
 * protocol (page.evaluate), which the page's policy does not govern.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/**
 * Waits for the page's heading to read `text` (the router keeps the old screen while the next one
 * loads); fails naming what the heading said instead.
 */
export async function heading(page: Page, text: string): Promise<void> {
  try {
    await page.locator('h1').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor()
  } catch {
    assert.fail(`the heading should read ${JSON.stringify(text)}, but reads ${JSON.stringify(await page.locator('h1').allTextContents())}`)
  }
}

/** From 360 px up nothing scrolls sideways, and axe-core finds no serious or critical violation. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  const width = page.viewportSize()!.width
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(scrollWidth <= width, `${screen}: ${scrollWidth} px wide in a ${width} px window`)
  const v = await seriousA11yViolations(page)
  assert.deepEqual(v, [], `${screen}: ${v.map((x) => `${x.impact} ${x.id} (${x.help}) at ${x.nodes.join(', ')}`).join('; ')}`)
}

/** Siti Aminah, a petani of Desa Jaten (Kabupaten Blitar), KC Blitar: the member the member-page tests open. */
export const SITI_AMINAH = {
  nik: '3505015508920003', fullName: 'Siti Aminah', birthPlace: 'Blitar', birthDate: '1992-08-15', gender: 'F', motherMaidenName: 'Sri Rahayu',
  phone: '081234567891', address: 'Jl. Raya Jaten No. 14', villageCode: '35.05.01.2001', occupation: 'petani', monthlyIncome: 1_000_000,
  programs: ['JKK', 'JKM'], ecosystem: 'desa', channel: 'branch',
} as const

/** Registers Siti Aminah through the API with the given (admin's) headers; returns her KPJ. */
export async function registerSitiAminah(t: TestApp, headers: Record<string, string>): Promise<string> {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/participants', headers, payload: SITI_AMINAH })
  assert.equal(r.statusCode, 201, r.body)
  return (r.json() as { kpj: string }).kpj
}

export const SCREENS_DIR = path.join(projectRoot, 'docs', 'screens')

/**
 * Takes the screen and saves it as docs/screens/<name>-<width>.png (the README shows them) when
 * that file is missing, or on every run with JAMSOS_SCREENSHOTS=1: the pictures differ by a few
 * bytes each run (names, dates), and rewriting them every time put megabytes of noise into every
 * commit. Refresh them after changing a screen: `JAMSOS_SCREENSHOTS=1 npm test -- test/e2e`.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const width = page.viewportSize()?.width ?? 0
  const file = path.join(SCREENS_DIR, `${name}-${width}.png`)
  const png = await page.screenshot({ fullPage: true })
  if (process.env.JAMSOS_SCREENSHOTS === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(SCREENS_DIR, { recursive: true })
    fs.writeFileSync(file, png)
  }
  return file
}
