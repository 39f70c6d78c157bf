import type { HeldBackCount } from './budget-store.interface';

/** Why an alert was raised. */
export type AlertKind =
  | 'server-error'
  | 'fatal-log'
  | 'suspicious-activity'
  | 'error-rate'
  | 'job-failure-rate'
  | 'sse-error-rate'
  | 'readiness'
  | 'summary'
  | 'custom';

/** How urgent an alert is; channels show it. */
export type AlertSeverity = 'critical' | 'error' | 'warning';

/** What an alert says about a failure and its request; all optional. */
export interface AlertContext {
  /** The error code (`INTERNAL_ERROR`). */
  code?: string;
  /** The error class (`TypeError`). */
  errorClass?: string;
  message?: string;
  method?: string;
  /** The request path (query strings are redacted). */
  path?: string;
  /** The route template (`/notifications/:id/read`). */
  route?: string;
  status?: number;
  ip?: string;
  requestId?: string;
  /** The id of the Sentry event recorded for the same failure. */
  sentryEventId?: string;
  /** Anything else worth showing; redacted. */
  details?: Record<string, unknown>;
}

/**
 * An alert to raise with {@link AlertService.raise}. Only `title` is required; every text is
 * redacted before it leaves the process.
 *
 * @example
 * alerts.raise({ kind: 'readiness', title: 'Readiness turned false', message: 'database: down' });
 */
export interface Alert extends AlertContext {
  /** @default 'custom' */
  kind?: AlertKind;
  /** One line saying what happened. */
  title: string;
  /**
   * Alerts with the same fingerprint share one throttling budget.
   * @default `${kind} ${title}`
   */
  fingerprint?: string;
  /** @default 'error' */
  severity?: AlertSeverity;
  userId?: string | number;
  /** Request data (headers, query, body); redacted before it is sent. */
  request?: unknown;
  /** A stack trace; cut to `alerts.stackLimit` characters, keeping its end. */
  stack?: string;
}

/** An alert as the channels receive it: redacted, cut to size, with its context. */
export interface AlertMessage extends AlertContext {
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  fingerprint: string;
  /** ISO 8601. */
  timestamp: string;
  service: string;
  environment: string;
  userId?: string;
  /** Redacted request data as indented JSON, cut to a limit. */
  request?: string;
  stack?: string;
  /**
   * On a summary: how many alerts with `fingerprint` were held back in the window; on a budget's
   * summary, how many alerts of any fingerprint the channel's budget held back.
   */
  heldBack?: number;
  /** On a budget's summary: the fingerprints held back most, most first (at most 5). */
  heldBackTop?: HeldBackCount[];
}
