import type { Clock } from '../kernel/clock';
import { check } from '../kernel/option-checks';
import { redisConnection } from '../kernel/resolve-redis-options';
import type { SharedRedis } from '../kernel/shared-redis';
import type { AlertsOptions } from './alerts.options';
import { FallbackThrottleStore } from './fallback-throttle.store';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import { openRedisClient, type RedisEvalClient, RedisThrottleStore } from './redis-throttle.store';
import type { ThrottleStore } from './throttle-store.interface';

/** Where throttle counts are kept, as configured (the store itself is built at start-up). */
export type ThrottleStoreSetting =
  | { kind: 'memory' }
  | { kind: 'custom'; store: ThrottleStore }
  | { kind: 'redis'; url?: string; client?: RedisEvalClient; keyPrefix?: string };

/** Validates `alerts.redis` / `alerts.throttleStore` into a {@link ThrottleStoreSetting}. */
export function storeSetting(o: AlertsOptions): ThrottleStoreSetting {
  check(!(o.redis && o.throttleStore), 'alerts', 'takes redis or throttleStore, not both');
  check(
    o.throttleStore === undefined ||
      (typeof (o.throttleStore as ThrottleStore | null)?.hit === 'function' &&
        typeof (o.throttleStore as ThrottleStore).countOf === 'function'),
    'alerts.throttleStore',
    'must implement ThrottleStore: hit(key, windowMs) and countOf(key, windowId)',
  );
  if (o.throttleStore) return { kind: 'custom', store: o.throttleStore };
  if (o.redis === undefined) return { kind: 'memory' };
  return { kind: 'redis', ...redisConnection(o.redis, 'alerts.redis') };
}

/**
 * Builds the throttle store (opening a Redis client, where `alerts.redis` has a URL). A shared
 * store sits in front of an in-process one it falls back to. Without `alerts.redis` and
 * `alerts.throttleStore`, the top-level `redis` option's client (`redis`) is shared, if it is set.
 */
export function createThrottleStore(
  setting: ThrottleStoreSetting,
  clock: Clock,
  redis: SharedRedis | null = null,
): ThrottleStore {
  const fallback = (shared: ThrottleStore, closeShared: boolean) =>
    new FallbackThrottleStore(shared, closeShared, undefined, clock);
  if (setting.kind === 'memory') {
    if (!redis) return new InMemoryThrottleStore(undefined, clock);
    // The client is the kernel's to close.
    const keyPrefix = `${redis.keyPrefix}alerts:`;
    return fallback(
      new RedisThrottleStore(redis.client, { keyPrefix, onInit: () => redis.ready(), clock }),
      false,
    );
  }
  if (setting.kind === 'custom') return fallback(setting.store, false);
  if (setting.client) {
    return fallback(new RedisThrottleStore(setting.client, { keyPrefix: setting.keyPrefix, clock }), true);
  }
  const client = openRedisClient(setting.url as string);
  return fallback(
    new RedisThrottleStore(client, {
      keyPrefix: setting.keyPrefix,
      onInit: client.ready,
      onClose: client.quit,
      clock,
    }),
    true,
  );
}
