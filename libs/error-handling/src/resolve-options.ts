import { type Clock, isClock, systemClock } from './kernel/clock';
import { check, httpUrl, isPlainObject } from './kernel/option-checks';
import type { ErrorHandlingModuleOptions, ValidationOptions } from './error-handling.options';
import type { FilterSettings } from './filter/filter.settings';
import type { HealthProbeSettings } from './health/health-probes.service';
import type { ExceptionMapper, ExceptionType } from './errors/exception-mapper.interface';
import { FaultlineConfigError } from './kernel/faultline-config.error';
import { defaultUserId } from './kernel/request-context';
import type { MessageCatalog } from './filter/message-catalog.interface';
import { resolveCatalogs } from './filter/catalog-input';
import type { CompatMode, HtmlRenderer, ResponseFormatter } from './filter/problem-details.interface';
import type { ProblemFormat } from './filter/content-negotiation';
import type { RedactionOptions } from './redaction/redaction.options';
import { resolveLoggingDefault, type ResolvedLogging } from './logging/resolve-logging-options';
import { resolveAudit, type ResolvedAudit } from './audit/resolve-audit-options';
import { resolveHealth, type ResolvedHealth } from './health/resolve-health-options';
import { resolveMetricsDefault, type ResolvedMetrics } from './metrics/resolve-metrics-options';
import { resolveManagement, type ResolvedManagement } from './kernel/resolve-management-options';
import { resolveRedis, type ResolvedRedis } from './kernel/resolve-redis-options';
import { resolveAlerts, type ResolvedAlerts } from './alerts/resolve-alerts-options';
import { resolveSentry } from './sentry/resolve-sentry-options';
import type { SentryOptions } from './sentry/sentry.options';
import { resolveProcessErrors, type ResolvedProcessErrors } from './faults/resolve-process-errors-options';
import { resolveValidation } from './validation/validation.pipe';

/** Options after defaults and validation; what the module's providers are built from. */
export interface ResolvedOptions extends FilterSettings, HealthProbeSettings {
  debug: boolean;
  /**
   * Debug was turned on explicitly where it is off by default: `NODE_ENV` is `production`, unset
   * or anything but `development` / `test` (unknown means production).
   */
  debugInProduction: boolean;
  /** `NODE_ENV` as read at start-up, for the warning about debug mode. */
  nodeEnv: string | undefined;
  problemTypeBaseUrl: string | undefined;
  responseFormatter: ResponseFormatter | undefined;
  compat: CompatMode | undefined;
  formats: ReadonlySet<ProblemFormat>;
  htmlRenderer: HtmlRenderer | undefined;
  cacheControl: string | false;
  catalogs: Map<string, MessageCatalog>;
  defaultLanguage: string;
  expectedErrors: ExceptionType[];
  mappers: ExceptionMapper[];
  /** As given, for writing; compare lower-cased. */
  requestIdHeader: string;
  retryAfterSeconds: number;
  validation: false | ValidationOptions;
  /** True when `validation` was set (not left to its default): Faultline's pipe then never steps aside. */
  validationExplicit: boolean;
  /**
   * Features left at their default that are off because an optional package is missing (the
   * validation pipe without class-validator, metrics without prom-client): one line each at start-up.
   */
  notices: string[];
  redaction: RedactionOptions;
  /** False when `logging: false`. */
  logging: ResolvedLogging | false;
  /** False when `audit: false`. */
  audit: ResolvedAudit | false;
  /** False when `health: false`. */
  health: ResolvedHealth | false;
  /** False when `metrics: false`. */
  metrics: ResolvedMetrics | false;
  /** False without `management` (the default): no management server. */
  management: ResolvedManagement | false;
  /** False when `alerts: false`. */
  alerts: ResolvedAlerts | false;
  /** Undefined without the top-level `redis` option. */
  redis: ResolvedRedis | undefined;
  /** False when `sentry: false`. */
  sentry: SentryOptions | false;
  /** False when `processErrors: false`. */
  processErrors: ResolvedProcessErrors | false;
  clock: Clock;
  /** The `user` option, else `req.user.id` / `req.user.sub`. */
  user: (req: unknown) => string | number | undefined;
}

const KNOWN_OPTIONS: readonly (keyof ErrorHandlingModuleOptions)[] = [
  'debug',
  'problemTypeBaseUrl',
  'responseFormatter',
  'compat',
  'formats',
  'htmlRenderer',
  'cacheControl',
  'catalogs',
  'defaultLanguage',
  'expectedErrors',
  'mappers',
  'requestIdHeader',
  'retryAfterSeconds',
  'validation',
  'redaction',
  'logging',
  'audit',
  'health',
  'metrics',
  'management',
  'alerts',
  'redis',
  'sentry',
  'processErrors',
  'clock',
  'user',
];

/**
 * `NODE_ENV` values under which debug mode is on by default. Anything else, unset included,
 * counts as production (ASP.NET Core's rule): a deployment that forgets `NODE_ENV` shows no
 * stacks to clients.
 */
export const DEBUG_ENVIRONMENTS: readonly string[] = ['development', 'test'];

export { DEFAULT_VALIDATION } from './validation/validation.pipe';

/** The defaults of the module's own options, as docs/options.md's table shows them. */
export const MODULE_DEFAULTS = {
  defaultLanguage: 'en',
  expectedErrors: [] as ExceptionType[],
  mappers: [] as ExceptionMapper[],
  requestIdHeader: 'X-Request-Id',
  retryAfterSeconds: 5,
  formats: ['json', 'html', 'text'] as ProblemFormat[],
  cacheControl: 'no-store',
} as const;

/**
 * Applies defaults and validates. Throws {@link FaultlineConfigError} naming the first wrong
 * option, so the application does not start with a configuration it did not mean.
 */
export function resolveOptions(input: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const o = (input ?? {}) as ErrorHandlingModuleOptions & Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw new FaultlineConfigError(
      'options',
      'must be an object',
      'Pass ErrorHandlingModule.forRoot({ ... })',
    );
  }
  for (const key of Object.keys(o)) {
    // Nest's ConfigurableModuleBuilder passes the `isGlobal` extra through with the options.
    if (key !== 'isGlobal' && !(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      throw new FaultlineConfigError(
        key,
        'is not an option of ErrorHandlingModule',
        `Known options: ${KNOWN_OPTIONS.join(', ')}`,
      );
    }
  }
  const production = env.NODE_ENV === 'production';
  const debugByDefault = DEBUG_ENVIRONMENTS.includes(env.NODE_ENV ?? '');
  check(o.debug === undefined || typeof o.debug === 'boolean', 'debug', 'must be a boolean');
  optionalFunction(o.responseFormatter, 'responseFormatter', '(problem, context) => body');
  check(
    o.requestIdHeader === undefined ||
      (typeof o.requestIdHeader === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(o.requestIdHeader)),
    'requestIdHeader',
    'must be a header name of letters, digits and dashes',
  );
  check(
    o.retryAfterSeconds === undefined ||
      (Number.isInteger(o.retryAfterSeconds) && (o.retryAfterSeconds as number) >= 0),
    'retryAfterSeconds',
    'must be a whole number of seconds >= 0',
  );
  check(
    o.validation === undefined || typeof o.validation === 'boolean' || isPlainObject(o.validation),
    'validation',
    'must be a boolean or an object of ValidationPipe options',
  );
  const errorStatus = isPlainObject(o.validation) ? o.validation.errorStatus : undefined;
  check(
    errorStatus === undefined || errorStatus === 400 || errorStatus === 422,
    'validation.errorStatus',
    'must be 400 or 422',
  );
  check(o.redaction === undefined || isPlainObject(o.redaction), 'redaction', 'must be an object');
  check(
    o.catalogs === undefined || isPlainObject(o.catalogs),
    'catalogs',
    'must be an object of catalogs by language tag',
  );
  arrayOf(o.expectedErrors, 'expectedErrors', (v) => typeof v === 'function', 'must be an error class');
  arrayOf(
    o.mappers,
    'mappers',
    (v) => isPlainObject(v) && typeof v.type === 'function' && typeof v.map === 'function',
    'must be { type: ErrorClass, map(exception) }',
  );
  check(
    o.defaultLanguage === undefined || typeof o.defaultLanguage === 'string',
    'defaultLanguage',
    'must be a language tag string',
  );
  check(
    o.clock === undefined || isClock(o.clock),
    'clock',
    'must have now(), setTimeout(callback, ms) and clearTimeout(timer)',
  );
  optionalFunction(o.user, 'user', '(req) => id');
  check(
    o.compat === undefined || o.compat === 'nest' || o.compat === 'http-exception-body',
    'compat',
    "must be 'nest' or 'http-exception-body'",
  );
  check(
    o.compat === undefined || o.responseFormatter === undefined,
    'compat',
    'cannot be used with responseFormatter',
    'Choose one: compat keeps an existing shape, responseFormatter makes a new one',
  );
  arrayOf(
    o.formats,
    'formats',
    (v) => v === 'json' || v === 'html' || v === 'text',
    "must be 'json', 'html' or 'text'",
  );
  optionalFunction(o.htmlRenderer, 'htmlRenderer', '(problem, context) => html');
  check(
    o.cacheControl === undefined ||
      o.cacheControl === false ||
      (typeof o.cacheControl === 'string' && /^[\x21-\x7e][\x20-\x7e]{0,255}$/.test(o.cacheControl)),
    'cacheControl',
    'must be false or a header value of printable characters',
    "For example 'no-store' or 'no-cache, private'",
  );
  const clock = o.clock ?? systemClock;
  const user = o.user ?? defaultUserId;
  const validation = resolveValidation(o.validation);
  const metrics = resolveMetricsDefault(o.metrics);
  const logging = resolveLoggingDefault(o.logging, production, user);
  const catalogs = resolveCatalogs(o.catalogs);
  const defaultLanguage = (o.defaultLanguage ?? MODULE_DEFAULTS.defaultLanguage).toLowerCase();
  check(
    catalogs.has(defaultLanguage),
    'defaultLanguage',
    `has no catalog: ${JSON.stringify(o.defaultLanguage)}`,
    `Use one of ${[...catalogs.keys()].join(', ')} or add it under catalogs`,
  );
  const redis = resolveRedis(o.redis);
  const audit = resolveAudit(o.audit, clock, user, redis?.keyPrefix);
  return {
    debug: o.debug ?? debugByDefault,
    debugInProduction: o.debug === true && !debugByDefault,
    nodeEnv: env.NODE_ENV,
    problemTypeBaseUrl: problemTypeBase(o.problemTypeBaseUrl),
    responseFormatter: o.responseFormatter,
    compat: o.compat,
    formats: new Set<ProblemFormat>([
      'json',
      ...(o.formats ?? (o.responseFormatter || o.compat ? (['json'] as const) : MODULE_DEFAULTS.formats)),
    ]),
    htmlRenderer: o.htmlRenderer,
    cacheControl: o.cacheControl ?? MODULE_DEFAULTS.cacheControl,
    catalogs,
    defaultLanguage,
    expectedErrors: o.expectedErrors ?? MODULE_DEFAULTS.expectedErrors,
    mappers: o.mappers ?? MODULE_DEFAULTS.mappers,
    requestIdHeader: o.requestIdHeader ?? MODULE_DEFAULTS.requestIdHeader,
    retryAfterSeconds: o.retryAfterSeconds ?? MODULE_DEFAULTS.retryAfterSeconds,
    validation: validation.options,
    validationExplicit: o.validation !== undefined,
    notices: [validation.notice, metrics.notice, logging.notice, identityNotice(o)].filter(
      (n): n is string => n !== undefined,
    ),
    redaction: o.redaction ?? {},
    logging: logging.options,
    audit,
    health: withAuditDatabase(resolveHealth(o.health), audit),
    metrics: metrics.options,
    management: resolveManagement(o.management),
    alerts: resolveAlerts(o.alerts, env),
    redis,
    sentry: resolveSentry(o.sentry),
    processErrors: resolveProcessErrors(o.processErrors),
    clock,
    user,
  };
}

/**
 * Readiness checks the database the audit store writes to when `health.database` is not set
 * and the store can be pinged (the SQL store can); `health.database: false` turns that off.
 */
function withAuditDatabase(
  health: ResolvedHealth | false,
  audit: ResolvedAudit | false,
): ResolvedHealth | false {
  const store = audit ? audit.store : undefined;
  if (!health || health.database !== undefined || !store?.ping) return health;
  return {
    ...health,
    database: { executor: { query: () => store.ping!() }, typeorm: false, timeoutMs: health.timeoutMs },
  };
}

/**
 * `logging.userId` and `audit.actor` still set their feature's user, as before the top-level
 * `user` option; a notice points at the one setting.
 */
function identityNotice(o: ErrorHandlingModuleOptions): string | undefined {
  const own = [
    isPlainObject(o.logging) && o.logging.userId !== undefined ? 'logging.userId' : undefined,
    isPlainObject(o.audit) && o.audit.actor !== undefined ? 'audit.actor' : undefined,
  ].filter((n): n is string => n !== undefined);
  if (own.length === 0) return undefined;
  return (
    `${own.join(' and ')} set the user of ${own.length === 1 ? 'that feature' : 'those features'} only; ` +
    'the top-level user option sets it for log lines, audit, alerts and Sentry at once'
  );
}

function problemTypeBase(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  check(
    httpUrl(value) !== undefined,
    'problemTypeBaseUrl',
    `must be an absolute http(s) URL, got ${JSON.stringify(value)}`,
    'For example "https://errors.example.com"',
  );
  return (value as string).replace(/\/+$/, '');
}

function optionalFunction(value: unknown, option: string, signature: string): void {
  check(value === undefined || typeof value === 'function', option, `must be a function ${signature}`);
}

function arrayOf(value: unknown, option: string, valid: (v: unknown) => boolean, problem: string): void {
  if (value === undefined) return;
  check(Array.isArray(value), option, 'must be an array');
  (value as unknown[]).forEach((v, i) => check(valid(v), `${option}[${i}]`, problem));
}
