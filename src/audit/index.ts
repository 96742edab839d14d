// The audit trail's public surface. Every module records its changes with recordAudit() inside
// the transaction that makes them.
export { recordAudit, verifyAuditChain, type AuditInput, type ChainVerdict, type AuditEventView } from './trail.ts'
export { auditHash, canonicalJson, diffChanges, auditValue, GENESIS_HASH, type AuditChanges } from './chain.ts'
export { auditRoutes } from './routes.ts'
export { AuditErrors } from './errors.ts'
export { auditCommands } from './commands.ts'
