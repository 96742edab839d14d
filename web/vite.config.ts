// The web app's build (Vite 8, Rolldown). src/web/build.ts builds with this configuration (and so
// does `npx vite build --config web/vite.config.ts`); `npx vite --config web/vite.config.ts`
// serves it for development with the API proxied to a running `npm start`.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { UserConfig } from 'vite'

const webRoot = path.dirname(fileURLToPath(import.meta.url))

/** The configuration, building into `outDir` (web/dist by default; src/web/build.ts builds beside it, then swaps). */
export function webConfig(outDir = path.join(webRoot, 'dist')): UserConfig {
  return {
    root: webRoot,
    logLevel: 'warn',
    // No JSX plugin: Vite's own transform (Oxc) compiles JSX for Preact's automatic runtime.
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir,
      emptyOutDir: true,
      // Chrome 87 / Safari 14 and later: the browsers of the cheap Android phones in use, which
      // all run ES modules natively, so no legacy bundle.
      target: ['es2020', 'chrome87', 'safari14', 'firefox78'],
      // Names carry a content hash (served with a year-long cache); the manifest tells
      // scripts/web.ts which chunks the first screen loads, to measure them against the budget.
      manifest: true,
      assetsDir: 'assets',
      sourcemap: false,
      reportCompressedSize: false,
    },
    server: {
      proxy: { '/api': 'http://localhost:3000', '/verify': 'http://localhost:3000' },
    },
  }
}

export default webConfig()
