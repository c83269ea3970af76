/** The audit log: an append-only Redis stream of who did what, scrubbed of secrets. */
export { AUDIT_ACTIONS, AuditLog, type AuditAction, type AuditEntry, type AuditLogOptions } from './audit-log.js';
export { auditSafeText } from './audit-text.js';
