import { loadPeer } from '../kernel/peer-require';
// A static import: the redaction code loads only Node built-ins, so the instrument entry, which
// must run before the application's modules, still loads nothing those modules would need
// loaded after Sentry (no framework, no HTTP).
import { Redactor } from '../redaction/redactor';
import type { SentryOptions } from './sentry.options';
import { SENTRY_DEFAULTS } from './resolve-sentry-options';
import { eventFates, observeDrops, watchSentEvents } from './event-fates';

/** The part of `@sentry/nestjs` Faultline uses; declared here so its types never import Sentry. */
export interface SentrySdk {
  init(options: Record<string, unknown>): unknown;
  getClient(): unknown;
  captureException(exception: unknown, hint?: Record<string, unknown>): string;
  captureMessage(message: string, captureContext?: Record<string, unknown>): string;
  flush(timeoutMs?: number): Promise<boolean>;
  [integration: string]: unknown;
}

type IntegrationFactory = () => unknown;

/** Integrations of the errors-only mode: none of them wraps requests. */
const ERRORS_ONLY_INTEGRATIONS = [
  'eventFiltersIntegration',
  'functionToStringIntegration',
  'linkedErrorsIntegration',
  'dedupeIntegration',
  'nodeContextIntegration',
  'onUncaughtExceptionIntegration',
  'onUnhandledRejectionIntegration',
];

let sdk: SentrySdk | undefined;
let redactor: Pick<Redactor, 'redact'> | undefined;
/** `sampleRate` of the events Faultline did not capture itself (it draws its own before capture). */
let otherEventsRate = 1;

/** Loads `@sentry/nestjs` (an optional peer dependency), once. */
export function loadSentry(): SentrySdk {
  sdk ??= loadPeer<SentrySdk>('@sentry/nestjs', 'sentry.dsn', 'leave sentry.dsn (SENTRY_DSN) unset');
  return sdk;
}

/** The SDK when Sentry was initialised (by {@link initSentry}), without loading it otherwise. */
export function initialisedSentry(): SentrySdk | undefined {
  return sdk && sdk.getClient() !== undefined ? sdk : undefined;
}

/** Events and breadcrumbs pass this redactor (the module's, once it starts). */
export function useSentryRedactor(r: Pick<Redactor, 'redact'>): void {
  redactor = r;
}

function redact<T>(value: T): T {
  if (!redactor) {
    // Before the module starts (an error at boot): the default redactor.
    redactor = new Redactor();
  }
  return redactor.redact(value);
}

/**
 * Tags Faultline sets itself and keeps as they are, like the log line does: a request id is of
 * a checked shape, and a UUID can look like a card number to the value detectors.
 */
const OWN_TAGS = ['code', 'requestId'] as const;

function redactEvent(event: unknown): unknown {
  // Faultline's own captures were sampled before they were built; the SDK's (an uncaught
  // exception) are here, as Sentry's sampleRate would.
  const id = (event as { event_id?: unknown } | null)?.event_id;
  if (otherEventsRate < 1 && !eventFates.has(id) && Math.random() >= otherEventsRate) return null;
  const clean = redact(event);
  const tags = (event as { tags?: Record<string, unknown> } | null)?.tags;
  const cleanTags = (clean as { tags?: Record<string, unknown> } | null)?.tags;
  if (tags && cleanTags) {
    for (const tag of OWN_TAGS) if (typeof tags[tag] === 'string') cleanTags[tag] = tags[tag];
  }
  return clean;
}

/**
 * Initialises Sentry when `options.dsn` is set; returns whether Sentry is on. Call it before
 * anything else is imported (the `nestjs-faultline/instrument` entry does, from `SENTRY_DSN`).
 *
 * Errors only by default: no OpenTelemetry setup, no default integrations (so no request
 * wrapping), and a few cheap ones. With `tracesSampleRate`, Sentry's own setup runs in full.
 * Without a DSN, `@sentry/nestjs` is not even loaded.
 *
 * @example
 * // instrument.ts, imported first by main.ts
 * import { initSentry } from 'nestjs-faultline';
 * initSentry({ dsn: process.env.SENTRY_DSN, release: process.env.GIT_SHA });
 */
export function initSentry(options: SentryOptions = {}): boolean {
  if (initialisedSentry()) return true;
  if (!options.dsn) return false;
  const Sentry = loadSentry();
  otherEventsRate = options.sampleRate ?? SENTRY_DEFAULTS.sampleRate;
  const common = {
    dsn: options.dsn,
    environment: options.environment ?? process.env.NODE_ENV,
    release: options.release,
    // No sampleRate: Sentry would draw it after building the event, and drop it while the log
    // line already had its id. Faultline draws it before capture (and in beforeSend for the rest).
    debug: options.debug ?? SENTRY_DEFAULTS.debug,
    sendDefaultPii: false,
    beforeSend: (event: unknown) => redactEvent(event),
    beforeBreadcrumb: (breadcrumb: unknown) => redact(breadcrumb),
  };
  if (options.tracesSampleRate !== undefined) {
    Sentry.init({
      ...common,
      tracesSampleRate: options.tracesSampleRate,
      // Sentry 10 sends transactions; Sentry 11 streams spans (traceLifecycle 'stream') and
      // ignores beforeSendTransaction: each span is redacted on its own too.
      beforeSendTransaction: (event: unknown) => redact(event),
      beforeSendSpan: (span: unknown) => redact(span),
      // Sentry's defaults, each event processor telling the events it drops.
      integrations: (defaults: unknown[]) => defaults.map((integration) => observeDrops(integration)),
    });
    watchSentEvents(Sentry.getClient());
    return true;
  }
  Sentry.init({
    ...common,
    skipOpenTelemetrySetup: true,
    defaultIntegrations: false,
    integrations: ERRORS_ONLY_INTEGRATIONS.map((name) => Sentry[name])
      .filter((f): f is IntegrationFactory => typeof f === 'function')
      .map((factory) => observeDrops(factory())),
  });
  watchSentEvents(Sentry.getClient());
  return true;
}
