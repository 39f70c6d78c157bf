import { FaultlineConfigError } from '../errors/faultline-config.error';

/** The part of an ioredis client the readiness check uses. */
export interface OwnRedisClient {
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Opens an ioredis client for `health.redis.url`. It does not queue commands while
 * disconnected, so a PING fails at once when Redis is away, and it keeps reconnecting, so the
 * check passes again as soon as Redis is back.
 */
export function openRedis(url: string, timeoutMs: number): OwnRedisClient {
  let Redis: new (
    url: string,
    options: Record<string, unknown>,
  ) => OwnRedisClient & {
    on(event: string, fn: (...args: unknown[]) => void): unknown;
  };
  try {
    // Optional peer: only needed for health.redis.url.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Redis = (require('ioredis') as { Redis: typeof Redis }).Redis;
  } catch {
    throw new FaultlineConfigError(
      'health.redis.url',
      'needs the ioredis package, which is not installed',
      'Install ioredis, or pass health.redis.client',
    );
  }
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  // Connection errors are what the check reports; unheard, ioredis would print them.
  client.on('error', () => undefined);
  return client;
}
