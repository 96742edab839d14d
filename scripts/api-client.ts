// `npm run api:client`: writes web/src/api/schema.d.ts, the TypeScript types of the API that the
// web app's client (openapi-fetch) is typed by, from the OpenAPI document the app itself produces.
// api-client.test.ts fails when the committed file is not what this would write, so the app and
// the API cannot drift: change a route's schema, run this, and `npm run typecheck` shows every
// screen the change breaks.
//
// openapi-typescript 6: version 7 builds its output with the TypeScript compiler's API and wants
// TypeScript 5 as a peer, which cannot sit beside this project's TypeScript 7 (a native compiler
// without that API); 6 writes the same `paths`/`operations` shape, which openapi-fetch reads.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import openapiTS, { type OpenAPI3 } from 'openapi-typescript'
import { buildApp } from '../src/app.ts'
import { loadConfig, projectRoot } from '../src/platform/config.ts'
import { createPool } from '../src/platform/db.ts'
import { createLogger } from '../src/platform/log.ts'
import type { AppContext } from '../src/platform/http.ts'

export const SCHEMA_FILE = path.join(projectRoot, 'web', 'src', 'api', 'schema.d.ts')

/**
 * The OpenAPI document of the app as `jamsos start` serves it at /api/openapi.json, built without
 * a database or a port: the routes and their schemas are all it needs. Default configuration, so
 * the document does not depend on the environment of whoever generates it.
 */
export async function openApiDocument(): Promise<OpenAPI3> {
  // Never queried (building routes runs no SQL); postgres.js connects on the first query only.
  const unused = createPool('postgres://unused@127.0.0.1:9/unused', { max: 1 })
  const ctx: AppContext = {
    db: unused,
    systemDb: unused,
    config: loadConfig({}),
    now: () => new Date(),
    services: { authKey: Buffer.alloc(32) },
  }
  const app = await buildApp(ctx, createLogger('silent'))
  try {
    await app.ready()
    return app.swagger() as unknown as OpenAPI3
  } finally {
    await app.close()
    await unused.end({ timeout: 1 })
  }
}

type Schema = Record<string, unknown>
const isNullSchema = (s: unknown): boolean =>
  typeof s === 'object' && s !== null && (s as Schema).nullable === true && Array.isArray((s as Schema).enum) && ((s as Schema).enum as unknown[]).every((v) => v === null)

/**
 * @fastify/swagger writes TypeBox's Null for OpenAPI 3.0 as `{type: object, nullable: true, enum:
 * [null]}`, which openapi-typescript 6 cannot read (it fails on the null enum member). A union with
 * it says "or null", which 3.0 spells `nullable: true` on the union itself.
 */
export function nullableUnions<T>(node: T): T {
  if (Array.isArray(node)) return node.map(nullableUnions) as T
  if (typeof node !== 'object' || node === null) return node
  const out: Schema = {}
  for (const [k, v] of Object.entries(node)) out[k] = nullableUnions(v)
  for (const key of ['anyOf', 'oneOf']) {
    const members = out[key]
    if (Array.isArray(members) && members.some(isNullSchema)) {
      out[key] = members.filter((m) => !isNullSchema(m))
      out.nullable = true
    }
  }
  return out as T
}

/** The text of web/src/api/schema.d.ts for a document. */
export async function apiTypes(doc: OpenAPI3): Promise<string> {
  const types = await openapiTS(nullableUnions(doc), { alphabetize: true })
  return `${types.trimEnd()}\n`
}

export async function writeApiTypes(): Promise<string> {
  const text = await apiTypes(await openApiDocument())
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true })
  fs.writeFileSync(SCHEMA_FILE, text)
  return text
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = await writeApiTypes()
  console.log(`wrote ${path.relative(projectRoot, SCHEMA_FILE)} (${text.split('\n').length} lines)`)
}
