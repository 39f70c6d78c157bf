/** The sample app's settings, read from the environment once at start-up. */
export interface SampleConfig {
  port: number;
  /** HTTP_ADAPTER: `express` (the default) or `fastify` (@nestjs/platform-fastify). */
  httpAdapter: 'express' | 'fastify';
  /** PostgreSQL connection string; when unset the app uses embedded PGlite. */
  databaseUrl: string | undefined;
  /** PGlite data folder; when unset PGlite keeps everything in memory. */
  pgliteDataDir: string | undefined;
  authSecret: string;
  /** True when AUTH_SECRET was not set and the development default is in use. */
  authSecretIsDefault: boolean;
  alicePassword: string;
  adminPassword: string;
  demoFaults: boolean;
  /** Express `trust proxy` setting (Fastify's `trustProxy`), from TRUST_PROXY. */
  trustProxy: boolean | number | string;
  /** Largest JSON body accepted. */
  bodyLimit: string;
  /** Faultline debug mode from FAULTLINE_DEBUG (1/0); unset -> on only when NODE_ENV is development or test. */
  debug: boolean | undefined;
  /** LOG_FORMAT: json or pretty; unset -> json when NODE_ENV=production, else pretty. */
  logFormat: 'json' | 'pretty' | undefined;
  /** LOG_LEVEL, default info. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** LOG_REQUEST_DETAILS: which failed requests log their redacted headers, query and body. */
  logRequestDetails: 'none' | 'server-errors' | 'all-errors';
  /** AUDIT=0 turns the audit trail and security events off (on by default). */
  audit: boolean;
  /**
   * REDIS_URL: when set, `/ready` checks Redis, and the alert throttle and the suspicious-activity
   * counters are shared by every instance through it.
   */
  redisUrl: string | undefined;
  /**
   * MANAGEMENT_PORT: when set, /health, /ready and /metrics are served on this port (a management
   * server of Faultline's) instead of PORT. Unset: on PORT.
   */
  managementPort: number | undefined;
  /** METRICS_TOKEN: when set, /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** SHUTDOWN_GRACE_MS: how long in-flight requests may take to finish after SIGTERM (default 10000). */
  shutdownGraceMs: number;
  /**
   * KEEP_ALIVE_TIMEOUT_MS: how long the HTTP server keeps an idle keep-alive connection open
   * (default 5000, Node's). Behind a load balancer, set it above the balancer's idle timeout
   * (e.g. 65000 behind an AWS ALB's 60 s), so the app never closes a connection the balancer is
   * about to reuse.
   */
  keepAliveTimeoutMs: number;
  /** Alert channels, each on when its variables are set. */
  alerts: {
    /** SLACK_WEBHOOK_URL */
    slackWebhookUrl: string | undefined;
    /** SMTP_URL, with ALERT_EMAIL_TO (and ALERT_EMAIL_FROM) */
    smtpUrl: string | undefined;
    emailTo: string | undefined;
    emailFrom: string | undefined;
    /** ALERT_WEBHOOK_URL, signed with ALERT_WEBHOOK_SECRET when set */
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
  };
  /** SENTRY_DSN: errors to Sentry. */
  sentryDsn: string | undefined;
}

const DEV_SECRET = 'faultline-sample-development-secret';

/** Reads {@link SampleConfig} from `env`; fails fast on values it cannot use. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got ${JSON.stringify(env.PORT)}`);
  }
  const managementPort = env.MANAGEMENT_PORT ? Number(env.MANAGEMENT_PORT) : undefined;
  if (
    managementPort !== undefined &&
    (!Number.isInteger(managementPort) || managementPort < 0 || managementPort > 65535)
  ) {
    throw new Error(`MANAGEMENT_PORT must be a port number, got ${JSON.stringify(env.MANAGEMENT_PORT)}`);
  }
  const shutdownGraceMs = Number(env.SHUTDOWN_GRACE_MS || 10_000);
  if (!Number.isInteger(shutdownGraceMs) || shutdownGraceMs < 0) {
    throw new Error(
      `SHUTDOWN_GRACE_MS must be a whole number of milliseconds, got ${JSON.stringify(env.SHUTDOWN_GRACE_MS)}`,
    );
  }
  if (env.BODY_LIMIT && parseByteSize(env.BODY_LIMIT) === undefined) {
    throw new Error(`BODY_LIMIT must be a size such as 100kb or 1mb, got ${JSON.stringify(env.BODY_LIMIT)}`);
  }
  const keepAliveTimeoutMs = Number(env.KEEP_ALIVE_TIMEOUT_MS || 5000);
  if (!Number.isInteger(keepAliveTimeoutMs) || keepAliveTimeoutMs < 0) {
    throw new Error(
      `KEEP_ALIVE_TIMEOUT_MS must be a whole number of milliseconds, got ${JSON.stringify(env.KEEP_ALIVE_TIMEOUT_MS)}`,
    );
  }
  if (!env.AUTH_SECRET && env.NODE_ENV === 'production') {
    throw new Error('AUTH_SECRET must be set when NODE_ENV=production');
  }
  if (env.SMTP_URL && !env.ALERT_EMAIL_TO) {
    throw new Error('ALERT_EMAIL_TO must be set when SMTP_URL is set (who gets the alert e-mails)');
  }
  return {
    port,
    httpAdapter: oneOf(env.HTTP_ADAPTER, 'HTTP_ADAPTER', ['express', 'fastify'] as const, 'express'),
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDataDir: env.PGLITE_DATA_DIR || undefined,
    authSecret: env.AUTH_SECRET || DEV_SECRET,
    authSecretIsDefault: !env.AUTH_SECRET,
    alicePassword: env.ALICE_PASSWORD || 'alice-password',
    adminPassword: env.ADMIN_PASSWORD || 'admin-password',
    demoFaults: env.DEMO_FAULTS === '1' || env.DEMO_FAULTS === 'true',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimit: env.BODY_LIMIT || '100kb',
    debug:
      env.FAULTLINE_DEBUG === undefined || env.FAULTLINE_DEBUG === ''
        ? undefined
        : env.FAULTLINE_DEBUG === '1',
    logFormat: oneOf(env.LOG_FORMAT, 'LOG_FORMAT', ['json', 'pretty'] as const, undefined),
    logLevel: oneOf(
      env.LOG_LEVEL,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    audit: env.AUDIT !== '0' && env.AUDIT !== 'false',
    redisUrl: env.REDIS_URL || undefined,
    managementPort,
    metricsToken: env.METRICS_TOKEN || undefined,
    shutdownGraceMs,
    keepAliveTimeoutMs,
    logRequestDetails: oneOf(
      env.LOG_REQUEST_DETAILS,
      'LOG_REQUEST_DETAILS',
      ['none', 'server-errors', 'all-errors'] as const,
      'server-errors',
    ),
    alerts: {
      slackWebhookUrl: env.SLACK_WEBHOOK_URL || undefined,
      smtpUrl: env.SMTP_URL || undefined,
      emailTo: env.ALERT_EMAIL_TO || undefined,
      emailFrom: env.ALERT_EMAIL_FROM || undefined,
      webhookUrl: env.ALERT_WEBHOOK_URL || undefined,
      webhookSecret: env.ALERT_WEBHOOK_SECRET || undefined,
    },
    sentryDsn: env.SENTRY_DSN || undefined,
  };
}

const BYTE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size as body-parser reads it (`100kb`, `1mb`, `2048`) in bytes, or undefined when it is not one. */
export function parseByteSize(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * BYTE_UNITS[(m[2] ?? 'b').toLowerCase()]);
}

/** TRUST_PROXY: unset/false -> false, true -> true, a number -> hop count, else a list of addresses. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function oneOf<T extends string, D extends T | undefined>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: D,
): T | D {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}
