/** Injection token of the resolved alert options (false when alerts are off). */
export const ALERTS_RUNTIME = 'FAULTLINE:ALERTS_RUNTIME';
