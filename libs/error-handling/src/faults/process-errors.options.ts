/**
 * Options of Faultline's `uncaughtException` / `unhandledRejection` listeners: each such error
 * is logged once (a `fatal` line when it ends the process), alerted through the `fatal`-line
 * alert, and then the process does what Node would have done.
 *
 * @example
 * processErrors: { flushTimeoutMs: 3000 }
 */
export interface ProcessErrorsOptions {
  /**
   * How long, after an error that ends the process, Faultline waits for the alert, the Sentry
   * event, the audit queue and the log to go out before it exits with code 1. Measured on the
   * real clock (not the `clock` option): the process must end even under a test clock.
   * @default 5000
   */
  flushTimeoutMs?: number;
}
