/** Internal injection tokens; not exported from the package. */
export const RESOLVED_OPTIONS = 'FAULTLINE:RESOLVED_OPTIONS';

/**
 * The user of log lines, alerts and Sentry events, `(req) => id`: `logging.userId` when it is
 * set, else the `user` option (audit has `audit.actor` over the same fallback).
 */
export const USER = 'FAULTLINE:USER';

/** The {@link Clock} every time-based part reads (the `clock` option, else the system clock). */
export const CLOCK = 'FAULTLINE:CLOCK';

/**
 * The {@link ExtensionFaultReporter} that logs what extension points catch (mappers, failure
 * subscribers, listeners).
 */
export const EXTENSION_FAULTS = 'FAULTLINE:EXTENSION_FAULTS';
