// Synthetic demo population: reproducible BPU registrations with their payment histories.
export {
  generatePopulation,
  registrationOf,
  DEFAULT_SEED,
  DEFAULT_UNTIL,
  type DemoParticipant,
  type DemoRegistration,
  type PopulationOptions,
} from './generator.ts'
export { paidThrough, type DemoPayment, type PaymentMethod } from './history.ts'
export { DEFAULT_PROVINCE_WEIGHTS } from './areas.ts'
