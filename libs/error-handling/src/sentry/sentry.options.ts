/**
 * Sentry reporting. On when a DSN is given (here or to the `nestjs-faultline/instrument` entry);
 * without one, nothing of Sentry is loaded.
 *
 * @example
 * sentry: { dsn: process.env.SENTRY_DSN, release: process.env.GIT_SHA }
 */
export interface SentryOptions {
  /**
   * The project's DSN. When `initSentry()` (or `nestjs-faultline/instrument`) ran first, its
   * client is used and this can be left out.
   * @default undefined (off unless Sentry was initialised by the instrument entry)
   */
  dsn?: string;
  /** @default process.env.NODE_ENV */
  environment?: string;
  /** @default undefined */
  release?: string;
  /**
   * Tracing, as a sample rate between 0 and 1. Off by default: Sentry's OpenTelemetry request
   * wrapping costs most of a NestJS app's throughput (see docs/sentry.md). Needs the
   * `nestjs-faultline/instrument` entry imported before anything else.
   * @default undefined (errors only)
   */
  tracesSampleRate?: number;
  /**
   * Fraction of error events sent, drawn before an event is built: a failure left out is logged
   * with `sentry: 'sampled-out'`.
   * @default 1
   */
  sampleRate?: number;
  /**
   * Sampling per failure fingerprint (the fingerprint alerts use: method, route and error class
   * for a request): the first `perFingerprint` events of a fingerprint in a window are sent, the
   * rest are counted, and one summary event per fingerprint says how many were left out when the
   * window ends. `false` sends every event.
   * @default { perFingerprint: 10, windowSeconds: 60, maxFingerprints: 1000 }
   * @example
   * sample: { perFingerprint: 5, windowSeconds: 300 }
   */
  sample?: SentrySampleOptions | false;
  /** Sentry's own debug logging. @default false */
  debug?: boolean;
}

/**
 * `sentry.sample`: how many events of one failure fingerprint are sent in a window.
 *
 * @example
 * sentry: { dsn: process.env.SENTRY_DSN, sample: { perFingerprint: 5, windowSeconds: 300, maxFingerprints: 500 } }
 */
export interface SentrySampleOptions {
  /** Events of one fingerprint sent in a window; the rest are counted for the summary. @default 10 */
  perFingerprint?: number;
  /** The window's length, in seconds; it starts with the first failure after a quiet one. @default 60 */
  windowSeconds?: number;
  /**
   * Fingerprints tracked in a window. Past this many, every new fingerprint of the window shares
   * one allowance of `perFingerprint` events, summarised as "other fingerprints".
   * @default 1000
   */
  maxFingerprints?: number;
}
