/** Internal injection tokens; not exported from the package. */
export const RESOLVED_OPTIONS = 'FAULTLINE:RESOLVED_OPTIONS';
