// Shared fixtures: real region codes and registration bodies that pass every rule.
import type { RegistrationInput } from '../src/registry/index.ts'
import { makeNik } from '../src/registry/index.ts'

/** Desa Jaten, Kecamatan Wonodadi, Kabupaten Blitar (served by KC Blitar). */
export const JATEN = '35.05.01.2001'
export const WONODADI = '35.05.01'
/** A village of KOTA BLITAR, merged into the same branch. */
export const KOTA_BLITAR_VILLAGE = '35.72.01.1001'

let serial = 1

/** A petani from Jaten, born 17 May 1990; each call makes a new NIK unless one is given. */
export function registration(over: Partial<RegistrationInput> = {}): RegistrationInput {
  const gender = over.gender ?? 'M'
  const birthDate = over.birthDate ?? '1990-05-17'
  const nik = over.nik ?? makeNik({ districtCode: WONODADI, birthDate, gender, serial: serial++ })
  return {
    nik,
    fullName: 'Sutrisno Wibowo',
    birthPlace: 'Blitar',
    birthDate,
    gender,
    motherMaidenName: 'Sri Rahayu',
    phone: '081234567890',
    address: 'Jl. Raya Jaten No. 12, RT 02/RW 01',
    villageCode: JATEN,
    occupation: 'petani',
    monthlyIncome: 1_000_000,
    programs: ['JKK', 'JKM'],
    ecosystem: 'desa',
    channel: 'branch',
    ...over,
  }
}
