import type { AuditRequestContext } from './audit.guard';

/**
 * The audit context of each audited request, noted by the audit guard. A WeakMap, not a
 * property: adding properties to Node's large request objects is slow, and nothing leaks.
 */
export const auditContexts = new WeakMap<object, AuditRequestContext>();

/** Requests for which a security event was recorded. */
export const securityRecorded = new WeakSet<object>();

/** Injection token of the resolved audit options (null when audit is off). */
export const AUDIT_RUNTIME = 'FAULTLINE:AUDIT_RUNTIME';
