import type { Clock } from '../kernel/clock';
import { check } from '../kernel/option-checks';
import { redisConnection } from '../kernel/resolve-redis-options';
import type { SharedRedis } from '../kernel/shared-redis';
import type { AlertsOptions } from './alerts.options';
import type { BudgetStore } from './budget-store.interface';
import { FallbackBudgetStore } from './fallback-budget.store';
import { alertStoreFallback, FallbackThrottleStore } from './fallback-throttle.store';
import { InMemoryBudgetStore } from './in-memory-budget.store';
import { RedisBudgetStore } from './redis-budget.store';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { RedisEvalClient, RedisStoreOptions } from '../kernel/redis';
import { ALERTS_KEY_PREFIX, openRedisClient, RedisThrottleStore } from './redis-throttle.store';
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

/** The alerts' stores: the per-fingerprint throttle and the per-channel budget, on one Redis client. */
export interface AlertStores {
  throttle: ThrottleStore;
  budget: BudgetStore;
  /** True while Redis is unreachable and both count in-process. */
  fallenBack(): boolean;
}

/**
 * Builds the throttle and budget stores, both on one Redis client: `alerts.redis`'s (opened here
 * when it has a URL), else the top-level `redis` option's (`redis`, the kernel's to open and
 * close), keys under `<redis.keyPrefix>alerts:`. Shared stores sit in front of in-process ones
 * they fall back to, together, with one notice. With a throttle store of the application's, the
 * budget is counted in-process.
 */
export function createAlertStores(
  setting: ThrottleStoreSetting,
  clock: Clock,
  redis: SharedRedis | null = null,
): AlertStores {
  const local = (throttle: ThrottleStore): AlertStores => ({
    throttle,
    budget: new InMemoryBudgetStore(clock),
    fallenBack: () => throttle instanceof FallbackThrottleStore && throttle.fallenBack,
  });
  if (setting.kind === 'memory' && !redis) return local(new InMemoryThrottleStore(undefined, clock));
  const fallback = alertStoreFallback(clock);
  if (setting.kind === 'custom')
    return local(new FallbackThrottleStore(setting.store, false, fallback, clock));
  let client: RedisEvalClient;
  let keyPrefix: string;
  // The throttle store connects (and, where it opened the client, closes) it; the budget store uses it.
  let connection: Pick<RedisStoreOptions, 'onInit' | 'onClose'> = {};
  if (setting.kind === 'memory') {
    const shared = redis as SharedRedis;
    client = shared.client;
    keyPrefix = `${shared.keyPrefix}alerts:`;
    connection = { onInit: () => shared.ready() };
  } else {
    keyPrefix = setting.keyPrefix ?? ALERTS_KEY_PREFIX;
    if (setting.client) client = setting.client;
    else {
      const own = openRedisClient(setting.url as string);
      client = own;
      connection = { onInit: own.ready, onClose: own.quit };
    }
  }
  const options = { keyPrefix, clock };
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
