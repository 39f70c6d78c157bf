import { loadPeer } from '../kernel/peer-require';

/** The part of an ioredis client the readiness check uses. */
export interface OwnRedisClient {
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** The part of ioredis's `Redis` class used here. */
type RedisClass = new (
  url: string,
  options: Record<string, unknown>,
) => OwnRedisClient & {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
};

/**
 * Opens an ioredis client for `health.redis.url`. It does not queue commands while
 * disconnected, so a PING fails at once when Redis is away, and it keeps reconnecting, so the
 * check passes again as soon as Redis is back.
 */
export function openRedis(url: string, timeoutMs: number): OwnRedisClient {
  // Optional peer: only needed for health.redis.url.
  const { Redis } = loadPeer<{ Redis: RedisClass }>(
    'ioredis',
    'health.redis.url',
    'pass health.redis.client',
  );
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
