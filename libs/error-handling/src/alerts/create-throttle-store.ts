import type { Clock } from '../kernel/clock';
import { check, isPlainObject } from '../kernel/option-checks';
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
  const r = o.redis;
  check(isPlainObject(o.redis), 'alerts.redis', 'must be an object with url or client');
  check(
    (r.url === undefined) !== (r.client === undefined),
    'alerts.redis',
    'needs exactly one of url and client',
  );
  check(
    r.url === undefined || (typeof r.url === 'string' && /^rediss?:\/\/[^/]/.test(r.url)),
    'alerts.redis.url',
    'must be a redis:// or rediss:// URL',
  );
  check(
    r.client === undefined || typeof (r.client as { eval?: unknown }).eval === 'function',
    'alerts.redis.client',
    'must have eval(script, numKeys, ...args), like an ioredis client',
  );
  check(
    r.keyPrefix === undefined || typeof r.keyPrefix === 'string',
    'alerts.redis.keyPrefix',
    'must be a string',
  );
  return { kind: 'redis', url: r.url, client: r.client, keyPrefix: r.keyPrefix };
}

/**
 * Builds the throttle store (opening a Redis client, where one is configured). A shared store
 * sits in front of an in-process one it falls back to.
 */
export function createThrottleStore(setting: ThrottleStoreSetting, clock: Clock): ThrottleStore {
  if (setting.kind === 'memory') return new InMemoryThrottleStore(undefined, clock);
  const fallback = (shared: ThrottleStore, closeShared: boolean) =>
    new FallbackThrottleStore(shared, closeShared, undefined, clock);
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
