/** The resolved `processErrors` option. */
export const PROCESS_ERRORS_RUNTIME = 'FAULTLINE:PROCESS_ERRORS_RUNTIME';
