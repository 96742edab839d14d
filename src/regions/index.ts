// Public surface of the regions module: official Indonesian regions (Kemendagri codes) and the
// branch offices (Kantor Cabang) that serve them. Other modules use only what is exported here.
export { loadRegionData, regionPackage } from './loader.ts'
export { villagePlace, placeIndex, regionCodes, type Place } from './lookups.ts'
export { titleCase } from './branches.ts'
export { parseCsv } from './csv.ts'
export { regionRoutes } from './routes.ts'
