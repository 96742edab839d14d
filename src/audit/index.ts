// The audit trail's public surface. Every module records its changes with recordAudit() inside
// the transaction that makes them; the chain builder links them afterwards (a job in the server).
export { recordAudit, type AuditInput } from './trail.ts'
export { AuditEvent, type AuditEventView } from './views.ts'
export { verifyAuditChain, formatVerdict, type ChainVerdict, type BrokenEvent } from './verify.ts'
export { buildAuditChain, auditChainJob, BUILD_AUDIT_CHAIN, type BuildResult, type BuildOptions } from './builder.ts'
export { loadAuditKey } from './key.ts'
export { auditHash, canonicalJson, diffChanges, auditValue, GENESIS_HASH, type AuditChanges } from './chain.ts'
export { auditRoutes } from './routes.ts'
export { AuditErrors } from './errors.ts'
export { auditCommands } from './commands.ts'
