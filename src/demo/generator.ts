// A synthetic, reproducible population of BPU (informal worker) registrations for demos, seeding
// and benchmarks. Each item is the body POST /api/v1/participants takes, plus what only the
// generator knows: when the worker registered and the contributions they paid since.
//
// Streaming: people are made one at a time, so a million cost no more memory than the village
// table and the NIK serial counters (a few tens of megabytes).
import { ageOn, type IsoDate, isIsoDate, JAKARTA_OFFSET_MINUTES, jakartaEndOf } from '../platform/dates.ts'
import { makeNik } from '../registry/index.ts'
import { DEFAULT_PROVINCE_WEIGHTS, loadAreas, VillageSampler, type Areas } from './areas.ts'
import { paymentHistory, type DemoPayment, type PayerProfile, type PaymentMethod } from './history.ts'
import { fullName, motherName, phoneNumber, streetLine } from './names.ts'
import { Rng, Weighted } from './random.ts'

export type Occupation =
  | 'pedagang' | 'petani' | 'nelayan' | 'peternak' | 'ojek' | 'driver' | 'kurir' | 'buruh_harian' | 'pengrajin'
  | 'penjahit' | 'montir' | 'tukang' | 'asisten_rt' | 'pelaku_umkm' | 'seniman' | 'marbot' | 'lainnya'
export type Ecosystem = 'desa' | 'pasar' | 'e-commerce' | 'ukm' | 'pekerja_rentan'
export type Channel = 'branch' | 'perisai' | 'partner' | 'jmo' | 'web' | 'bulk' | 'sponsor'
export type Funding = 'self' | 'sponsor' | 'apbd'

/** The registration body of POST /api/v1/participants. */
export interface DemoRegistration {
  nik: string
  fullName: string
  birthPlace: string
  birthDate: IsoDate
  gender: 'M' | 'F'
  motherMaidenName: string
  phone: string
  address: string
  villageCode: string
  occupation: Occupation
  monthlyIncome: number
  programs: ['JKK', 'JKM'] | ['JKK', 'JKM', 'JHT']
  ecosystem: Ecosystem
  channel: Channel
  /** Who pays: the worker, a sponsor (CSR, zakat), or a regional budget (Inpres 2/2021). */
  funding: Funding
}

export interface DemoParticipant extends DemoRegistration {
  registeredAt: Date
  payments: DemoPayment[]
}

export interface PopulationOptions {
  count: number
  seed?: number
  /** Histories run to the end of this Jakarta day (default 2025-12-31). */
  until?: IsoDate
  /** Province code → relative weight; default: Jawa Timur 40%, the rest by population. */
  provinceWeights?: Record<string, number>
  /** Months arrears may be paid after cover ends (the policy's graceMonths; default 3, as JAMSOS_GRACE_MONTHS). */
  graceMonths?: number
}

export const DEFAULT_SEED = 20_251_231
export const DEFAULT_UNTIL: IsoDate = '2025-12-31'
/** Registrations spread over these days. */
export const REGISTRATION_FROM: IsoDate = '2022-01-01'
export const REGISTRATION_TO: IsoDate = '2025-12-31'

/** Declared income bounds of PP 44/2015 Lampiran II (Rp1,000,000 to Rp20,700,000). */
export const MIN_INCOME = 1_000_000
export const MAX_INCOME = 20_700_000
/** Declared incomes are whole steps of Rp50,000, as the registration forms offer them. */
export const INCOME_STEP = 50_000

// Men and women work in different trades; the weights give plausible shares of each.
const OCCUPATION_BY_GENDER: Record<'M' | 'F', Weighted<Occupation>> = {
  M: new Weighted<Occupation>({
    pedagang: 12, petani: 17, nelayan: 6, peternak: 4, ojek: 12, driver: 7, kurir: 6, buruh_harian: 11,
    pengrajin: 2, penjahit: 1, montir: 3.5, tukang: 9, asisten_rt: 0.5, pelaku_umkm: 5, seniman: 1, marbot: 2.5, lainnya: 2,
  }),
  F: new Weighted<Occupation>({
    pedagang: 27, petani: 14, nelayan: 0.5, peternak: 3, ojek: 0.8, driver: 0.3, kurir: 2, buruh_harian: 9,
    pengrajin: 5, penjahit: 6, montir: 0.1, tukang: 0.3, asisten_rt: 10, pelaku_umkm: 12, seniman: 1, marbot: 0.3, lainnya: 2,
  }),
}

const eco = (w: Partial<Record<Ecosystem, number>>) => new Weighted<Ecosystem>(w as Record<string, number>)
const FARM = eco({ desa: 85, pekerja_rentan: 10, ukm: 5 })
const TRANSPORT = eco({ 'e-commerce': 55, desa: 10, pasar: 5, pekerja_rentan: 20, ukm: 10 })
const VULNERABLE = eco({ pekerja_rentan: 50, desa: 35, pasar: 10, ukm: 5 })
const CRAFT = eco({ ukm: 35, desa: 30, pasar: 15, pekerja_rentan: 15, 'e-commerce': 5 })
/** Ecosystem follows the trade: farmers in desa, traders in pasar, couriers on e-commerce platforms. */
const ECOSYSTEM_BY_OCCUPATION: Record<Occupation, Weighted<Ecosystem>> = {
  petani: FARM, nelayan: FARM, peternak: FARM,
  pedagang: eco({ pasar: 75, ukm: 10, 'e-commerce': 5, desa: 5, pekerja_rentan: 5 }),
  kurir: eco({ 'e-commerce': 70, pekerja_rentan: 15, ukm: 10, pasar: 5 }),
  ojek: TRANSPORT, driver: TRANSPORT,
  pelaku_umkm: eco({ ukm: 75, 'e-commerce': 15, pasar: 10 }),
  buruh_harian: VULNERABLE, asisten_rt: VULNERABLE, marbot: VULNERABLE,
  pengrajin: CRAFT, penjahit: CRAFT, montir: CRAFT, tukang: CRAFT, seniman: CRAFT, lainnya: CRAFT,
}

const chan = (w: Partial<Record<Channel, number>>) => new Weighted<Channel>(w as Record<string, number>)
/** Perisai agents work the villages, partner platforms bring their drivers and sellers, sponsors the vulnerable. */
const CHANNEL_BY_ECOSYSTEM: Record<Ecosystem, Weighted<Channel>> = {
  desa: chan({ perisai: 45, branch: 15, jmo: 15, bulk: 10, web: 5, sponsor: 5, partner: 5 }),
  pasar: chan({ perisai: 30, jmo: 20, branch: 20, partner: 15, bulk: 10, web: 5 }),
  'e-commerce': chan({ partner: 60, jmo: 25, web: 10, branch: 5 }),
  ukm: chan({ jmo: 30, partner: 20, branch: 20, web: 15, perisai: 10, bulk: 5 }),
  pekerja_rentan: chan({ sponsor: 50, bulk: 20, perisai: 15, branch: 10, jmo: 5 }),
}

/** Median declared income relative to the overall median, by trade. */
const INCOME_FACTOR: Record<Occupation, number> = {
  pedagang: 1.15, petani: 0.9, nelayan: 0.95, peternak: 0.95, ojek: 1.05, driver: 1.3, kurir: 1.1, buruh_harian: 0.8,
  pengrajin: 1.0, penjahit: 1.0, montir: 1.3, tukang: 1.1, asisten_rt: 0.8, pelaku_umkm: 1.5, seniman: 1.1, marbot: 0.7, lainnya: 1.0,
}
const MEDIAN_INCOME = 1_900_000
const INCOME_SIGMA = 0.55

const SELF_TERMS = new Weighted<number>([[1, 78], [3, 12], [6, 6], [12, 4]])
const method = (w: Partial<Record<PaymentMethod, number>>) => new Weighted<PaymentMethod>(w as Record<string, number>)
const selfPayer = (methods: Weighted<PaymentMethod>, neverPays: number): PayerProfile => ({
  methods, neverPays, monthlyLapse: 0.032, reactivation: 0.35, terms: SELF_TERMS, lateShare: 0.12, aheadShare: 0.25,
})
/** How each registration channel's workers go on to pay. */
const PAYER_BY_CHANNEL: Record<Channel, PayerProfile> = {
  perisai: selfPayer(method({ perisai: 50, brilink: 20, pos: 10, dana: 10, bank_va: 10 }), 0.05),
  branch: selfPayer(method({ branch: 30, bank_va: 30, brilink: 20, pos: 10, dana: 10 }), 0.05),
  jmo: selfPayer(method({ jmo: 40, dana: 30, bank_va: 30 }), 0.1),
  web: selfPayer(method({ bank_va: 50, dana: 30, jmo: 20 }), 0.12),
  bulk: selfPayer(method({ bank_va: 40, brilink: 30, pos: 30 }), 0.08),
  // Platforms auto-debit their drivers' and sellers' balances every month (e.g. Gojek).
  partner: {
    methods: method({ autodebit: 85, dana: 10, bank_va: 5 }), neverPays: 0.03, monthlyLapse: 0.022, reactivation: 0.3,
    terms: new Weighted<number>([[1, 1]]), lateShare: 0.05, aheadShare: 0.1,
  },
  // Sponsors (GN Lingkaran, zakat) pay 6 to 12 months at a time, then renew or not.
  sponsor: {
    methods: method({ sponsor: 1 }), neverPays: 0.01, monthlyLapse: 0.045, reactivation: 0.25,
    terms: new Weighted<number>([[6, 50], [12, 50]]), lateShare: 0.05, aheadShare: 0.5,
  },
}
/** Regional budgets (APBD) pay for listed vulnerable workers a year at a time. */
const APBD_PAYER: PayerProfile = {
  methods: method({ apbd: 1 }), neverPays: 0.02, monthlyLapse: 0.03, reactivation: 0.3,
  terms: new Weighted<number>([[12, 70], [6, 30]]), lateShare: 0.1, aheadShare: 0.3,
}

const DAY = 86_400_000
/** Jakarta (WIB) is UTC+7: a Jakarta day starts this long before the UTC day of the same date. */
const JAKARTA_OFFSET = JAKARTA_OFFSET_MINUTES * 60_000

function isoOfDay(day: number): IsoDate {
  return new Date(day * DAY).toISOString().slice(0, 10)
}

function dayOf(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY
}

/** Declared income: log-normal around the trade's median, a thin tail, whole Rp50,000 steps. */
function declaredIncome(rng: Rng, occupation: Occupation): number {
  let x: number
  if (rng.chance(0.004)) x = Math.exp(Math.log(5_000_000) + rng.next() * Math.log(MAX_INCOME / 5_000_000))
  else x = MEDIAN_INCOME * INCOME_FACTOR[occupation] * Math.exp(INCOME_SIGMA * rng.normal())
  const stepped = Math.round(x / INCOME_STEP) * INCOME_STEP
  return Math.min(MAX_INCOME, Math.max(MIN_INCOME, stepped))
}

/** The registration's instant: offices keep office hours on weekdays, apps run day and night. */
function registrationInstant(rng: Rng, day: number, channel: Channel, firstDay: number, lastDay: number): number {
  let minute: number
  if (channel === 'branch' || channel === 'bulk' || channel === 'sponsor') {
    // A weekend day moves to the next Monday, or back to Friday at the end of the window.
    const weekday = new Date(day * DAY).getUTCDay()
    const toMonday = weekday === 6 ? 2 : weekday === 0 ? 1 : 0
    if (toMonday && day + toMonday <= lastDay) day += toMonday
    else if (toMonday && day - (3 - toMonday) >= firstDay) day -= 3 - toMonday
    minute = rng.int(8 * 60, 16 * 60)
  } else if (channel === 'perisai') {
    minute = rng.int(8 * 60, 18 * 60)
  } else {
    minute = rng.int(6 * 60, 23 * 60 + 30)
  }
  return day * DAY - JAKARTA_OFFSET + minute * 60_000 + rng.int(0, 59_999)
}

/** Streams `count` synthetic participants; the same options always give the same people. */
export function* generatePopulation(opts: PopulationOptions): Generator<DemoParticipant> {
  const until = opts.until ?? DEFAULT_UNTIL
  if (!isIsoDate(until)) throw new Error(`until must be YYYY-MM-DD, got "${until}"`)
  if (until < REGISTRATION_FROM) throw new Error(`until (${until}) is before the first registration day ${REGISTRATION_FROM}`)
  if (!Number.isSafeInteger(opts.count) || opts.count < 0) throw new Error(`count must be a non-negative integer, got ${opts.count}`)
  if (opts.graceMonths !== undefined && (!Number.isSafeInteger(opts.graceMonths) || opts.graceMonths < 0)) throw new Error(`graceMonths must be a whole number ≥ 0, got ${opts.graceMonths}`)
  const areas: Areas = loadAreas()
  const sampler = new VillageSampler(areas, opts.provinceWeights ?? DEFAULT_PROVINCE_WEIGHTS)
  const rng = new Rng(opts.seed ?? DEFAULT_SEED)
  const untilEnd = jakartaEndOf(until).getTime()
  const firstDay = dayOf(REGISTRATION_FROM)
  const lastDay = dayOf(until < REGISTRATION_TO ? until : REGISTRATION_TO)
  const span = lastDay - firstDay + 1
  // Serials per (district of issue, birth date, gender): unique NIKs however large the run.
  const serials = new Map<number, number>()
  const epoch1900 = dayOf('1900-01-01')

  for (let i = 0; i < opts.count; i++) {
    const gender = rng.chance(0.55) ? 'M' : 'F'
    const sex = gender === 'M' ? 'male' : 'female'
    const occupation = OCCUPATION_BY_GENDER[gender].draw(rng)
    const ecosystem = ECOSYSTEM_BY_OCCUPATION[occupation].draw(rng)
    const channel = CHANNEL_BY_ECOSYSTEM[ecosystem].draw(rng)
    // Registrations grew year on year: half spread evenly, half weighted towards recent days.
    const u = rng.next()
    const regDay = firstDay + Math.min(span - 1, Math.floor((u < 0.5 ? u * 2 : Math.sqrt((u - 0.5) * 2)) * span))
    const registeredAt = registrationInstant(rng, regDay, channel, firstDay, lastDay)
    const regDate = isoOfDay(Math.floor((registeredAt + JAKARTA_OFFSET) / DAY))

    // Working age: at least 18 when registering, at most 65 at the end of the history.
    let birthDate: IsoDate
    for (;;) {
      const age = 18 + Math.floor(48 * ((rng.next() + rng.next()) / 2) ** 1.15)
      const y = Number(regDate.slice(0, 4))
      const hi = Date.UTC(y - age, Number(regDate.slice(5, 7)) - 1, Number(regDate.slice(8, 10))) / DAY
      birthDate = isoOfDay(hi - rng.int(0, 364))
      const atReg = ageOn(birthDate, regDate)
      if (atReg >= 18 && atReg <= 65 && ageOn(birthDate, until) <= 65) break
    }

    const village = sampler.village(rng)
    const district = areas.villageDistrict[village]!
    // One in ten lives away from the district that first issued the NIK: a neighbouring
    // district, or another part of the country.
    let nikDistrict = district
    if (rng.chance(0.1)) {
      const r = areas.districtRegency[district]!
      const [lo, hi] = [areas.regencyDistrictStart[r]!, areas.regencyDistrictEnd[r]!]
      nikDistrict = rng.chance(0.5) && hi - lo > 1 ? rng.int(lo, hi - 1) : areas.villageDistrict[sampler.village(rng)]!
    }
    const key = (nikDistrict * 40_000 + (dayOf(birthDate) - epoch1900)) * 2 + (gender === 'F' ? 1 : 0)
    const serial = (serials.get(key) ?? 0) + 1
    if (serial > 9999) throw new Error('NIK serials exhausted for one district and birth date')
    serials.set(key, serial)
    const nik = makeNik({ districtCode: areas.districtCode[nikDistrict]!, birthDate, gender, serial })

    // Most were born where their NIK was first issued.
    const birthRegency = rng.chance(0.8) ? areas.districtRegency[nikDistrict]! : sampler.regency(rng)

    const sponsored = channel === 'sponsor'
    const apbd = !sponsored && ecosystem === 'pekerja_rentan' && channel === 'bulk'
    // Sponsors and regional budgets pay the cheapest package, JKK + JKM on Rp1,000,000 (Rp16,800).
    const subsidised = sponsored || apbd
    const monthlyIncome =
      subsidised || (ecosystem === 'pekerja_rentan' && rng.chance(0.6)) ? MIN_INCOME : declaredIncome(rng, occupation)
    const jhtChance = 0.23 + 0.45 * Math.min(1, (monthlyIncome - MIN_INCOME) / 5_000_000)
    const programs: DemoRegistration['programs'] = !subsidised && rng.chance(jhtChance) ? ['JKK', 'JKM', 'JHT'] : ['JKK', 'JKM']

    const person: DemoParticipant = {
      nik,
      fullName: fullName(rng, sex),
      birthPlace: areas.regencyPlace[birthRegency]!,
      birthDate,
      gender,
      motherMaidenName: motherName(rng),
      phone: phoneNumber(rng),
      address: streetLine(rng, ecosystem === 'desa'),
      villageCode: areas.villageCode[village]!,
      occupation,
      monthlyIncome,
      programs,
      ecosystem,
      channel,
      funding: sponsored ? 'sponsor' : apbd ? 'apbd' : 'self',
      registeredAt: new Date(registeredAt),
      payments: [],
    }
    let profile = apbd ? APBD_PAYER : PAYER_BY_CHANNEL[channel]
    // Better-off workers keep paying longer.
    if (monthlyIncome >= 3_000_000) profile = { ...profile, monthlyLapse: profile.monthlyLapse * 0.7 }
    person.payments = paymentHistory(rng, person.registeredAt, untilEnd, profile, opts.graceMonths)
    yield person
  }
}

/** The registration body alone, without the generator's own facts (registeredAt, payments). */
export function registrationOf(p: DemoParticipant): DemoRegistration {
  return {
    nik: p.nik,
    fullName: p.fullName,
    birthPlace: p.birthPlace,
    birthDate: p.birthDate,
    gender: p.gender,
    motherMaidenName: p.motherMaidenName,
    phone: p.phone,
    address: p.address,
    villageCode: p.villageCode,
    occupation: p.occupation,
    monthlyIncome: p.monthlyIncome,
    programs: p.programs,
    ecosystem: p.ecosystem,
    channel: p.channel,
    funding: p.funding,
  }
}
