// Serving the built web app (web/dist) from the API's own server, at `/`.
//
//   /assets/*      hashed file names: cached for a year, immutable (a new build has new names);
//                  pre-compressed .br/.gz copies sent to browsers that accept them
//   /, /index.html and the other top-level files (favicon): `no-cache`, so a new build is seen at once
//   any other GET  an app path (/members/10000000011, a deep link or a reload): index.html, and the
//                  app's router shows the screen. Never for the API (/api/…), the card check
//                  (/verify/…), the health checks, or a path naming a file: those answer 404 as before.
import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { App } from '../platform/http.ts'
import { AppError, PlatformErrors as E } from '../platform/errors.ts'
import { WEB_DIST } from './build.ts'

/** Paths that belong to the server, never to the app. */
const SERVER_PATHS = /^\/(api|verify|healthz|readyz|docs)(\/|$)/
/** A path naming a file (favicon.ico, robots.txt, a stale asset): a missing file is a 404, not the app. */
const FILE_PATH = /\/[^/]*\.[A-Za-z0-9]{1,8}$/

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable'

export async function webRoutes(app: App, opts: { dist?: string } = {}): Promise<void> {
  const dist = opts.dist ?? WEB_DIST
  const built = fs.existsSync(path.join(dist, 'index.html'))

  if (built) {
    const assets = path.join(dist, 'assets')
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      preCompressed: true,
      cacheControl: false,
      schemaHide: true,
      // This registration also gives reply.sendFile, which the fallback below uses for index.html.
      setHeaders: (reply, file) => void reply.header('cache-control', file.startsWith(assets + path.sep) ? YEAR_IMMUTABLE : 'no-cache'),
    })
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      decorateReply: false,
      globIgnore: ['assets/**', '**/*.gz', '**/*.br'],
      preCompressed: true,
      cacheControl: false,
      schemaHide: true,
      setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
    })
  }

  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const pathname = req.url.split('?')[0]!
    if (SERVER_PATHS.test(pathname) || FILE_PATH.test(pathname)) {
      throw new AppError(E.ROUTE_NOT_FOUND, { reason: `${req.method} ${pathname}` })
    }
    if (!built) {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('The web app is not built: `npm run build:web` builds it (`jamsos start` does when it is missing). The API is at /api/v1, its documentation at /api/docs.\n')
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist)
  })
}
