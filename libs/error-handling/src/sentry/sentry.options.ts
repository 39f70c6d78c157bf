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
  /** Fraction of error events sent. @default 1 */
  sampleRate?: number;
  /** Sentry's own debug logging. @default false */
  debug?: boolean;
}
