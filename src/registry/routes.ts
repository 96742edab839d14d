// Participant routes. Each validates, calls one function of participants.ts and answers; row scope
// is enforced by the queries (withActor + row-level security), not here.
import { Type } from 'typebox'
import type { App, AppContext } from '../platform/http.ts'
import { IsoDateString, PageOf, PageQuery, StringEnum } from '../platform/schemas.ts'
import type { RegistryDeps } from './participants.ts'
import * as participants from './participants.ts'
import { Change, HeirView, ParticipantView, RegistrationCodes, SearchItem } from './views.ts'
import { withActor } from '../platform/actor.ts'
import { listRegistrationCodes } from './queries.ts'
import { HEIR_RELATIONSHIPS, HEIR_TEXT_LIMITS, TEXT_LIMITS as MAX } from './registration.ts'

const Kpj = Type.String({ pattern: '^[0-9]{11}$', description: 'Membership number (KPJ): 11 digits, the last a check digit' })
const KpjParams = Type.Object({ kpj: Kpj })

const Heir = Type.Object({
  fullName: Type.String({ minLength: 1, maxLength: HEIR_TEXT_LIMITS.fullName }),
  relationship: StringEnum([...HEIR_RELATIONSHIPS]),
  birthDate: Type.Optional(Type.Union([IsoDateString, Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: HEIR_TEXT_LIMITS.phone }), Type.Null()])),
}, { additionalProperties: false })

export const NewParticipant = Type.Object(
  {
    nik: Type.String({ maxLength: MAX.nik, description: 'NIK, 16 digits (stored encrypted; shown masked)' }),
    fullName: Type.String({ minLength: 1, maxLength: MAX.fullName }),
    birthPlace: Type.String({ minLength: 1, maxLength: MAX.birthPlace }),
    birthDate: IsoDateString,
    gender: StringEnum(['M', 'F']),
    motherMaidenName: Type.String({ minLength: 1, maxLength: MAX.motherMaidenName }),
    phone: Type.String({ minLength: 8, maxLength: MAX.phone }),
    address: Type.String({ minLength: 1, maxLength: MAX.address }),
    villageCode: Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$', description: 'Official village (desa/kelurahan) code, e.g. 35.05.01.2001' }),
    occupation: Type.String({ minLength: 1, maxLength: MAX.occupation, description: 'Occupation code (see the occupation list)' }),
    monthlyIncome: Type.Integer({ minimum: 1, description: 'Declared monthly income, integer Rupiah' }),
    programs: Type.Array(Type.String({ maxLength: 8 }), { minItems: 1, maxItems: 5, description: 'JKK and JKM required; JHT optional' }),
    ecosystem: Type.String({ minLength: 1, maxLength: MAX.ecosystem, description: 'desa, pasar, e-commerce, ukm or pekerja_rentan' }),
    channel: Type.String({ minLength: 1, maxLength: MAX.channel, description: 'Registration channel, e.g. branch, perisai, partner' }),
    funding: Type.Optional(StringEnum(['self', 'sponsor', 'apbn', 'apbd'])),
    heirs: Type.Optional(Type.Array(Heir, { maxItems: 10 })),
  },
  { additionalProperties: false },
)

const SearchQuery = PageQuery({
  query: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'KPJ (11 digits), NIK (16 digits) or a name prefix' })),
  kpj: Type.Optional(Kpj),
  nik: Type.Optional(Type.String({ pattern: '^[0-9]{16}$' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name prefix, case- and accent-insensitive' })),
  village: Type.Optional(Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$' })),
  branch: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
})

const Update = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read; refused with VERSION_CONFLICT if the record changed since' })),
    phone: Type.Optional(Type.String({ minLength: 8, maxLength: MAX.phone })),
    address: Type.Optional(Type.String({ minLength: 1, maxLength: MAX.address })),
    villageCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$' })),
    occupation: Type.Optional(Type.String({ minLength: 1, maxLength: MAX.occupation })),
    monthlyIncome: Type.Optional(Type.Integer({ minimum: 1 })),
    programs: Type.Optional(Type.Array(Type.String({ maxLength: 8 }), { minItems: 1, maxItems: 5 })),
  },
  { additionalProperties: false, minProperties: 1 },
)

const STAFF_WRITE = ['admin', 'branch_officer', 'agent', 'partner'] as const

declare module '../platform/http.ts' {
  interface AppServices {
    /** The registry's NIK vault, region codes and code lists (createRegistryDeps). */
    registry?: RegistryDeps
  }
}

/** The registry's run-time services, put into ctx.services by startServices. */
export function registryDepsOf(ctx: AppContext): RegistryDeps {
  const deps = ctx.services.registry
  if (!deps) throw new Error('registry services not started (startServices)')
  return deps
}

export const registryDeps = (app: App): RegistryDeps => registryDepsOf(app.ctx)

export async function participantRoutes(app: App): Promise<void> {
  const tags = ['participants']
  const write = (req: { actor: import('../platform/actor.ts').Actor }) => ({ db: app.ctx.db, deps: registryDeps(app), actor: req.actor, now: app.ctx.now() })

  app.post('/participants', {
    schema: { tags, operationId: 'registerParticipant', summary: 'Register an informal worker (BPU) and issue a KPJ', body: NewParticipant, response: { 201: ParticipantView } },
    config: { access: { roles: [...STAFF_WRITE], write: true } },
  }, async (req, reply) => reply.code(201).send(await participants.registerParticipant(write(req), req.body)))

  // The coded lists the registration form offers (occupation with its PP 50/2025 discount group,
  // ecosystem, channel): reference data, the same rows checkRegistration accepts.
  app.get('/registration-codes', {
    schema: { tags, operationId: 'listRegistrationCodes', summary: 'Occupations (with discount group), ecosystems and channels a registration may name', response: { 200: RegistrationCodes } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => withActor(app.ctx.db, req.actor, (tx) => listRegistrationCodes(tx)))

  app.get('/participants', {
    schema: {
      tags,
      operationId: 'searchParticipants',
      summary: 'Search participants by KPJ, NIK, name prefix, village or branch (paginated)',
      querystring: SearchQuery,
      response: { 200: PageOf(SearchItem) },
    },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => {
    const qs = req.query
    return participants.searchParticipants({ db: app.ctx.db, deps: registryDeps(app), actor: req.actor }, {
      ...(qs.query ? { query: qs.query } : {}),
      ...(qs.kpj ? { kpj: qs.kpj } : {}),
      ...(qs.nik ? { nik: qs.nik } : {}),
      ...(qs.name ? { name: qs.name } : {}),
      ...(qs.village ? { villageCode: qs.village } : {}),
      ...(qs.branch ? { branchCode: qs.branch } : {}),
      ...(qs.limit ? { limit: qs.limit } : {}),
      ...(qs.cursor ? { cursor: qs.cursor } : {}),
    })
  })

  app.get('/participants/:kpj', {
    schema: {
      tags,
      operationId: 'getParticipant',
      summary: "A participant's card, the NIK masked (POST …/reveal-nik shows it in full)",
      params: KpjParams,
      // No query: ?reveal=nik (a GET that revealed) is a 400 naming the field, never a reveal.
      querystring: Type.Object({}, { additionalProperties: false }),
      response: { 200: ParticipantView },
    },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => {
    const { kpj } = req.params
    return participants.getParticipant({ db: app.ctx.db, deps: registryDeps(app), actor: req.actor }, kpj)
  })

  // A reveal is a POST, never a GET (issue 12 §7): it leaves an audit event, and a GET is what a
  // link or an image on another site makes a signed-in browser send. As a POST it needs the
  // session's CSRF token (src/auth/plugin.ts); bearer tokens and partner signatures are never sent
  // by a browser on its own. The answer holds the NIK in clear, so an Idempotency-Key never keeps
  // it (storeResponse: false).
  app.post('/participants/:kpj/reveal-nik', {
    schema: {
      tags,
      operationId: 'revealParticipantNik',
      summary: "A participant's card with the full NIK (needs nik:reveal; every reveal is audited)",
      params: KpjParams,
      response: { 200: ParticipantView },
    },
    config: { access: { roles: 'any-authenticated', write: false, permission: 'nik:reveal' }, storeResponse: false },
  }, async (req) => {
    const { kpj } = req.params
    return participants.getParticipant({ db: app.ctx.db, deps: registryDeps(app), actor: req.actor }, kpj, { revealNik: true })
  })

  app.patch('/participants/:kpj', {
    schema: { tags, operationId: 'updateParticipant', summary: 'Change contact, address, occupation, declared income or programs (history kept)', params: KpjParams, body: Update, response: { 200: ParticipantView } },
    config: { access: { roles: ['admin', 'branch_officer', 'agent', 'partner', 'participant'], write: true } },
  }, async (req) => participants.updateParticipant(write(req), req.params.kpj, req.body))

  app.get('/participants/:kpj/history', {
    schema: { tags, operationId: 'getParticipantHistory', summary: 'Every change to the participant: who, when, before, after', params: KpjParams, response: { 200: Type.Array(Change) } },
    config: { access: { roles: 'any-authenticated' } },
  }, async (req) => participants.participantHistory({ db: app.ctx.db, deps: registryDeps(app), actor: req.actor }, req.params.kpj))

  app.post('/participants/:kpj/heirs', {
    schema: { tags, operationId: 'addHeir', summary: 'Add an heir (ahli waris)', params: KpjParams, body: Heir, response: { 201: HeirView } },
    config: { access: { roles: ['admin', 'branch_officer', 'agent', 'participant'], write: true } },
  }, async (req, reply) => reply.code(201).send(await participants.addHeir(write(req), req.params.kpj, req.body)))

  const HeirParams = Type.Object({ kpj: Kpj, heirId: Type.Integer({ minimum: 1 }) })
  app.delete('/participants/:kpj/heirs/:heirId', {
    schema: { tags, operationId: 'removeHeir', summary: 'Remove an heir (kept in history)', params: HeirParams, response: { 204: Type.Null() } },
    config: { access: { roles: ['admin', 'branch_officer', 'agent', 'participant'], write: true } },
  }, async (req, reply) => {
    const { kpj, heirId } = req.params
    await participants.removeHeir(write(req), kpj, heirId)
    return reply.code(204).send(null)
  })
}
