import type { HealthIndicatorFunction } from './health-check.types';
import type { EndpointGuard } from '../kernel/ops-endpoint';
import {
  check,
  featureOptions,
  isPlainObject,
  knownKeys,
  routePath,
  wholeNumber,
} from '../kernel/option-checks';
import type { HealthOptions, RedisPingable, SqlPingable } from './health.options';

/** Health options after defaults and validation. */
export interface ResolvedHealth {
  livenessPath: string;
  readinessPath: string;
  useGlobalPrefix: boolean;
  guard: EndpointGuard | undefined;
  /** `undefined`: none set (the module then checks the audit store's database, if it can be pinged); `false`: no database check. */
  database: false | { executor?: SqlPingable; typeorm: boolean; timeoutMs: number } | undefined;
  redis: { client?: RedisPingable; url?: string; timeoutMs: number } | undefined;
  memoryHeap: { maxBytes: number } | undefined;
  disk: { path: string; thresholdPercent: number } | undefined;
  eventLoopLag: { maxMs: number } | undefined;
  indicators: HealthIndicatorFunction[];
  timeoutMs: number;
  shutdownGraceMs: number;
}

const KNOWN: readonly (keyof HealthOptions)[] = [
  'livenessPath',
  'readinessPath',
  'useGlobalPrefix',
  'guard',
  'database',
  'redis',
  'memoryHeap',
  'disk',
  'eventLoopLag',
  'indicators',
  'timeoutMs',
  'shutdownGraceMs',
];

/**
 * The defaults of `health`, as docs/health.md's option table shows them (`shutdownGraceMs` applies
 * when the probes are off too: the shutdown drain).
 */
export const HEALTH_DEFAULTS = {
  livenessPath: '/health',
  readinessPath: '/ready',
  useGlobalPrefix: false,
  indicators: [] as HealthIndicatorFunction[],
  timeoutMs: 1000,
  shutdownGraceMs: 10_000,
} as const;

/** Applies defaults and validates `health`; `false` turns the probes off. */
export function resolveHealth(input: unknown): ResolvedHealth | false {
  const o = featureOptions<HealthOptions>(input, 'health', KNOWN);
  if (!o) return false;
  const timeoutMs = wholeNumber(o.timeoutMs, HEALTH_DEFAULTS.timeoutMs, 'health.timeoutMs', 1);
  const livenessPath = routePath(o.livenessPath, HEALTH_DEFAULTS.livenessPath, 'health.livenessPath');
  const readinessPath = routePath(o.readinessPath, HEALTH_DEFAULTS.readinessPath, 'health.readinessPath');
  check(livenessPath !== readinessPath, 'health.readinessPath', 'must differ from health.livenessPath');
  check(
    o.useGlobalPrefix === undefined || typeof o.useGlobalPrefix === 'boolean',
    'health.useGlobalPrefix',
    'must be a boolean',
  );
  check(
    o.guard === undefined || typeof o.guard === 'function',
    'health.guard',
    'must be a function (req) => boolean | Promise<boolean>',
  );
  return {
    livenessPath,
    readinessPath,
    useGlobalPrefix: o.useGlobalPrefix ?? HEALTH_DEFAULTS.useGlobalPrefix,
    guard: o.guard,
    database: database(o.database, timeoutMs),
    redis: redis(o.redis, timeoutMs),
    memoryHeap: o.memoryHeap === undefined ? undefined : memoryHeap(o.memoryHeap),
    disk: o.disk === undefined ? undefined : disk(o.disk),
    eventLoopLag: o.eventLoopLag === undefined ? undefined : eventLoopLag(o.eventLoopLag),
    indicators: indicators(o.indicators),
    timeoutMs,
    shutdownGraceMs: wholeNumber(
      o.shutdownGraceMs,
      HEALTH_DEFAULTS.shutdownGraceMs,
      'health.shutdownGraceMs',
      0,
    ),
  };
}

function database(value: unknown, timeoutMs: number): ResolvedHealth['database'] {
  if (value === undefined || value === false) return value;
  check(isPlainObject(value), 'health.database', 'must be false or { executor } or { typeorm: true }');
  knownKeys(value, ['executor', 'typeorm', 'timeoutMs'], 'health.database');
  const executor = value.executor as SqlPingable | undefined;
  const typeorm = value.typeorm ?? false;
  check(typeof typeorm === 'boolean', 'health.database.typeorm', 'must be a boolean');
  check(
    (executor !== undefined) !== typeorm,
    'health.database',
    'needs exactly one of executor (a pg Pool, pg Client or PGlite) and typeorm: true',
  );
  check(
    executor === undefined || typeof executor?.query === 'function',
    'health.database.executor',
    'must have a query(text) method, like a pg Pool or PGlite',
  );
  return {
    executor,
    typeorm,
    timeoutMs: wholeNumber(value.timeoutMs, timeoutMs, 'health.database.timeoutMs', 1),
  };
}

function redis(value: unknown, timeoutMs: number): ResolvedHealth['redis'] {
  if (value === undefined) return undefined;
  check(isPlainObject(value), 'health.redis', 'must be { client } or { url }');
  knownKeys(value, ['client', 'url', 'timeoutMs'], 'health.redis');
  check(
    (value.client === undefined) !== (value.url === undefined),
    'health.redis',
    'needs exactly one of client (an ioredis client) and url',
  );
  check(
    value.client === undefined || typeof (value.client as { ping?: unknown } | null)?.ping === 'function',
    'health.redis.client',
    'must have a ping() method, like an ioredis client',
  );
  check(
    value.url === undefined || (typeof value.url === 'string' && /^rediss?:\/\//.test(value.url)),
    'health.redis.url',
    'must be a redis:// or rediss:// URL',
  );
  return {
    client: value.client as RedisPingable | undefined,
    url: value.url as string | undefined,
    timeoutMs: wholeNumber(value.timeoutMs, timeoutMs, 'health.redis.timeoutMs', 1),
  };
}

function memoryHeap(value: unknown): { maxBytes: number } {
  check(isPlainObject(value), 'health.memoryHeap', 'must be { maxBytes }');
  knownKeys(value, ['maxBytes'], 'health.memoryHeap');
  check(value.maxBytes !== undefined, 'health.memoryHeap.maxBytes', 'is required');
  return { maxBytes: wholeNumber(value.maxBytes, 0, 'health.memoryHeap.maxBytes', 1) };
}

function disk(value: unknown): { path: string; thresholdPercent: number } {
  check(isPlainObject(value), 'health.disk', 'must be { path, thresholdPercent }');
  knownKeys(value, ['path', 'thresholdPercent'], 'health.disk');
  const t = value.thresholdPercent;
  check(
    typeof t === 'number' && t > 0 && t <= 1,
    'health.disk.thresholdPercent',
    'must be a number above 0 and at most 1',
    'For example 0.9 for 90 %',
  );
  check(
    value.path === undefined || (typeof value.path === 'string' && value.path.length > 0),
    'health.disk.path',
    'must be a non-empty path',
  );
  return { path: (value.path as string | undefined) ?? '/', thresholdPercent: t };
}

function eventLoopLag(value: unknown): { maxMs: number } {
  check(isPlainObject(value), 'health.eventLoopLag', 'must be { maxMs }');
  knownKeys(value, ['maxMs'], 'health.eventLoopLag');
  check(value.maxMs !== undefined, 'health.eventLoopLag.maxMs', 'is required');
  return { maxMs: wholeNumber(value.maxMs, 0, 'health.eventLoopLag.maxMs', 1) };
}

function indicators(value: unknown): HealthIndicatorFunction[] {
  if (value === undefined) return [];
  check(Array.isArray(value), 'health.indicators', 'must be an array of functions');
  value.forEach((v, i) =>
    check(
      typeof v === 'function',
      `health.indicators[${i}]`,
      'must be a function returning a health indicator result (a Terminus indicator is one)',
    ),
  );
  return value as HealthIndicatorFunction[];
}
