// Indonesian names, phone numbers and street lines for the demo population. The name lists are
// faker's Indonesian (id_ID) locale; drawing from them with our own seeded source keeps a run
// reproducible and about fifty times faster than going through faker's template engine.
import { faker as fakerID_ID } from '@faker-js/faker/locale/id_ID'
import type { Rng } from './random.ts'

type Sex = 'male' | 'female'

const person = fakerID_ID.definitions.person
const FIRST: Record<Sex, readonly string[]> = {
  male: [...(person.first_name?.male ?? []), ...(person.first_name?.generic ?? [])],
  female: [...(person.first_name?.female ?? []), ...(person.first_name?.generic ?? [])],
}
const LAST: Record<Sex, readonly string[]> = {
  male: [...(person.last_name?.male ?? [])],
  female: [...(person.last_name?.female ?? [])],
}
if (!FIRST.male.length || !FIRST.female.length || !LAST.male.length || !LAST.female.length) {
  throw new Error('faker id_ID locale has no Indonesian names')
}

// Very common leading names that faker's lists lack (Muslim and Javanese naming).
const LEADING: Record<Sex, readonly string[]> = {
  male: ['Muhammad', 'Ahmad', 'Mochamad', 'Abdul', 'Agus', 'Slamet', 'Moh.'],
  female: ['Siti', 'Sri', 'Nur', 'Dewi', 'Tri', 'Endang'],
}

/** A full name: a single name (common in Java), first + last, or a longer name. */
export function fullName(rng: Rng, sex: Sex): string {
  const u = rng.next()
  if (u < 0.12) return rng.pick(FIRST[sex])
  if (u < 0.22) return `${rng.pick(LEADING[sex])} ${rng.pick(FIRST[sex])}`
  if (u < 0.8) return `${rng.pick(FIRST[sex])} ${rng.pick(LAST[sex])}`
  return `${rng.pick(FIRST[sex])} ${rng.pick(FIRST[sex])} ${rng.pick(LAST[sex])}`
}

/** A mother's maiden name (nama ibu kandung), asked at registration to verify identity. */
export function motherName(rng: Rng): string {
  const u = rng.next()
  if (u < 0.3) return rng.pick(FIRST.female)
  if (u < 0.5) return `${rng.pick(LEADING.female)} ${rng.pick(FIRST.female)}`
  return `${rng.pick(FIRST.female)} ${rng.pick(LAST.female)}`
}

// Mobile prefixes after the leading 0 (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
const MOBILE_PREFIXES = [
  '811', '812', '813', '821', '822', '823', '852', '853', '851',
  '814', '815', '816', '855', '856', '857', '858',
  '817', '818', '819', '859', '877', '878',
  '831', '832', '833', '838',
  '895', '896', '897', '898', '899',
  '881', '882', '883', '887', '888',
] as const

/** '08' + operator + subscriber digits; 10 to 13 digits in all, mostly 12. */
export function phoneNumber(rng: Rng): string {
  const u = rng.next()
  const length = u < 0.05 ? 10 : u < 0.25 ? 11 : u < 0.85 ? 12 : 13
  let s = '0' + rng.pick(MOBILE_PREFIXES)
  while (s.length < length) s += String(rng.int(0, 9))
  return s
}

const STREETS = [
  'Merdeka', 'Diponegoro', 'Sudirman', 'Ahmad Yani', 'Gajah Mada', 'Hayam Wuruk', 'Imam Bonjol',
  'Pahlawan', 'Kartini', 'Veteran', 'Pemuda', 'Raya', 'Mawar', 'Melati', 'Anggrek', 'Kenanga',
  'Flamboyan', 'Cempaka', 'Kusuma Bangsa', 'Brawijaya', 'Majapahit', 'Sukarno Hatta', 'Mastrip',
  'Kalimantan', 'Sumatra', 'Sulawesi', 'Cokroaminoto', 'Wahid Hasyim', 'Panglima Sudirman',
  'Pattimura', 'Teuku Umar', 'Dr. Wahidin', 'Mayjen Sungkono', 'Raya Pasar', 'Masjid', 'Stasiun',
] as const

const HAMLETS = [
  'Krajan', 'Sumberejo', 'Karanganyar', 'Sukorejo', 'Tegalrejo', 'Ngadirejo', 'Sidomulyo',
  'Kedungrejo', 'Wonorejo', 'Sumbersari', 'Kalisari', 'Jatirejo', 'Mojosari', 'Purworejo',
  'Kebonsari', 'Gondang', 'Sukomulyo', 'Tambakrejo',
] as const

function rtRw(rng: Rng): string {
  return `RT ${String(rng.int(1, 12)).padStart(3, '0')}/RW ${String(rng.int(1, 8)).padStart(3, '0')}`
}

/** A street line; village, district and regency come from the village code. */
export function streetLine(rng: Rng, rural: boolean): string {
  if (rural && rng.chance(0.6)) return `Dusun ${rng.pick(HAMLETS)} ${rtRw(rng)}`
  const u = rng.next()
  const street = u < 0.75 ? rng.pick(STREETS) : rng.pick(LAST.male)
  const kind = rng.chance(0.8) ? 'Jl.' : 'Gg.'
  const gang = kind === 'Jl.' && rng.chance(0.15) ? ` Gg. ${rng.int(1, 9)}` : ''
  return `${kind} ${street}${gang} No. ${rng.int(1, 150)} ${rtRw(rng)}`
}
