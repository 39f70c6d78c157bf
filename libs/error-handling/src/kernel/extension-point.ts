/**
 * The places where Faultline runs code it did not write, and catches what that code throws so
 * one broken part cannot break error handling:
 * - `mapper`: a mapper's `map()` (the `mappers` option, `ExceptionRegistry.register()`);
 * - `failure-subscriber`: a `FailureEvents.subscribe()` subscriber;
 * - `readiness-listener`: a `Readiness.onChange()` listener;
 * - `suspicious-activity-listener`: a `SecurityEvents.onSuspiciousActivity()` listener;
 * - `request-finish-listener`: a listener told when a request finishes (metrics, the shutdown
 *   drain, the error-rate alert);
 * - `endpoint-guard`: the `guard` of the probes or the metrics (a throw refuses the request).
 */
export type ExtensionPoint =
  | 'mapper'
  | 'failure-subscriber'
  | 'readiness-listener'
  | 'suspicious-activity-listener'
  | 'request-finish-listener'
  | 'endpoint-guard';

/** One throw caught at an extension point. */
export interface ExtensionFault {
  point: ExtensionPoint;
  /** What was thrown. */
  error: unknown;
  /** The request being handled when it was thrown, if any. */
  requestId?: string;
  /**
   * Which one failed: the class a mapper is for, or the listener function's name when it has
   * one. Failures are counted per point and name.
   */
  name?: string;
}

/** Where extension points report what they caught; reporting never throws. */
export interface ExtensionFaultReporter {
  report(fault: ExtensionFault): void;
}

/** A reporter that drops everything: the default where none is given. */
export const IGNORE_EXTENSION_FAULTS: ExtensionFaultReporter = Object.freeze({
  report: () => undefined,
});

/** A function's own name, when it has a useful one (not an arrow's empty name). */
export function listenerName(fn: unknown): string | undefined {
  try {
    const name = (fn as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name !== '' ? name.replace(/^bound /, '') : undefined;
  } catch {
    return undefined;
  }
}
