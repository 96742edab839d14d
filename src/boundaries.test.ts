// Firm module boundaries (issue 13 §4), kept firm: no import circle anywhere in src (type imports
// and dynamic imports count: `import type { Command } from '../commands.ts'` made ten of the
// eleven circles madge found), a module reaches another only through its index.ts, platform
// reaches no module, and the modules' own graph has no cycle (so audit never depends on auth).
//
// The graph comes from dpdm, a maintained dependency analyser that parses TypeScript with its own
// TypeScript 5 compiler. madge (what the issue measured with) cannot be a dependency of this
// project: its peer dependency on TypeScript 5 conflicts with the TypeScript 7 the project
// type-checks with, and its parser needs the TypeScript 5 compiler API, which 7 no longer has.
// Both answer the same here: `npx madge --circular --extensions ts --ts-config tsconfig.json src`
// and this test agree (0 circles; 11 before the Command type moved into platform).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm'
import { projectRoot } from './platform/config.ts'

/** Every import of every .ts file under `dir` of `root`, type-only and dynamic ones included. */
async function importGraph(root: string, dir: string): Promise<DependencyTree> {
  return parseDependencyTree(`${dir}/**/*.ts`, {
    context: root,
    cwd: root,
    tsconfig: path.join(root, 'tsconfig.json'),
    // Keep `import type`: a type import is a dependency of the file as much as any other.
    transform: false,
    skipDynamicImports: false,
  })
}

/** src/<module>/… → module; files directly in src (app.ts, commands.ts, cli.ts, server.ts) are the composition root. */
const moduleOf = (file: string): string => {
  const parts = file.split('/')
  return parts.length > 2 ? parts[1]! : '(root)'
}

/** Imports between src files, tests left out (a test may reach into what it specifies). */
function sourceImports(tree: DependencyTree): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = []
  for (const [file, deps] of Object.entries(tree)) {
    if (!deps || !file.startsWith('src/') || file.endsWith('.test.ts')) continue
    for (const d of deps) if (d.id?.startsWith('src/')) out.push({ from: file, to: d.id })
  }
  return out
}

/** The cycles of a directed graph given as edges (each reported once, from its smallest node). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = []
  const nodes = [...edges.keys()].sort()
  for (const start of nodes) {
    const walk = (node: string, trail: string[]) => {
      for (const next of edges.get(node) ?? []) {
        if (next === start) found.push([...trail, start])
        else if (next > start && !trail.includes(next)) walk(next, [...trail, next])
      }
    }
    walk(start, [start])
  }
  return found
}

test('no import circle in src, type-only and dynamic imports included', async () => {
  const tree = await importGraph(projectRoot, 'src')
  // The analysis saw the project: the composition root and its type import of the Command type.
  assert.ok(Object.keys(tree).length > 150)
  assert.ok(tree['src/commands.ts']?.some((d) => d.id === 'src/platform/command.ts'))
  assert.deepEqual(parseCircular(tree).map((c) => c.join(' > ')), [])
})

test('a module reaches another only through its index.ts, and platform reaches none', async () => {
  const imports = sourceImports(await importGraph(projectRoot, 'src'))
  const crossing = imports.filter(({ from, to }) => {
    const [a, b] = [moduleOf(from), moduleOf(to)]
    if (a === b || b === 'platform') return false
    return a === 'platform' || b === '(root)' || !to.endsWith('/index.ts')
  })
  assert.deepEqual(crossing.map(({ from, to }) => `${from} -> ${to}`), [])

  // The modules' own graph has no cycle, and the audit trail depends on no identity code (auth
  // records its changes through audit, one way).
  const edges = new Map<string, Set<string>>()
  for (const { from, to } of imports) {
    const [a, b] = [moduleOf(from), moduleOf(to)]
    if (a === b || a === '(root)' || a === 'platform' || b === 'platform') continue
    edges.set(a, (edges.get(a) ?? new Set()).add(b))
  }
  assert.deepEqual(cycles(edges).map((c) => c.join(' > ')), [])
  assert.equal(edges.get('auth')?.has('audit'), true, 'auth records its changes through the audit trail')
  assert.equal(edges.get('audit')?.has('auth') ?? false, false)
  // Billing asks the registry for a member (memberForBilling), never for the NIK vault.
  assert.equal(imports.some(({ from, to }) => moduleOf(from) === 'contributions' && to === 'src/registry/vault.ts'), false)
})

test('the check sees a circle made only of type imports, and a dynamic one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jamsos-circles-'))
  try {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }))
    fs.mkdirSync(path.join(dir, 'src'))
    fs.writeFileSync(path.join(dir, 'src/commands.ts'), "import { audit } from './audit.ts'\nexport interface Command { name: string }\nexport const all = [audit]\n")
    fs.writeFileSync(path.join(dir, 'src/audit.ts'), "import type { Command } from './commands.ts'\nexport const audit: Command = { name: 'audit verify' }\n")
    fs.writeFileSync(path.join(dir, 'src/server.ts'), "export const start = () => import('./cli.ts')\n")
    fs.writeFileSync(path.join(dir, 'src/cli.ts'), "import { start } from './server.ts'\nexport const run = start\n")
    const found = parseCircular(await importGraph(dir, 'src')).map((c) => [...c].sort().join(' '))
    assert.deepEqual(found.sort(), ['src/audit.ts src/commands.ts', 'src/cli.ts src/server.ts'])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
