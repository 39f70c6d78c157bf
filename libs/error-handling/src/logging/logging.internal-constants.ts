/** Injection token of the {@link LoggingRuntime} (null when logging is off). */
export const LOGGING_RUNTIME = 'FAULTLINE:LOGGING_RUNTIME';
