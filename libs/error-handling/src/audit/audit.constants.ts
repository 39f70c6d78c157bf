/** Metadata key of `@Audit()`. */
export const AUDIT_METADATA = 'FAULTLINE:AUDIT';
