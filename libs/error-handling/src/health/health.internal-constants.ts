/** Injection token of the resolved health options (false when the probes are off). */
export const HEALTH_RUNTIME = 'FAULTLINE:HEALTH_RUNTIME';
