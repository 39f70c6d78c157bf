/** Injection token of the resolved Sentry options (false when Sentry is off). */
export const SENTRY_RUNTIME = 'FAULTLINE:SENTRY_RUNTIME';
