import {
  check,
  featureOptions,
  httpUrl,
  isPlainObject,
  knownKeys,
  positiveSeconds,
  wholeNumber,
} from '../kernel/option-checks';
import type { AlertChannel } from './alert-channel.interface';
import type { BudgetSettings } from './alert-budget';
import { resolveBudget } from './resolve-alert-budget';
import type { DispatchOptions } from './alert-dispatcher';
import { compileRoutePatterns } from './alert-fingerprint';
import type { AlertsOptions } from './alerts.options';
import { EmailChannel } from './email.channel';
import { storeSetting, type ThrottleStoreSetting } from './create-throttle-store';
import type { ErrorRateSettings } from './error-rate.monitor';
import { SlackChannel } from './slack.channel';
import { WebhookChannel } from './webhook.channel';

/** Alert options after defaults and validation. */
export interface ResolvedAlerts {
  channels: AlertChannel[];
  /** False when no channel is configured or NODE_ENV is excluded: nothing is watched. */
  active: boolean;
  /** Where throttle counts are kept; see `createAlertStores()`. */
  store: ThrottleStoreSetting;
  repeatLimit: number;
  snoozeSeconds: number;
  /** The budget of each channel that has one. */
  budget: ReadonlyMap<string, BudgetSettings>;
  /** Routes that never alert, compiled. */
  excludeRoutes: RegExp[];
  serverErrors: boolean;
  fatalLogs: boolean;
  suspiciousActivity: boolean;
  readiness: boolean;
  errorRate: ErrorRateSettings | false;
  /** Per job; `minRequests` is the least number of runs. */
  jobFailureRate: ErrorRateSettings | false;
  sseErrorRate: ErrorRateSettings | false;
  stackLimit: number;
  textLimit: number;
  dispatch: DispatchOptions;
  shutdownTimeoutMs: number;
  service: string;
  environment: string;
}

const KNOWN: readonly (keyof AlertsOptions)[] = [
  'slack',
  'email',
  'webhook',
  'channels',
  'repeatLimit',
  'snoozeSeconds',
  'budget',
  'redis',
  'throttleStore',
  'excludeRoutes',
  'excludeEnvironments',
  'serverErrors',
  'fatalLogs',
  'suspiciousActivity',
  'readiness',
  'errorRate',
  'jobFailureRate',
  'sseErrorRate',
  'stackLimit',
  'textLimit',
  'maxQueue',
  'timeoutMs',
  'retries',
  'retryBaseMs',
  'shutdownTimeoutMs',
  'service',
  'environment',
];

/** The defaults of `alerts`, as docs/alerts.md's option table shows them. */
export const ALERTS_DEFAULTS = {
  channels: [] as AlertChannel[],
  repeatLimit: 3,
  snoozeSeconds: 600,
  budget: { max: 20, windowSeconds: 600, urgentReserve: 5 },
  excludeRoutes: [] as (string | RegExp)[],
  excludeEnvironments: ['test'],
  serverErrors: true,
  fatalLogs: true,
  suspiciousActivity: true,
  readiness: true,
  errorRate: { threshold: 0.01, windowSeconds: 300, minRequests: 100 },
  jobFailureRate: { threshold: 0.05, windowSeconds: 3600, minRuns: 20 },
  sseErrorRate: { threshold: 0.1, windowSeconds: 300, minStreams: 20 },
  stackLimit: 4000,
  textLimit: 2000,
  maxQueue: 100,
  timeoutMs: 5000,
  retries: 2,
  retryBaseMs: 1000,
  shutdownTimeoutMs: 5000,
} as const;

/** Applies defaults and validates `alerts`; `false` turns alerts off. */
export function resolveAlerts(input: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedAlerts | false {
  const o = featureOptions<AlertsOptions>(input, 'alerts', KNOWN);
  if (!o) return false;
  for (const key of ['serverErrors', 'fatalLogs', 'suspiciousActivity', 'readiness'] as const) {
    check(o[key] === undefined || typeof o[key] === 'boolean', `alerts.${key}`, 'must be a boolean');
  }
  const channels = [...builtInChannels(o), ...customChannels(o.channels ?? ALERTS_DEFAULTS.channels)];
  const names = new Set<string>();
  for (const c of channels) {
    check(
      !names.has(c.name),
      'alerts.channels',
      `has two channels named ${JSON.stringify(c.name)}`,
      'Give each channel its own name',
    );
    names.add(c.name);
  }
  const excludeEnvironments = o.excludeEnvironments ?? ALERTS_DEFAULTS.excludeEnvironments;
  check(
    Array.isArray(excludeEnvironments) && excludeEnvironments.every((e) => typeof e === 'string'),
    'alerts.excludeEnvironments',
    'must be an array of NODE_ENV values',
  );
  const excludeRoutes = o.excludeRoutes ?? ALERTS_DEFAULTS.excludeRoutes;
  check(Array.isArray(excludeRoutes), 'alerts.excludeRoutes', 'must be an array of strings or RegExps');
  excludeRoutes.forEach((p, i) =>
    check(
      typeof p === 'string' || p instanceof RegExp,
      `alerts.excludeRoutes[${i}]`,
      'must be a string or a RegExp',
    ),
  );
  return {
    channels,
    active: channels.length > 0 && !excludeEnvironments.includes(env.NODE_ENV ?? ''),
    store: storeSetting(o),
    repeatLimit: wholeNumber(o.repeatLimit, ALERTS_DEFAULTS.repeatLimit, 'alerts.repeatLimit', 1),
    snoozeSeconds: positiveSeconds(o.snoozeSeconds, ALERTS_DEFAULTS.snoozeSeconds, 'alerts.snoozeSeconds'),
    budget: resolveBudget(o.budget, channels, ALERTS_DEFAULTS.budget),
    excludeRoutes: compileRoutePatterns(excludeRoutes),
    serverErrors: o.serverErrors ?? ALERTS_DEFAULTS.serverErrors,
    fatalLogs: o.fatalLogs ?? ALERTS_DEFAULTS.fatalLogs,
    suspiciousActivity: o.suspiciousActivity ?? ALERTS_DEFAULTS.suspiciousActivity,
    readiness: o.readiness ?? ALERTS_DEFAULTS.readiness,
    errorRate: rate(o.errorRate, 'alerts.errorRate', ALERTS_DEFAULTS.errorRate, 'minRequests'),
    jobFailureRate: rate(
      o.jobFailureRate,
      'alerts.jobFailureRate',
      ALERTS_DEFAULTS.jobFailureRate,
      'minRuns',
    ),
    sseErrorRate: rate(o.sseErrorRate, 'alerts.sseErrorRate', ALERTS_DEFAULTS.sseErrorRate, 'minStreams'),
    stackLimit: wholeNumber(o.stackLimit, ALERTS_DEFAULTS.stackLimit, 'alerts.stackLimit', 100),
    textLimit: wholeNumber(o.textLimit, ALERTS_DEFAULTS.textLimit, 'alerts.textLimit', 100),
    dispatch: {
      maxQueue: wholeNumber(o.maxQueue, ALERTS_DEFAULTS.maxQueue, 'alerts.maxQueue', 1),
      timeoutMs: wholeNumber(o.timeoutMs, ALERTS_DEFAULTS.timeoutMs, 'alerts.timeoutMs', 1),
      retries: wholeNumber(o.retries, ALERTS_DEFAULTS.retries, 'alerts.retries', 0),
      retryBaseMs: wholeNumber(o.retryBaseMs, ALERTS_DEFAULTS.retryBaseMs, 'alerts.retryBaseMs', 1),
    },
    shutdownTimeoutMs: wholeNumber(
      o.shutdownTimeoutMs,
      ALERTS_DEFAULTS.shutdownTimeoutMs,
      'alerts.shutdownTimeoutMs',
      0,
    ),
    service: text(o.service, 'alerts.service') ?? env.npm_package_name ?? 'app',
    environment: text(o.environment, 'alerts.environment') ?? env.NODE_ENV ?? 'development',
  };
}

function builtInChannels(o: AlertsOptions): AlertChannel[] {
  const channels: AlertChannel[] = [];
  if (o.slack !== undefined) {
    check(isPlainObject(o.slack), 'alerts.slack', 'must be an object with webhookUrl');
    checkHttpUrl(o.slack.webhookUrl, 'alerts.slack.webhookUrl');
    channels.push(new SlackChannel(o.slack));
  }
  if (o.webhook !== undefined) {
    check(isPlainObject(o.webhook), 'alerts.webhook', 'must be an object with url');
    checkHttpUrl(o.webhook.url, 'alerts.webhook.url');
    check(
      o.webhook.secret === undefined || (typeof o.webhook.secret === 'string' && o.webhook.secret.length > 0),
      'alerts.webhook.secret',
      'must be a non-empty string',
    );
    channels.push(new WebhookChannel(o.webhook));
  }
  if (o.email !== undefined) {
    const e = o.email;
    check(isPlainObject(e), 'alerts.email', 'must be an object with smtpUrl (or transport) and to');
    check(
      (e.smtpUrl === undefined) !== (e.transport === undefined),
      'alerts.email',
      'needs exactly one of smtpUrl and transport',
    );
    check(
      e.smtpUrl === undefined || (typeof e.smtpUrl === 'string' && /^smtps?:\/\/[^/]/.test(e.smtpUrl)),
      'alerts.email.smtpUrl',
      'must be an smtp:// or smtps:// URL',
      'For example "smtps://user:pass@smtp.example.com"',
    );
    check(
      e.transport === undefined || typeof (e.transport as { sendMail?: unknown }).sendMail === 'function',
      'alerts.email.transport',
      'must have sendMail(mail), like a nodemailer transporter',
    );
    const to = Array.isArray(e.to) ? e.to : [e.to];
    check(
      to.length > 0 &&
        to.every((a) => typeof a === 'string' && /^[^\s@<>]+@[^\s@<>]+$/.test(a.replace(/^.*<(.*)>$/, '$1'))),
      'alerts.email.to',
      'must be an e-mail address or a non-empty array of them',
    );
    check(
      e.from === undefined || (typeof e.from === 'string' && !/[\r\n]/.test(e.from)),
      'alerts.email.from',
      'must be one address',
    );
    channels.push(new EmailChannel(e));
  }
  return channels;
}

function customChannels(list: unknown): AlertChannel[] {
  if (list === undefined) return [];
  check(Array.isArray(list), 'alerts.channels', 'must be an array of AlertChannel');
  (list as unknown[]).forEach((c, i) =>
    check(
      typeof c === 'object' &&
        c !== null &&
        typeof (c as AlertChannel).name === 'string' &&
        typeof (c as AlertChannel).send === 'function',
      `alerts.channels[${i}]`,
      'must implement AlertChannel: a name and send(message, signal)',
    ),
  );
  return list as AlertChannel[];
}

/** A rate alert (`errorRate`, `jobFailureRate`, `sseErrorRate`): `false`, or a threshold over a window with a least count. */
function rate<M extends string>(
  value: unknown,
  option: string,
  defaults: { threshold: number; windowSeconds: number } & Record<M, number>,
  minKey: M,
): ErrorRateSettings | false {
  if (value === false) return false;
  const o = (value ?? {}) as Record<string, unknown>;
  check(isPlainObject(o), option, 'must be false or an object');
  knownKeys(o, ['threshold', 'windowSeconds', minKey], option);
  const threshold = o.threshold ?? defaults.threshold;
  check(
    typeof threshold === 'number' && threshold > 0 && threshold < 1,
    `${option}.threshold`,
    'must be a fraction between 0 and 1',
    `For example ${defaults.threshold} for ${defaults.threshold * 100} %`,
  );
  return {
    threshold,
    windowSeconds: positiveSeconds(o.windowSeconds, defaults.windowSeconds, `${option}.windowSeconds`),
    minRequests: wholeNumber(o[minKey], defaults[minKey], `${option}.${minKey}`, 1),
  };
}

function checkHttpUrl(value: unknown, option: string): void {
  // The URL itself is not echoed: webhook URLs carry their secret.
  check(httpUrl(value) !== undefined, option, 'must be an absolute http(s) URL');
}

function text(value: unknown, option: string): string | undefined {
  check(
    value === undefined || (typeof value === 'string' && value.length > 0),
    option,
    'must be a non-empty string',
  );
  return value as string | undefined;
}
