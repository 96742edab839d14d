// What the registry answers, as TypeBox schemas: the routes validate, serialize and document with
// them (serialization drops any field not listed: a NIK never leaks), and participants.ts takes its
// view types from them (Static), so each shape is written once.
import { Type, type Static } from 'typebox'
import { IsoDateString, JsonObject, Rupiah, StringEnum } from '../platform/schemas.ts'

export const HeirView = Type.Object({
  id: Type.Integer(),
  fullName: Type.String(),
  relationship: Type.String(),
  birthDate: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
})
export type HeirView = Static<typeof HeirView>

export const ParticipantView = Type.Object({
  kpj: Type.String(),
  nik: Type.String({ description: 'Masked (e.g. 3505**********01) unless revealed' }),
  nikRevealed: Type.Boolean(),
  nikDistrictKnown: Type.Boolean({ description: 'False when the NIK names a district code that no longer exists (accepted, flagged)' }),
  segment: Type.String(),
  fullName: Type.String(),
  birthPlace: Type.String(),
  birthDate: IsoDateString,
  gender: StringEnum(['M', 'F']),
  phone: Type.String(),
  address: Type.String(),
  villageCode: Type.String(),
  branchCode: Type.String(),
  place: Type.Union([
    Type.Object({ village: Type.String(), district: Type.String(), regency: Type.String(), province: Type.String(), branch: Type.String() }),
    Type.Null(),
  ]),
  occupation: Type.String(),
  monthlyIncome: Rupiah,
  programs: Type.Array(Type.String()),
  ecosystem: Type.String(),
  channel: Type.String(),
  funding: Type.String(),
  registeredAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
  heirs: Type.Array(HeirView),
})
export type ParticipantView = Static<typeof ParticipantView>

export const SearchItem = Type.Object({
  kpj: Type.String(),
  nik: Type.String(),
  fullName: Type.String(),
  birthDate: IsoDateString,
  gender: StringEnum(['M', 'F']),
  villageCode: Type.String(),
  branchCode: Type.String(),
  occupation: Type.String(),
  ecosystem: Type.String(),
  channel: Type.String(),
  registeredAt: Type.String(),
})
export type SearchItem = Static<typeof SearchItem>

export const Change = Type.Object({
  at: Type.String(),
  by: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.String(),
  before: Type.Union([JsonObject(), Type.Null()]),
  after: JsonObject(),
})
export type ChangeView = Static<typeof Change>

/** A coded list entry (occupation, ecosystem, channel) with its names in both languages. */
const CodeName = Type.Object({ code: Type.String(), nameId: Type.String(), nameEn: Type.String() })

export const RegistrationCodes = Type.Object({
  occupations: Type.Array(
    Type.Object({
      ...CodeName.properties,
      group: Type.String({ description: "Discount group of contribution_rate conditions: 'general' or 'transport' (PP 50/2025)" }),
    }),
  ),
  ecosystems: Type.Array(CodeName),
  channels: Type.Array(CodeName),
})
export type RegistrationCodes = Static<typeof RegistrationCodes>
