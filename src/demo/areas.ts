// Where the demo population lives: every village (desa/kelurahan) of the idn-area-data package,
// the same list the regions module loads, kept as parallel arrays so that 83,000 villages cost a
// few megabytes, and a sampler that draws villages by province weight.
import fs from 'node:fs'
import path from 'node:path'
import { parseCsv, regionPackage, titleCase } from '../regions/index.ts'
import { pickCumulative, type Rng } from './random.ts'

export interface Areas {
  /** '35.05.01.2001', sorted, so each district, regency and province is one contiguous run. */
  villageCode: string[]
  villageDistrict: Uint16Array
  /** '35.05.01' */
  districtCode: string[]
  districtRegency: Uint16Array
  districtVillageStart: Int32Array
  districtVillageEnd: Int32Array
  /** '35.05' */
  regencyCode: string[]
  /** Name as people write a birth place: 'KABUPATEN BLITAR' → 'Blitar'. */
  regencyPlace: string[]
  regencyProvince: string[]
  regencyVillageStart: Int32Array
  regencyVillageEnd: Int32Array
  regencyDistrictStart: Int32Array
  regencyDistrictEnd: Int32Array
}

/** 'KOTA ADMINISTRASI JAKARTA SELATAN' → 'Jakarta'; 'KABUPATEN KULON PROGO' → 'Kulon Progo'. */
export function placeName(regencyName: string): string {
  const bare = regencyName.replace(/^(KABUPATEN|KOTA)\s+(ADMINISTRASI\s+)?/, '')
  return bare.startsWith('JAKARTA') ? 'Jakarta' : titleCase(bare)
}

let cached: Areas | undefined

export function loadAreas(): Areas {
  if (cached) return cached
  // Read as the regions loader reads them (quotes inside names are letters), so the demo's villages
  // are exactly the ones the village table holds.
  const { dir } = regionPackage()
  const [, ...regencyRows] = parseCsv(fs.readFileSync(path.join(dir, 'regencies.csv'), 'utf8'))
  const regencyIndex = new Map<string, number>()
  const regencyCode: string[] = []
  const regencyPlace: string[] = []
  const regencyProvince: string[] = []
  for (const [code, province, name] of regencyRows) {
    regencyIndex.set(code!, regencyCode.length)
    regencyCode.push(code!)
    regencyProvince.push(province!)
    regencyPlace.push(placeName(name!))
  }
  const nr = regencyCode.length

  // Only the codes are needed; villages.csv is sorted by code.
  const [, ...villageRows] = parseCsv(fs.readFileSync(path.join(dir, 'villages.csv'), 'utf8'))
  const villageCode: string[] = []
  const districtCode: string[] = []
  const districtRegency: number[] = []
  const villageDistrictList: number[] = []
  const districtVillageStart: number[] = []
  for (const [code] of villageRows) {
    const district = code!.slice(0, 8)
    if (districtCode[districtCode.length - 1] !== district) {
      const r = regencyIndex.get(code!.slice(0, 5))
      if (r === undefined) throw new Error(`Village ${code} belongs to no known regency`)
      districtCode.push(district)
      districtRegency.push(r)
      districtVillageStart.push(villageCode.length)
    }
    villageDistrictList.push(districtCode.length - 1)
    villageCode.push(code!)
  }
  const nd = districtCode.length
  const areas: Areas = {
    villageCode,
    villageDistrict: Uint16Array.from(villageDistrictList),
    districtCode,
    districtRegency: Uint16Array.from(districtRegency),
    districtVillageStart: Int32Array.from(districtVillageStart),
    districtVillageEnd: Int32Array.from(districtVillageStart.slice(1).concat(villageCode.length)),
    regencyCode,
    regencyPlace,
    regencyProvince,
    regencyVillageStart: new Int32Array(nr).fill(-1),
    regencyVillageEnd: new Int32Array(nr).fill(-1),
    regencyDistrictStart: new Int32Array(nr).fill(-1),
    regencyDistrictEnd: new Int32Array(nr).fill(-1),
  }
  for (let d = 0; d < nd; d++) {
    const r = areas.districtRegency[d]!
    if (areas.regencyDistrictStart[r] === -1) {
      areas.regencyDistrictStart[r] = d
      areas.regencyVillageStart[r] = areas.districtVillageStart[d]!
    }
    areas.regencyDistrictEnd[r] = d + 1
    areas.regencyVillageEnd[r] = areas.districtVillageEnd[d]!
  }
  cached = areas
  return areas
}

/**
 * Rough population weights per province (millions, Sensus Penduduk 2020, the Papua provinces as
 * split in 2022). Only the proportions matter.
 */
export const PROVINCE_POPULATION: Readonly<Record<string, number>> = {
  '11': 5.3, '12': 14.8, '13': 5.5, '14': 6.4, '15': 3.5, '16': 8.5, '17': 2.0, '18': 9.0,
  '19': 1.5, '21': 2.1, '31': 10.6, '32': 48.3, '33': 36.5, '34': 3.7, '35': 40.7, '36': 11.9,
  '51': 4.3, '52': 5.3, '53': 5.3, '61': 5.4, '62': 2.7, '63': 4.1, '64': 3.8, '65': 0.7,
  '71': 2.6, '72': 3.0, '73': 9.1, '74': 2.6, '75': 1.2, '76': 1.4, '81': 1.8, '82': 1.3,
  '91': 1.0, '92': 0.55, '93': 0.5, '94': 1.3, '95': 1.4, '96': 0.6,
}

/** The demo's home ground: Jawa Timur carries 40% of the population, the rest by population. */
export const DEFAULT_PROVINCE_WEIGHTS: Readonly<Record<string, number>> = (() => {
  const others = Object.entries(PROVINCE_POPULATION).filter(([p]) => p !== '35')
  const rest = others.reduce((s, [, w]) => s + w, 0)
  return { ...Object.fromEntries(others), '35': (rest * 0.4) / 0.6 }
})()

/** Within Jawa Timur, Blitar (Kabupaten 35.05 and Kota 35.72) is 10% of the people. */
export const FOCUS = { province: '35', regencies: ['35.05', '35.72'], share: 0.1 } as const

/** Draws villages: a regency by weight, then a village of it uniformly. */
export class VillageSampler {
  private readonly cumulative: Float64Array

  constructor(
    readonly areas: Areas,
    provinceWeights: Readonly<Record<string, number>> = DEFAULT_PROVINCE_WEIGHTS,
  ) {
    const nr = areas.regencyCode.length
    const villages = (r: number) => areas.regencyVillageEnd[r]! - areas.regencyVillageStart[r]!
    const focus = new Set<string>(FOCUS.regencies)
    // Villages per province, split into the focus regencies and the rest.
    const inFocus = new Map<string, number>()
    const outFocus = new Map<string, number>()
    for (let r = 0; r < nr; r++) {
      const m = focus.has(areas.regencyCode[r]!) ? inFocus : outFocus
      const p = areas.regencyProvince[r]!
      m.set(p, (m.get(p) ?? 0) + villages(r))
    }
    const weights = new Float64Array(nr)
    for (let r = 0; r < nr; r++) {
      const p = areas.regencyProvince[r]!
      const w = provinceWeights[p] ?? 0
      if (w <= 0 || villages(r) <= 0) continue
      const hasFocus = p === FOCUS.province && (inFocus.get(p) ?? 0) > 0 && (outFocus.get(p) ?? 0) > 0
      if (!hasFocus) {
        weights[r] = (w * villages(r)) / ((inFocus.get(p) ?? 0) + (outFocus.get(p) ?? 0))
      } else if (focus.has(areas.regencyCode[r]!)) {
        weights[r] = (w * FOCUS.share * villages(r)) / inFocus.get(p)!
      } else {
        weights[r] = (w * (1 - FOCUS.share) * villages(r)) / outFocus.get(p)!
      }
    }
    const total = weights.reduce((s, w) => s + w, 0)
    if (total <= 0) throw new Error('provinceWeights give no province any weight')
    this.cumulative = new Float64Array(nr)
    let sum = 0
    for (let r = 0; r < nr; r++) this.cumulative[r] = (sum += weights[r]!) / total
  }

  regency(rng: Rng): number {
    return pickCumulative(this.cumulative, rng.next())
  }

  /** A village index. */
  village(rng: Rng): number {
    const r = this.regency(rng)
    return rng.int(this.areas.regencyVillageStart[r]!, this.areas.regencyVillageEnd[r]! - 1)
  }
}
