// Building the web app (web/) with Vite, and keeping the built copy current: `jamsos start` and
// `npm test` call ensureWebBuilt(), which builds only when web/dist is missing or older than what
// it is built from, so a fresh clone needs no extra command (`npm ci && npm start`).
//
// Every build measures the first screen: the JavaScript the entry chunk loads before anything
// else (the entry and the chunks it imports statically, not the screens loaded on demand),
// gzip-compressed as the server sends it. Over WEB_BUDGET_BYTES the build fails (issue 14: at most
// 150 kB of compressed JavaScript, for cheap Android phones on a weak signal).
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { projectRoot } from '../platform/config.ts'

/** The app's sources (web/vite.config.ts says the same); its build goes to web/dist. */
export const WEB_ROOT = path.join(projectRoot, 'web')
export const WEB_DIST = path.join(WEB_ROOT, 'dist')

/**
 * Whether this checkout has the app's sources at all. A copy of the server alone (src, bin,
 * migrations: a server-only image, or the as-root start test) has none, and serves the API only.
 */
export function hasWebSources(): boolean {
  return fs.existsSync(path.join(WEB_ROOT, 'index.html')) && fs.existsSync(path.join(WEB_ROOT, 'vite.config.ts'))
}

/** 150 kB of gzip-compressed JavaScript on the first screen. */
export const WEB_BUDGET_BYTES = 150_000

export interface AssetSize {
  file: string
  bytes: number
  gzip: number
  brotli: number
}

export interface WebBuildReport {
  builtAt: string
  /** JavaScript the first screen loads (entry + its static imports). */
  firstScreen: AssetSize[]
  firstScreenGzip: number
  /** Stylesheets the first screen loads. */
  css: AssetSize[]
  /** Chunks loaded on demand (screens behind lazy()). */
  lazy: AssetSize[]
  budget: number
}

export class WebBudgetError extends Error {}

/** Where the last build's report is kept (not served: @fastify/static ignores dot folders). */
export const REPORT_FILE = path.join(WEB_DIST, '.vite', 'build-report.json')

interface ManifestChunk {
  file: string
  isEntry?: boolean
  isDynamicEntry?: boolean
  imports?: string[]
  css?: string[]
}

function size(dir: string, file: string): AssetSize {
  const buf = fs.readFileSync(path.join(dir, file))
  return {
    file,
    bytes: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

/** The first screen's chunks: the entry and, transitively, every chunk it imports statically. */
export function firstScreenChunks(manifest: Record<string, ManifestChunk>): { js: string[]; css: string[]; lazy: string[] } {
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry)
  if (!entry) throw new Error('the web build has no entry chunk')
  const seen = new Set<string>()
  const css = new Set<string>()
  const walk = (key: string) => {
    if (seen.has(key)) return
    seen.add(key)
    const c = manifest[key]!
    for (const f of c.css ?? []) css.add(f)
    for (const i of c.imports ?? []) walk(i)
  }
  walk(entry[0])
  const js = [...seen].map((k) => manifest[k]!.file)
  const lazy = Object.entries(manifest)
    .filter(([k, c]) => !seen.has(k) && c.file.endsWith('.js'))
    .map(([, c]) => c.file)
  return { js, css: [...css], lazy }
}

/**
 * Pre-compressed copies beside each text asset (x.js.gz, x.js.br): the server sends them to
 * browsers that accept them (@fastify/static preCompressed), at no cost per request.
 */
function precompress(dir: string): void {
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        if (!e.name.startsWith('.')) walk(p)
      } else if (/\.(js|css|svg|html|json|txt)$/.test(e.name)) {
        const buf = fs.readFileSync(p)
        if (buf.length < 1024) continue
        fs.writeFileSync(`${p}.gz`, zlib.gzipSync(buf, { level: 9 }))
        fs.writeFileSync(`${p}.br`, zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }))
      }
    }
  }
  walk(dir)
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`

export function formatReport(r: WebBuildReport): string {
  const line = (a: AssetSize) => `  ${a.file.padEnd(40)} ${kB(a.bytes).padStart(9)}  gzip ${kB(a.gzip).padStart(8)}  brotli ${kB(a.brotli).padStart(8)}`
  return [
    'web app built (web/dist):',
    ' first screen JavaScript:',
    ...r.firstScreen.map(line),
    `  total gzip ${kB(r.firstScreenGzip)} of the ${kB(r.budget)} budget`,
    ' first screen CSS:',
    ...r.css.map(line),
    ' loaded on demand:',
    ...r.lazy.map(line),
  ].join('\n')
}

/**
 * Builds web/ into web/dist: into a fresh folder first, then swapped in, so a server reading the
 * old build never sees half of the new one. Throws WebBudgetError (after installing the build)
 * when the first screen is over budget.
 */
export async function buildWeb(opts: { print?: (text: string) => void } = {}): Promise<WebBuildReport> {
  // Loaded only to build: serving a current web/dist needs neither Vite nor the config.
  const [{ build }, { webConfig }] = await Promise.all([import('vite'), import('../../web/vite.config.ts')])
  const tmp = `${WEB_DIST}.tmp-${process.pid}`
  fs.rmSync(tmp, { recursive: true, force: true })
  await build({ ...webConfig(tmp), configFile: false })
  const manifest = JSON.parse(fs.readFileSync(path.join(tmp, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>
  const chunks = firstScreenChunks(manifest)
  const firstScreen = chunks.js.map((f) => size(tmp, f))
  const report: WebBuildReport = {
    builtAt: new Date().toISOString(),
    firstScreen,
    firstScreenGzip: firstScreen.reduce((s, a) => s + a.gzip, 0),
    css: chunks.css.map((f) => size(tmp, f)),
    lazy: chunks.lazy.map((f) => size(tmp, f)),
    budget: WEB_BUDGET_BYTES,
  }
  precompress(tmp)
  fs.writeFileSync(path.join(tmp, '.vite', 'build-report.json'), `${JSON.stringify(report, null, 2)}\n`)
  const old = `${WEB_DIST}.old-${process.pid}`
  fs.rmSync(old, { recursive: true, force: true })
  if (fs.existsSync(WEB_DIST)) fs.renameSync(WEB_DIST, old)
  fs.renameSync(tmp, WEB_DIST)
  fs.rmSync(old, { recursive: true, force: true })
  opts.print?.(formatReport(report))
  checkBudget(report)
  return report
}

/** Throws WebBudgetError when the first screen's compressed JavaScript is over the report's budget. */
export function checkBudget(report: Pick<WebBuildReport, 'firstScreenGzip' | 'budget'>): void {
  if (report.firstScreenGzip > report.budget) {
    throw new WebBudgetError(
      `The first screen loads ${kB(report.firstScreenGzip)} of gzip-compressed JavaScript, over the ${kB(report.budget)} budget: load the heavier parts on demand (lazy()).`,
    )
  }
}

/** What the build reads: a change to any of these makes web/dist stale. */
function newestInput(): number {
  let newest = 0
  const visit = (p: string) => {
    let st: fs.Stats
    try {
      st = fs.statSync(p)
    } catch {
      return
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) visit(path.join(p, e))
    } else if (!p.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs)
  }
  for (const p of ['src', 'public', 'index.html', 'vite.config.ts']) visit(path.join(WEB_ROOT, p))
  visit(path.join(projectRoot, 'package-lock.json'))
  return newest
}

/** True when web/dist is missing or older than its sources. */
export function webIsStale(): boolean {
  let built: number
  try {
    built = fs.statSync(REPORT_FILE).mtimeMs
  } catch {
    return true
  }
  return newestInput() > built
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Builds web/dist unless it is current (or there is nothing to build). One build at a time per checkout (a server starting while
 * `npm test` builds waits for it): the lock is a folder holding the builder's pid, taken over if
 * that process is gone.
 */
export async function ensureWebBuilt(opts: { print?: (text: string) => void } = {}): Promise<WebBuildReport | null> {
  if (!hasWebSources()) return null
  const lock = path.join(WEB_ROOT, '.build-lock')
  for (;;) {
    try {
      fs.mkdirSync(lock)
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid))
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const holder = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0)
      const orphaned = holder ? !alive(holder) : Date.now() - fs.statSync(lock).mtimeMs > 30_000
      if (orphaned) fs.rmSync(lock, { recursive: true, force: true })
      else await new Promise((r) => setTimeout(r, 200))
    }
  }
  try {
    if (!webIsStale()) return null
    return await buildWeb(opts)
  } finally {
    fs.rmSync(lock, { recursive: true, force: true })
  }
}
