import { check, isPlainObject, knownKeys } from './option-checks';
import type { RedisEvalClient } from './redis';
import type { RedisOptions } from './redis.options';

/** The defaults of `redis`, as docs/options.md's option table shows them. */
export const REDIS_DEFAULTS = {
  keyPrefix: 'faultline:',
} as const;

/** A Redis connection option (`redis`, `alerts.redis`) after validation. */
export interface RedisConnection {
  /** Set when Faultline opens the client itself. */
  url?: string;
  /** Set when the application gave its own client. */
  client?: RedisEvalClient;
  /** Undefined when not given: each option has its own default. */
  keyPrefix?: string;
}

/**
 * Validates a Redis connection option, `{ url | client, keyPrefix? }`, naming `option` in the
 * error: the top-level `redis` and `alerts.redis` take the same shape.
 */
export function redisConnection(value: unknown, option: string): RedisConnection {
  check(isPlainObject(value), option, 'must be an object with url or client');
  knownKeys(value, ['url', 'client', 'keyPrefix'], option);
  const { url, client, keyPrefix } = value;
  check((url === undefined) !== (client === undefined), option, 'needs exactly one of url and client');
  check(
    url === undefined || (typeof url === 'string' && /^rediss?:\/\/[^/]/.test(url)),
    `${option}.url`,
    'must be a redis:// or rediss:// URL',
  );
  check(
    client === undefined || typeof (client as { eval?: unknown } | null)?.eval === 'function',
    `${option}.client`,
    'must have eval(script, numKeys, ...args), like an ioredis client',
  );
  check(keyPrefix === undefined || typeof keyPrefix === 'string', `${option}.keyPrefix`, 'must be a string');
  return { url: url as string | undefined, client: client as RedisEvalClient | undefined, keyPrefix };
}

/** The top-level `redis` option after defaults and validation. */
export interface ResolvedRedis {
  url?: string;
  client?: RedisEvalClient;
  keyPrefix: string;
}

/** Applies defaults and validates `redis`; undefined when it is not set. */
export function resolveRedis(value: RedisOptions | undefined): ResolvedRedis | undefined {
  if (value === undefined) return undefined;
  const r = redisConnection(value, 'redis');
  return { ...r, keyPrefix: r.keyPrefix ?? REDIS_DEFAULTS.keyPrefix };
}
