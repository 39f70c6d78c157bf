import type { RedisEvalClient } from './redis';

export type { RedisEvalClient } from './redis';

/**
 * Redis for the counts every instance of the service should share: the alert throttle (one
 * budget per fingerprint), the alert budget (one per channel) and the security events'
 * suspicious-activity counters (a burst split across instances still crosses the threshold).
 * Faultline opens one ioredis client for `url` when a part that shares counts is on, and closes
 * it at shutdown. While Redis cannot be reached, each part counts in its own process, logs that
 * once (the alert throttle and budget in one line), and shares again when Redis is back.
 * `alerts.redis` overrides it for the alert throttle and budget, `alerts.throttleStore` and
 * `audit.security.counterStore` replace it with stores of your own.
 *
 * @example
 * ErrorHandlingModule.forRoot({ redis: { url: process.env.REDIS_URL } });
 */
export interface RedisOptions {
  /**
   * A `redis://` or `rediss://` URL; Faultline opens (and closes) one ioredis client.
   * @example 'redis://127.0.0.1:6379'
   */
  url?: string;
  /**
   * Or an ioredis client (or cluster) of your own, not closed by Faultline. Give it
   * `enableOfflineQueue: false` so that a command fails at once while Redis is away (Faultline
   * then counts in-process) instead of waiting for a reconnect.
   * @example new Redis(process.env.REDIS_URL, { enableOfflineQueue: false })
   */
  client?: RedisEvalClient;
  /**
   * Prepended to every key Faultline writes: `<keyPrefix>alerts:<fingerprint>`,
   * `<keyPrefix>alerts:{budget:<channel>}`, `<keyPrefix>security:<kind>:<ip>`. Give each service
   * sharing one Redis its own.
   * @default 'faultline:'
   * @example 'billing:faultline:'
   */
  keyPrefix?: string;
}
