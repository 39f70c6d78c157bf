import {
  closeRedis,
  openRedis,
  type RedisEvalClient,
  RedisScriptStore,
  type RedisStoreOptions,
  redisReady,
} from '../kernel/redis';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

export type { RedisEvalClient } from '../kernel/redis';

/** The alert stores' key prefix on `alerts.redis` (the top-level `redis` adds `alerts:` to its own). */
export const ALERTS_KEY_PREFIX = 'faultline:alerts:';

/**
 * Counts one hit, atomically: opens a window at the first hit (Redis's clock, so every instance
 * agrees), keeps the previous window's final count for the summary. Returns
 * { count, windowStart, remainingMs }.
 */
const HIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local start = tonumber(redis.call('HGET', KEYS[1], 's'))
if start == nil or now >= start + window then
  if start ~= nil then
    redis.call('HSET', KEYS[1], 'ps', start, 'pc', redis.call('HGET', KEYS[1], 'c'))
  end
  redis.call('HSET', KEYS[1], 's', now, 'c', 1)
  redis.call('PEXPIRE', KEYS[1], window * 2 + 60000)
  return {1, now, window}
end
local c = redis.call('HINCRBY', KEYS[1], 'c', 1)
return {c, start, start + window - now}
`;

/** The final count of one window (current or previous), or -1. */
const COUNT_SCRIPT = `
local v = redis.call('HMGET', KEYS[1], 's', 'c', 'ps', 'pc')
local id = tonumber(ARGV[1])
if tonumber(v[1]) == id then return tonumber(v[2]) end
if tonumber(v[3]) == id then return tonumber(v[4]) end
return -1
`;

/**
 * Throttle windows in Redis: one budget shared by every instance, each hit one atomic script.
 * A call that takes longer than `timeoutMs` fails (the caller falls back).
 *
 * @example
 * new RedisThrottleStore(new Redis(process.env.REDIS_URL), { keyPrefix: 'myapp:alerts:' })
 */
export class RedisThrottleStore extends RedisScriptStore implements ThrottleStore {
  /** `options.keyPrefix` defaults to `'faultline:alerts:'`. */
  constructor(client: RedisEvalClient, options: RedisStoreOptions = {}) {
    super(client, { ...options, keyPrefix: options.keyPrefix ?? ALERTS_KEY_PREFIX });
  }

  async hit(key: string, windowMs: number): Promise<ThrottleHit> {
    const reply = await this.run(HIT_SCRIPT, [key], windowMs);
    if (!Array.isArray(reply) || reply.length !== 3) throw new Error('unexpected reply from Redis');
    const [count, windowId, remainingMs] = reply.map(Number);
    return { count, windowId, remainingMs };
  }

  async countOf(key: string, windowId: number): Promise<number | undefined> {
    const count = Number(await this.run(COUNT_SCRIPT, [key], windowId));
    return count >= 0 ? count : undefined;
  }
}

/**
 * Opens an ioredis client for `alerts.redis.url` (see {@link openRedis}: throttling falls back at
 * once while Redis is away instead of waiting for a reconnect).
 */
export function openRedisClient(url: string): RedisEvalClient & {
  ready(): Promise<void>;
  quit(): Promise<void>;
} {
  const client = openRedis(url, 'alerts.redis.url', 'pass alerts.redis.client');
  return {
    eval: (script, numKeys, ...args) => client.eval(script, numKeys, ...args),
    ready: () => redisReady(client),
    quit: () => closeRedis(client),
  };
}
