/** Injection token of the {@link LoggingRuntime} (null when logging is off). */
export const LOGGING_RUNTIME = 'FAULTLINE:LOGGING_RUNTIME';
/** Injection token of the {@link RequestTap} (always present). */
export const REQUEST_TAP = 'FAULTLINE:REQUEST_TAP';
