import {
  type BudgetRequest,
  type BudgetStore,
  type BudgetTake,
  type HeldBackTally,
  TALLY_SIZE,
} from './budget-store.interface';
import { RedisScriptStore } from '../kernel/redis';

/*
 * A budget is five keys under one hash tag (one Redis Cluster slot): the window's counters
 * (`s` start, `w` window number, `n` sent, `h` held back, `o` overflow, and `p…` the same of the
 * previous window, kept for its summary), and two tallies (a sorted set of fingerprints by count
 * and a hash of their titles) used by alternate windows, so the previous window's survives until
 * its summary has been read.
 */

/**
 * Takes one alert, atomically: opens a window at the first (Redis's clock, so every instance
 * agrees), lets `limit` through, tallies the rest (space-saving within ARGV[6] fingerprints).
 * ARGV: windowMs, limit, fingerprint, title, weight, tally size.
 * Returns { admitted, firstHeldBack, windowStart, remainingMs }.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local ttl = window * 2 + 60000
local m = redis.call('HMGET', KEYS[1], 's', 'w', 'n', 'h', 'o')
local start = tonumber(m[1])
local w = tonumber(m[2]) or 0
if start == nil or now >= start + window then
  if start ~= nil then
    redis.call('HSET', KEYS[1], 'ps', start, 'pw', w, 'ph', m[4], 'po', m[5])
  end
  w = w + 1
  start = now
  redis.call('HSET', KEYS[1], 's', now, 'w', w, 'n', 0, 'h', 0, 'o', 0)
  local fresh = 2 + (w % 2) * 2
  redis.call('DEL', KEYS[fresh], KEYS[fresh + 1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
local remaining = start + window - now
if tonumber(redis.call('HGET', KEYS[1], 'n')) < tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[1], 'n', 1)
  return {1, 0, start, remaining}
end
local weight = tonumber(ARGV[5])
local held = redis.call('HINCRBY', KEYS[1], 'h', weight)
local z = KEYS[2 + (w % 2) * 2]
local titles = KEYS[3 + (w % 2) * 2]
local fp = ARGV[3]
if redis.call('ZSCORE', z, fp) then
  redis.call('ZINCRBY', z, weight, fp)
else
  local base = 0
  if redis.call('ZCARD', z) >= tonumber(ARGV[6]) then
    local least = redis.call('ZPOPMIN', z)
    redis.call('HDEL', titles, least[1])
    base = tonumber(least[2])
    redis.call('HSET', KEYS[1], 'o', 1)
  end
  redis.call('ZADD', z, base + weight, fp)
  redis.call('HSET', titles, fp, ARGV[4])
end
redis.call('PEXPIRE', z, ttl)
redis.call('PEXPIRE', titles, ttl)
local first = 0
if held == weight then first = 1 end
return {0, first, start, remaining}
`;

/**
 * What the window ARGV[1] (current or previous) held back: { heldBack, overflow, fingerprints,
 * fingerprint, title, count, ... } for the top ARGV[2], or -1.
 */
const TALLY_SCRIPT = `
local m = redis.call('HMGET', KEYS[1], 's', 'w', 'h', 'o', 'ps', 'pw', 'ph', 'po')
local id = tonumber(ARGV[1])
local w, held, overflow
if tonumber(m[1]) == id then
  w, held, overflow = tonumber(m[2]), m[3], m[4]
elseif tonumber(m[5]) == id then
  w, held, overflow = tonumber(m[6]), m[7], m[8]
else
  return -1
end
local z = KEYS[2 + (w % 2) * 2]
local titles = KEYS[3 + (w % 2) * 2]
local out = {tonumber(held) or 0, tonumber(overflow) or 0, redis.call('ZCARD', z)}
local top = redis.call('ZREVRANGE', z, 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
for i = 1, #top, 2 do
  table.insert(out, top[i])
  table.insert(out, redis.call('HGET', titles, top[i]) or '')
  table.insert(out, top[i + 1])
end
return out
`;

/**
 * Alert budgets in Redis: every instance takes from one budget per channel, each take one atomic
 * script; the tallies are bounded ({@link TALLY_SIZE} fingerprints a window) and expire on their
 * own. Opened on the alerts' Redis client, beside the throttle store.
 */
export class RedisBudgetStore extends RedisScriptStore implements BudgetStore {
  async take(r: BudgetRequest): Promise<BudgetTake> {
    const reply = await this.run(
      TAKE_SCRIPT,
      this.keys(r.key),
      r.windowMs,
      r.limit,
      r.fingerprint,
      r.title,
      r.weight,
      TALLY_SIZE,
    );
    if (!Array.isArray(reply) || reply.length !== 4) throw new Error('unexpected reply from Redis');
    const [admitted, first, windowId, remainingMs] = reply.map(Number);
    return { admitted: admitted === 1, firstHeldBack: first === 1, windowId, remainingMs };
  }

  async heldBackOf(key: string, windowId: number, top: number): Promise<HeldBackTally | undefined> {
    const reply = await this.run(TALLY_SCRIPT, this.keys(key), windowId, top);
    if (!Array.isArray(reply)) return undefined;
    const [heldBack, overflow, fingerprints, ...rest] = reply as unknown[];
    const counts: HeldBackTally['top'] = [];
    for (let i = 0; i + 2 < rest.length; i += 3) {
      counts.push({ fingerprint: String(rest[i]), title: String(rest[i + 1]), count: Number(rest[i + 2]) });
    }
    return {
      heldBack: Number(heldBack),
      fingerprints: Number(fingerprints),
      overflow: Number(overflow) === 1,
      top: counts,
    };
  }

  /** The budget's keys (`budget:<channel>` gives `{budget:<channel>}` and four beside it), under one hash tag. */
  private keys(key: string): string[] {
    const tag = `{${key}}`;
    return [tag, `${tag}:tally:0`, `${tag}:titles:0`, `${tag}:tally:1`, `${tag}:titles:1`];
  }
}
