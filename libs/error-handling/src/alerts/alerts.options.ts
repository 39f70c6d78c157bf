import type { AlertChannel } from './alert-channel.interface';
import type { EmailChannelOptions } from './email.channel';
import type { RedisEvalClient } from './redis-throttle.store';
import type { SlackChannelOptions } from './slack.channel';
import type { ThrottleStore } from './throttle-store.interface';
import type { WebhookChannelOptions } from './webhook.channel';

/** The error-rate alert. */
export interface ErrorRateOptions {
  /**
   * Alert when more than this fraction of requests fail with a server error (5xx).
   * @default 0.01 (1 %)
   */
  threshold?: number;
  /** @default 300 (5 minutes) */
  windowSeconds?: number;
  /**
   * No alert while the window holds fewer requests: one error in three requests pages no one.
   * @default 100
   */
  minRequests?: number;
}

/** The failure rate of each job (`Jobs.run`) that raises an alert. */
export interface JobFailureRateOptions {
  /**
   * Alert when more than this fraction of a job's runs fail with a server error (5xx).
   * @default 0.05 (5 %)
   */
  threshold?: number;
  /** @default 3600 (an hour) */
  windowSeconds?: number;
  /** No alert while the window holds fewer runs of the job. @default 20 */
  minRuns?: number;
}

/** The failure rate of each SSE route's streams that raises an alert. */
export interface SseErrorRateOptions {
  /**
   * Alert when more than this fraction of a route's streams that ended in the window ended with
   * an `error` event.
   * @default 0.1 (10 %)
   */
  threshold?: number;
  /** @default 300 (5 minutes) */
  windowSeconds?: number;
  /** No alert while fewer of the route's streams ended in the window. @default 20 */
  minStreams?: number;
}

/**
 * One channel's alert budget, where it differs from `alerts.budget`.
 *
 * @example
 * budget: { channels: { email: { max: 5, windowSeconds: 3600 } } }
 */
export interface AlertChannelBudgetOptions {
  /** Alerts per window on this channel. @default alerts.budget.max */
  max?: number;
  /** @default alerts.budget.windowSeconds */
  windowSeconds?: number;
  /** @default alerts.budget.urgentReserve */
  urgentReserve?: number;
}

/**
 * A budget per channel across fingerprints: at most `max` alerts a window on each channel, then
 * one summary of what was held back when the window ends. Applied after the per-fingerprint
 * throttle; shared through Redis like it (the top-level `redis`, or `alerts.redis`).
 *
 * @example
 * budget: { max: 20, windowSeconds: 600, channels: { email: { max: 5 }, webhook: false } }
 */
export interface AlertBudgetOptions {
  /** Alerts a channel receives per window (summaries of the throttle included). @default 20 */
  max?: number;
  /** The window, in seconds; it opens with a channel's first alert. @default 600 */
  windowSeconds?: number;
  /**
   * Alerts past `max` kept for urgent ones (severity `critical`, such as `fatal` lines and
   * readiness, and the rate alerts): a storm of 5xx cannot starve them. @default 5
   */
  urgentReserve?: number;
  /**
   * Per channel name: a budget of its own (unset members come from here), or `false` for none.
   * @default {}
   * @example { email: { max: 5 }, webhook: false }
   */
  channels?: Record<string, AlertChannelBudgetOptions | false>;
}

/**
 * Redis for the alert throttle and budget alone, overriding the top-level `redis` option for
 * them: one budget per fingerprint and one per channel, shared by every instance.
 */
export interface AlertRedisOptions {
  /** A `redis://` URL; Faultline opens (and closes) an ioredis client. */
  url?: string;
  /** Or an ioredis client of your own (not closed by Faultline). */
  client?: RedisEvalClient;
  /**
   * In front of the throttle's and the budget's keys (`<keyPrefix><fingerprint>`,
   * `<keyPrefix>{budget:<channel>}`).
   * @default 'faultline:alerts:'
   */
  keyPrefix?: string;
}

/**
 * Alerts: unexpected 5xx, `fatal` log lines, suspicious activity, a high error rate, and
 * whatever is passed to `AlertService.raise()`, sent to every configured channel and throttled
 * by fingerprint. With no channel configured nothing is watched or sent.
 *
 * @example
 * alerts: {
 *   slack: { webhookUrl: process.env.SLACK_WEBHOOK_URL },
 *   redis: { url: process.env.REDIS_URL },
 *   excludeRoutes: ['/demo/*'],
 * }
 */
export interface AlertsOptions {
  /** Slack incoming webhook. */
  slack?: SlackChannelOptions;
  /** E-mail over SMTP (nodemailer). */
  email?: EmailChannelOptions;
  /** A generic JSON webhook, optionally signed (HMAC-SHA256). */
  webhook?: WebhookChannelOptions;
  /** Channels of your own, beside the built-in ones. @default [] */
  channels?: AlertChannel[];
  /** At most this many alerts per fingerprint per window. @default 3 */
  repeatLimit?: number;
  /** The throttling window, in seconds; a summary of what was held back follows it. @default 600 */
  snoozeSeconds?: number;
  /**
   * At most `max` alerts per channel per window across fingerprints, then one summary; or `false`.
   * @default { max: 20, windowSeconds: 600, urgentReserve: 5 }
   * @example { max: 20, windowSeconds: 600, channels: { email: { max: 5 }, webhook: false } }
   */
  budget?: false | AlertBudgetOptions;
  /**
   * Shares the throttle and the budget between instances through a Redis connection of their
   * own; overrides the top-level `redis` option (whose client they share otherwise).
   */
  redis?: AlertRedisOptions;
  /** A throttle store of your own (instead of `redis`). @default in-process */
  throttleStore?: ThrottleStore;
  /**
   * Routes that never alert: route templates or paths, `*` as a wildcard, or RegExps.
   * @default []
   * @example ['/demo/*', /^\/internal\//]
   */
  excludeRoutes?: (string | RegExp)[];
  /** `NODE_ENV` values under which no alert is sent. @default ['test'] */
  excludeEnvironments?: string[];
  /** Alert on unexpected server errors (5xx). @default true */
  serverErrors?: boolean;
  /** Alert on `fatal` log lines (Faultline's logging). @default true */
  fatalLogs?: boolean;
  /** Alert on suspicious activity from the security events. @default true */
  suspiciousActivity?: boolean;
  /**
   * Alert when readiness turns false because a check fails (`/ready`), not when it does so for
   * start-up or shutdown. @default true
   */
  readiness?: boolean;
  /** The error-rate alert, or `false`. @default { threshold: 0.01, windowSeconds: 300, minRequests: 100 } (1 % over 5 minutes, at least 100 requests) */
  errorRate?: false | ErrorRateOptions;
  /** The failure-rate alert of each job, or `false`. @default { threshold: 0.05, windowSeconds: 3600, minRuns: 20 } (5 % over an hour, at least 20 runs) */
  jobFailureRate?: false | JobFailureRateOptions;
  /** The failure-rate alert of each SSE route's streams, or `false`. @default { threshold: 0.1, windowSeconds: 300, minStreams: 20 } (10 % over 5 minutes, at least 20 streams) */
  sseErrorRate?: false | SseErrorRateOptions;
  /** Stacks are cut to this many characters, keeping their end. @default 4000 */
  stackLimit?: number;
  /** Messages and request data are cut to this many characters. @default 2000 */
  textLimit?: number;
  /** Alerts waiting per channel; more are dropped and counted. @default 100 */
  maxQueue?: number;
  /** Time allowed for one delivery attempt, in ms. @default 5000 */
  timeoutMs?: number;
  /** Attempts after the first. @default 2 */
  retries?: number;
  /** Backoff before the first retry, doubled each time, in ms. @default 1000 */
  retryBaseMs?: number;
  /** How long shutdown waits for pending alerts, in ms. @default 5000 */
  shutdownTimeoutMs?: number;
  /** The service's name in messages. @default process.env.npm_package_name, else 'app' */
  service?: string;
  /** The environment in messages. @default process.env.NODE_ENV, else 'development' */
  environment?: string;
}
