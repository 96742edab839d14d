// HTTP routes of the regions module (registered under /api/v1): the region tree, name search and
// the branch offices. Read-only reference data for any signed-in caller.
import { Type } from 'typebox'
import type { App } from '../platform/http.ts'
import { withActor } from '../platform/actor.ts'
import { AppError } from '../platform/errors.ts'
import { PageOf, PageQuery } from '../platform/schemas.ts'
import { RegionErrors as E } from './errors.ts'
import { getBranch, listBranches, listProvinces, regionNode, searchRegions } from './lookups.ts'
import { Branch, BranchDetail, LevelSchema, RegionHit, RegionNode, RegionRef } from './views.ts'

// Read by the identity module's hooks: any signed-in caller may read reference data. Kept in a
// constant so the object is the same for every route.
const ACCESS = { access: { public: false, roles: 'any-authenticated' } } as const

const CodeParams = Type.Object({ code: Type.String({ description: 'Region code at any level: 35, 35.05, 35.05.01 or 35.05.01.2001' }) })

const SearchQuery = PageQuery({
  q: Type.Optional(
    Type.String({ maxLength: 100, description: 'Name (prefix or any part; case and accents ignored) or a code prefix such as 35.05 or 3505' }),
  ),
  level: Type.Optional(LevelSchema),
  parent: Type.Optional(Type.String({ description: 'Only regions under this region code' })),
})

export async function regionRoutes(app: App): Promise<void> {
  const db = app.ctx.db

  app.get(
    '/regions/provinces',
    {
      config: ACCESS,
      schema: { tags: ['regions'], operationId: 'listProvinces', summary: 'All provinces', response: { 200: Type.Object({ items: Type.Array(RegionRef) }) } },
    },
    async (req) => ({ items: await withActor(db, req.actor, (tx) => listProvinces(tx)) }),
  )

  app.get(
    '/regions/search',
    {
      config: ACCESS,
      schema: {
        tags: ['regions'],
        operationId: 'searchRegions',
        summary: 'Search regions by name or code prefix',
        description:
          'Ranks exact names first, then names starting with q, then names with a word starting with q ' +
          '("blitar" finds KABUPATEN BLITAR and KOTA BLITAR), then names containing q; provinces before villages.',
        querystring: SearchQuery,
        response: {
          200: PageOf(RegionHit),
        },
      },
    },
    async (req) => withActor(db, req.actor, (tx) => searchRegions(tx, req.query)),
  )

  app.get(
    '/regions/:code',
    {
      config: ACCESS,
      schema: {
        tags: ['regions'],
        operationId: 'getRegion',
        summary: 'A region with its ancestors and children',
        params: CodeParams,
        response: { 200: RegionNode },
      },
    },
    async (req) => withActor(db, req.actor, (tx) => regionNode(tx, req.params.code)),
  )

  app.get(
    '/branches',
    {
      config: ACCESS,
      schema: { tags: ['regions'], operationId: 'listBranches', summary: 'Branch offices (Kantor Cabang)', response: { 200: Type.Object({ items: Type.Array(Branch) }) } },
    },
    async (req) => ({ items: await withActor(db, req.actor, (tx) => listBranches(tx)) }),
  )

  app.get(
    '/branches/:code',
    {
      config: ACCESS,
      schema: {
        tags: ['regions'],
        operationId: 'getBranch',
        summary: 'A branch office with the regencies it serves',
        params: Type.Object({ code: Type.String({ description: 'e.g. KC3505' }) }),
        response: { 200: BranchDetail },
      },
    },
    async (req) => {
      const branch = await withActor(db, req.actor, (tx) => getBranch(tx, req.params.code))
      if (!branch) throw AppError.field(E.BRANCH_NOT_FOUND, 'code', `no branch office has code ${req.params.code.slice(0, 40)}`)
      return branch
    },
  )
}
