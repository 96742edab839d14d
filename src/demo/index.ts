// Synthetic demo population: reproducible BPU registrations with their payment histories.
export { seedDemo } from './seed.ts'
export { generatePopulation, registrationOf } from './generator.ts'
