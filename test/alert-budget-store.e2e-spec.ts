import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { TALLY_SIZE, type BudgetRequest } from '../libs/error-handling/src/alerts/budget-store.interface';
import { RedisBudgetStore } from '../libs/error-handling/src/alerts/redis-budget.store';
import { itWith, TEST_REDIS_URL } from './support/services';
import { sleep } from './support/wait';

/** `it`, or `it.skip` with the reason in its title when Redis is unreachable. */
const redisIt = itWith('redis');

const request = (fingerprint: string, over: Partial<BudgetRequest> = {}): BudgetRequest => ({
  key: 'budget:slack',
  windowMs: 60_000,
  limit: 3,
  fingerprint,
  title: `title of ${fingerprint}`,
  weight: 1,
  ...over,
});

describe('RedisBudgetStore', () => {
  let client: Redis | undefined;
  const prefix = `faultline-test:${randomUUID()}:`;

  afterAll(async () => {
    if (!client) return;
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  const store = (keyPrefix = prefix) => {
    client ??= new Redis(TEST_REDIS_URL);
    // A loaded machine can take over the default 500 ms for 200 concurrent scripts.
    return new RedisBudgetStore(client, { keyPrefix, timeoutMs: 10_000 });
  };

  redisIt(
    'gives concurrent takers one budget: exactly limit admitted, one of them owes the summary',
    async () => {
      // Two stores on the same keys stand for two instances.
      const [a, b] = [store(), store()];
      const takes = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).take(request(`GET /x Error${i % 40}`))),
      );
      expect(takes.filter((t) => t.admitted)).toHaveLength(3);
      expect(takes.filter((t) => t.firstHeldBack)).toHaveLength(1);
      expect(new Set(takes.map((t) => t.windowId)).size).toBe(1);
      const tally = await a.heldBackOf('budget:slack', takes[0].windowId, 5);
      expect(tally).toMatchObject({ heldBack: 197, fingerprints: 40, overflow: false });
      expect(tally?.top).toHaveLength(5);
      expect(tally?.top[0]).toMatchObject({
        count: 5,
        title: expect.stringMatching(/^title of GET \/x Error/),
      });
    },
  );

  redisIt('keeps a bounded tally under a storm of distinct fingerprints, the total exact', async () => {
    const s = store(`${prefix}storm:`);
    const first = await s.take(request('heavy', { limit: 0, weight: 40 }));
    for (let i = 0; i < 300; i++) await s.take(request(`f${i}`, { limit: 0 }));
    const tally = await s.heldBackOf('budget:slack', first.windowId, 3);
    expect(tally).toMatchObject({ heldBack: 340, fingerprints: TALLY_SIZE, overflow: true });
    expect(tally?.top[0]).toMatchObject({ fingerprint: 'heavy', count: 40, title: 'title of heavy' });
    const keys = await client!.keys(`${prefix}storm:*`);
    expect(keys.length).toBeLessThanOrEqual(5);
    for (const key of keys) expect(await client!.pttl(key)).toBeGreaterThan(0);
  });

  redisIt(
    'opens a new window when the last ends, keeping the previous one readable for its summary',
    async () => {
      const s = store(`${prefix}windows:`);
      const windowMs = 200;
      const first = await s.take(request('a', { windowMs, limit: 1 }));
      await s.take(request('b', { windowMs, limit: 1 }));
      // Windows run on Redis's clock: this waits for it, not for a timer of the library's.
      await sleep(windowMs + 20);
      const next = await s.take(request('c', { windowMs, limit: 1 }));
      expect(next).toMatchObject({ admitted: true });
      expect(next.windowId).toBeGreaterThan(first.windowId);
      expect((await s.take(request('d', { windowMs, limit: 1 }))).firstHeldBack).toBe(true);
      expect(await s.heldBackOf('budget:slack', first.windowId, 5)).toMatchObject({
        heldBack: 1,
        top: [{ fingerprint: 'b' }],
      });
      expect(await s.heldBackOf('budget:slack', next.windowId, 5)).toMatchObject({
        heldBack: 1,
        top: [{ fingerprint: 'd' }],
      });
      expect(await s.heldBackOf('budget:slack', 1, 5)).toBeUndefined();
    },
  );
});
