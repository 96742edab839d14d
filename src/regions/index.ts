// Public surface of the regions module: official Indonesian regions (Kemendagri codes) and the
// branch offices (Kantor Cabang) that serve them. Other modules use only what is exported here.
export { loadRegions, loadBranches, loadRegionData } from './loader.ts'
export {
  villagePlace,
  placeIndex,
  regionCodes,
  regionNode,
  searchRegions,
  listProvinces,
  listBranches,
  getBranch,
  type Place,
  type RegionRef,
  type RegionNode,
  type RegionHit,
  type RegionSearch,
  type Branch,
  type BranchDetail,
} from './lookups.ts'
export { regionLevel, parentCode, ancestorCodes, LEVELS, type Level } from './codes.ts'
export { BranchConfigError } from './branches.ts'
export { RegionErrors } from './errors.ts'
export { regionRoutes } from './routes.ts'
