import type { Clock } from '../kernel/clock';
import { check, isPlainObject } from '../kernel/option-checks';
import type { AlertsOptions } from './alerts.options';
import type { BudgetStore } from './budget-store.interface';
import { FallbackBudgetStore } from './fallback-budget.store';
import { alertStoreFallback, FallbackThrottleStore } from './fallback-throttle.store';
import { InMemoryBudgetStore } from './in-memory-budget.store';
import { RedisBudgetStore } from './redis-budget.store';
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

/** The alerts' stores: the per-fingerprint throttle and the per-channel budget, on one Redis client. */
export interface AlertStores {
  throttle: ThrottleStore;
  budget: BudgetStore;
  /** True while Redis is unreachable and both count in-process. */
  fallenBack(): boolean;
}

/**
 * Builds the throttle and budget stores (opening a Redis client, where one is configured). Shared
 * stores sit in front of in-process ones they fall back to, together. With a throttle store of
 * the application's, the budget is counted in-process.
 */
export function createAlertStores(setting: ThrottleStoreSetting, clock: Clock): AlertStores {
  const local = (throttle: ThrottleStore): AlertStores => ({
    throttle,
    budget: new InMemoryBudgetStore(clock),
    fallenBack: () => throttle instanceof FallbackThrottleStore && throttle.fallenBack,
  });
  if (setting.kind === 'memory') return local(new InMemoryThrottleStore(undefined, clock));
  const fallback = alertStoreFallback(clock);
  if (setting.kind === 'custom')
    return local(new FallbackThrottleStore(setting.store, false, fallback, clock));
  let client: RedisEvalClient;
  let connection = {};
  if (setting.client) client = setting.client;
  else {
    const own = openRedisClient(setting.url as string);
    client = own;
    // The throttle store connects and closes the client; the budget store uses it.
    connection = { onInit: own.ready, onClose: own.quit };
  }
  const options = { keyPrefix: setting.keyPrefix, clock };
  return {
    throttle: new FallbackThrottleStore(
      new RedisThrottleStore(client, { ...options, ...connection }),
      true,
      fallback,
      clock,
    ),
    budget: new FallbackBudgetStore(new RedisBudgetStore(client, options), fallback, clock),
    fallenBack: () => fallback.fallenBack,
  };
}
