// Public surface of the participant registry. Other modules use only what is exported here.
export { RegistryErrors } from './errors.ts'
export { proveMemberIdentity, type IdentityClaim, type ProvedMember } from './identity.ts'
export { kpjFromId, idFromKpj, paymentCodeFor, parsePaymentCode, MAX_BILL_SEQ } from './kpj.ts'
export { parseNik, makeNik, checkNikAgainstDeclared, type ParsedNik } from './nik.ts'
export { NikVault, loadNikKeys } from './vault.ts'
export { checkRegistration, type RegistrationInput, type HeirInput, type CheckedRegistration, type RegistrationRefs } from './registration.ts'
export {
  createRegistryDeps,
  registerParticipant,
  getParticipant,
  searchParticipants,
  updateParticipant,
  participantHistory,
  addHeir,
  removeHeir,
  participantIdForKpj,
  occupationGroupOf,
  type RegistryDeps,
  type ParticipantView,
} from './participants.ts'
export { participantRoutes, registryDeps, registryDepsOf } from './routes.ts'
export { countParticipants, loadCodeLists, type CodeLists } from './queries.ts'
export { registerBulk, loadRegistrationRefs, type BulkResult, type BulkRejection, type BulkOptions } from './bulk.ts'
export { readNdjson } from './ndjson.ts'
export { memberForBilling, membersForBilling, memberForCard, type BillingMember, type CardMember } from './members.ts'
export { registryCommands } from './commands.ts'
export { attributesAt, membersOfBranchAt, type AttributeRow } from './queries.ts'
export { PRUNE_REGISTRATION_PROBES, pruneProbesJob, pruneRegistrationProbes } from './probes.ts'
