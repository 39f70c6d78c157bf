import type { Clock } from './kernel/clock';
import type { ExceptionMapper, ExceptionType } from './errors/exception-mapper.interface';
import type { MessageCatalogInput } from './filter/message-catalog.interface';
import type { CompatMode, HtmlRenderer, ResponseFormatter } from './filter/problem-details.interface';
import type { ProblemFormat } from './filter/content-negotiation';
import type { RedactionOptions } from './redaction/redaction.options';
import type { LoggingOptions } from './logging/logging.options';
import type { AuditOptions } from './audit/audit.options';
import type { HealthOptions } from './health/health.options';
import type { MetricsOptions } from './metrics/metrics.options';
import type { ManagementOptions } from './kernel/management.options';
import type { RedisOptions } from './kernel/redis.options';
import type { AlertsOptions } from './alerts/alerts.options';
import type { SentryOptions } from './sentry/sentry.options';
import type { ProcessErrorsOptions } from './faults/process-errors.options';
import type { ValidationOptions } from './validation/validation.options';

export type { ValidationOptions } from './validation/validation.options';

/**
 * Options of `ErrorHandlingModule.forRoot()`. Every feature is on with safe defaults; each
 * option is validated at start-up and a wrong one stops the app with a message naming it.
 * See docs/options.md for every option with an example.
 */
export interface ErrorHandlingModuleOptions {
  /**
   * Debug mode: stack, cause chain and the redacted request in JSON bodies, a debug page for
   * browsers. On by default only when `NODE_ENV` is `development` or `test`: unset or any other
   * value means production. Turning it on anywhere else logs a warning at start-up.
   * @default ['development', 'test'].includes(process.env.NODE_ENV)
   */
  debug?: boolean;
  /**
   * Base URL for the problem `type` member: `<base>/<code in kebab-case>`.
   * @default undefined (type is `about:blank`)
   * @example 'https://errors.example.com'
   */
  problemTypeBaseUrl?: string;
  /** Replaces the JSON body shape. @default undefined (RFC 9457 problem body) */
  responseFormatter?: ResponseFormatter;
  /**
   * Keeps an existing error contract: `'nest'` answers in Nest's own shape (`statusCode`,
   * `message`, `error`; an `HttpException`'s own response body as Nest sends it), and
   * `'http-exception-body'` sends an `HttpException`'s own response body and a problem body for
   * everything else. Either way the request id header, the logging, audit, metrics and alerts
   * stay, and a server error still shows nothing of itself. Not with `responseFormatter`.
   * @default undefined (RFC 9457 problem bodies)
   * @example 'nest'
   */
  compat?: CompatMode;
  /**
   * Which answers the filter may negotiate by `Accept`: the JSON body always, an HTML page for
   * browsers, a plain-text page for text clients.
   * @default ['json', 'html', 'text'], or ['json'] with `responseFormatter` or `compat`
   * @example ['json']
   */
  formats?: ProblemFormat[];
  /**
   * Renders the HTML page instead of Faultline's (when `formats` has `html`): given the problem
   * (with its `debug` member in debug mode) and its context; returns the whole document.
   * Faultline still sets the status, the request id header and its security headers.
   * @default undefined (Faultline's page)
   */
  htmlRenderer?: HtmlRenderer;
  /**
   * The `Cache-Control` of an error answer, or `false` to leave the header as the application
   * set it (or unset).
   * @default 'no-store'
   */
  cacheControl?: string | false;
  /**
   * Message catalogs to add or override, by language tag. `en` and `ko` ship. A catalog is an
   * object (any subset: the rest comes from the shipped catalog of that language, then English)
   * or the path of a JSON file of the same shape, read once at start-up, which must have every
   * text English has (a relative path is resolved from the working directory).
   * @default none beyond the shipped `en` and `ko`
   * @example { ja: { titles: { 404: '見つかりません' } } }
   * @example { ja: join(__dirname, 'i18n', 'faultline.ja.json') }
   */
  catalogs?: Record<string, MessageCatalogInput | string>;
  /**
   * Language used when `Accept-Language` names none of the catalogs.
   * @default 'en'
   */
  defaultLanguage?: string;
  /**
   * Error classes that are expected even with a 5xx status: logged at `warn`, not `error`.
   * Statuses below 500 are always expected.
   * @default []
   */
  expectedErrors?: ExceptionType[];
  /**
   * Mappers for exception classes. They win over built-in mappers of the same class; the
   * closest class in the prototype chain wins.
   * @default []
   */
  mappers?: ExceptionMapper[];
  /**
   * Header that carries the request id in and out.
   * @default 'X-Request-Id'
   */
  requestIdHeader?: string;
  /**
   * `Retry-After` seconds for 429 and 503 answers whose error gives none.
   * @default 5
   */
  retryAfterSeconds?: number;
  /**
   * The global validation pipe (class-validator and class-transformer), or `false` to register
   * none. Left unset, the pipe is on when both packages are installed, and off with one notice
   * line at start-up when one is missing; `true` or an object asks for it, and then a missing
   * package stops start-up.
   * @default { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true }
   */
  validation?: boolean | ValidationOptions;
  /** What the redactor treats as secret. @default built-in keys and detectors */
  redaction?: RedactionOptions;
  /**
   * Structured logging through nestjs-pino: one line per request with its requestId, failures
   * on that line, redaction of every line, channels. `false` leaves logging to the application
   * (failures are then logged through Nest's Logger).
   * @default {} (on: JSON in production, pretty otherwise)
   */
  logging?: false | LoggingOptions;
  /**
   * The audit trail (`@Audit()`, `AuditService`) and security events. Events always go to the
   * `audit` / `security` log channels; with `sql` or `store` they are kept and queryable too.
   * `false` turns both off.
   * @default {} (log channels only)
   */
  audit?: false | AuditOptions;
  /**
   * The probes: `GET /health` (liveness) and `GET /ready` (readiness: the configured checks,
   * 503 before start-up has finished and from the moment shutdown begins). `false` turns the
   * probes off.
   * @default {} (on; the audit SQL store is checked when `audit.sql` is set)
   */
  health?: false | HealthOptions;
  /**
   * Prometheus metrics at `GET /metrics`: HTTP requests and durations by route template,
   * failures by code, the audit queue, readiness, fatal log lines and Node's default metrics.
   * `false` turns them off.
   * @default {} (on, in a registry of Faultline's own)
   */
  metrics?: false | MetricsOptions;
  /**
   * A separate HTTP server for the probes and the metrics (Spring Boot's
   * `management.server.port`), started when the application bootstraps and closed at shutdown
   * after the drain; what it serves is no longer served on the application's port.
   * @default none (the probes and the metrics are served on the application's port)
   * @example { port: 9090 }
   */
  management?: false | ManagementOptions;
  /**
   * Alerts to Slack, e-mail, webhooks or channels of your own, throttled by fingerprint. On
   * when a channel is configured (and NODE_ENV is not excluded); `false` turns them off.
   * @default {} (no channel: nothing is sent)
   */
  alerts?: false | AlertsOptions;
  /**
   * Redis for the counts every instance shares: the alert throttle and the suspicious-activity
   * counters. One ioredis client, opened once and closed at shutdown; while Redis cannot be
   * reached each instance counts in-process (logged once) and shares again when it is back.
   * `alerts.redis` overrides it for alerts; `alerts.throttleStore` and
   * `audit.security.counterStore` take stores of your own instead.
   * @default none (every count in-process)
   * @example { url: process.env.REDIS_URL }
   */
  redis?: RedisOptions;
  /**
   * Sentry: unexpected errors only, with the tags `code`, `requestId` and `userId`. On when a
   * DSN is set here or `nestjs-faultline/instrument` initialised Sentry; `false` turns it off.
   * @default {} (off without a DSN; nothing of Sentry is loaded)
   */
  sentry?: false | SentryOptions;
  /**
   * Faultline's `uncaughtException` and `unhandledRejection` listeners, installed when the module
   * starts and removed at shutdown: one line per error (`fatal` when it ends the process, which
   * alerts), then what Node would have done (for an uncaught exception: exit with code 1 after
   * flushing the alert, Sentry, the audit queue and the log, unless the application has a
   * listener of its own; a rejection follows `--unhandled-rejections`). `false` installs none.
   * See docs/process-errors.md.
   * @default {} (on, flushing for at most 5000 ms)
   */
  processErrors?: false | ProcessErrorsOptions;
  /**
   * The user a request acts for, read from the request: one setting for the `userId` of log
   * lines, the `actorId` of audit and security events, and the user of alerts and Sentry events.
   * Return `undefined` for an anonymous request; a throw counts as `undefined`.
   * @default req.user.id, else req.user.sub
   */
  user?: (req: unknown) => string | number | undefined;
  /**
   * The clock Faultline's time-based parts read: alert throttling windows and summaries, the
   * error-rate window, the suspicious-activity window, the audit writer's batching and retry
   * backoff, audit retention, the shutdown drain and delivery timeouts. Meant for tests that
   * move time on instead of waiting for it (Jest's modern fake timers drive the default too).
   * @default the system clock (`Date.now()` and the global timers)
   */
  clock?: Clock;
}
