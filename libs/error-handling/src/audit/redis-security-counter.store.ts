import { RedisScriptStore } from '../kernel/redis';
import type { SecurityCounterStore } from './security-counter.store';

/**
 * One increment, atomically: the first of a window sets its expiry, later ones leave it alone
 * (a key found without one, from another writer, gets it too). `INCR` and `PEXPIRE` in one
 * script, so any Redis version does, not only Redis 7's `PEXPIRE … NX`.
 */
const INCREMENT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 or redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return c
`;

/**
 * Suspicious-activity counters in Redis, shared by every instance: one atomic script per event.
 * Each key expires with its window, so a storm of distinct ips holds at most one window's keys.
 * A call that takes longer than `timeoutMs` fails (Faultline then counts in-process). The top-level
 * `redis` option builds one on its client; construct one yourself only to hand it a client
 * elsewhere (`audit.security.counterStore`).
 *
 * @example
 * audit: { security: { counterStore: new RedisSecurityCounterStore(new Redis(process.env.REDIS_URL)) } }
 */
export class RedisSecurityCounterStore extends RedisScriptStore implements SecurityCounterStore {
  async increment(key: string, windowMs: number): Promise<number> {
    const count = Number(await this.run(INCREMENT_SCRIPT, [key], windowMs));
    if (!Number.isInteger(count) || count < 1) throw new Error('unexpected reply from Redis');
    return count;
  }
}
