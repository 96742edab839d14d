// What the regions module answers, as TypeBox schemas: the routes validate and document with them
// (OpenAPI), and the module's code takes its types from them (Static), so each shape is written once.
import { Type, type Static } from 'typebox'
import { StringEnum } from '../platform/schemas.ts'
import { LEVELS } from './codes.ts'

export const LevelSchema = StringEnum(LEVELS)

export const RegionRef = Type.Object({
  code: Type.String({ description: 'Kemendagri code, e.g. 35.05.01.2001' }),
  name: Type.String(),
  level: LevelSchema,
})
export type RegionRef = Static<typeof RegionRef>

const BranchRef = Type.Object({ code: Type.String(), name: Type.String() })

export const RegionNode = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: LevelSchema,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  ancestors: Type.Array(RegionRef, { description: 'Province first, down to the parent' }),
  children: Type.Array(RegionRef, { description: 'The regions one level down (empty for a village)' }),
  branch: Type.Union([BranchRef, Type.Null()], { description: 'Branch office serving the region (null for a province)' }),
})
export type RegionNode = Static<typeof RegionNode>

export const RegionHit = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: LevelSchema,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  ancestors: Type.Array(RegionRef),
})
export type RegionHit = Static<typeof RegionHit>

export const Branch = Type.Object({
  code: Type.String({ description: 'e.g. KC3505' }),
  name: Type.String(),
  active: Type.Boolean({ description: 'False once it serves no regency (kept: participants keep their branch code)' }),
  regencyCount: Type.Integer(),
})
export type Branch = Static<typeof Branch>

export const BranchRegency = Type.Object({ code: Type.String(), name: Type.String(), provinceCode: Type.String(), provinceName: Type.String() })
export type BranchRegency = Static<typeof BranchRegency>

export const BranchDetail = Type.Object({
  code: Type.String(),
  name: Type.String(),
  active: Type.Boolean(),
  regencies: Type.Array(BranchRegency),
})
export type BranchDetail = Static<typeof BranchDetail>
