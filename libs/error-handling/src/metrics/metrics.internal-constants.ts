/** Injection token of the resolved metrics options (false when metrics are off). */
export const METRICS_RUNTIME = 'FAULTLINE:METRICS_RUNTIME';
