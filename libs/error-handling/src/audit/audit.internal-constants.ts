/** Set on a request by the audit guard when its handler is marked with `@Audit()`. */
export const AUDIT_CONTEXT = Symbol.for('faultline.auditContext');

/** Injection token of the resolved audit options (null when audit is off). */
export const AUDIT_RUNTIME = 'FAULTLINE:AUDIT_RUNTIME';

/** Set on a request once its audit event is recorded, so it is recorded once. */
export const AUDIT_RECORDED = Symbol.for('faultline.auditRecorded');
