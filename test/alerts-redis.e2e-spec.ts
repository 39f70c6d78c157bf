import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Controller, Get, Param } from '@nestjs/common';
import { AlertService, type AlertsOptions } from 'nestjs-faultline';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { itWith, TEST_REDIS_URL } from './support/services';
import { stormErrors } from './support/storm-errors';
import { waitUntil } from './support/wait';

jest.setTimeout(60_000);

/** `it`, or `it.skip` with the reason in its title when Redis is unreachable. */
const redisIt = itWith('redis');

/** One error class per index: `GET /storm/:n` fails with a fingerprint of its own for each n. */
const STORM = stormErrors(200);

@Controller()
class StormController {
  @Get('jobs/:id/run')
  run(): never {
    throw new RangeError('queue overflow');
  }

  @Get('storm/:n')
  storm(@Param('n') n: string): never {
    throw new STORM[Number(n) % STORM.length]('the upstream timed out');
  }
}

/**
 * One instance of the service. Its timers run on a clock of the test's that does not move: a Redis
 * call on a busy machine cannot time out (and fall back to in-process throttling) while the test
 * runs, and the windows (an hour) cannot end; summaries are asked for with sendSummaries().
 * Redis is `alerts.redis`, or with `via: 'redis'` the module's top-level `redis` option.
 */
async function startInstance(
  webhook: HttpPeer,
  redisUrl: string,
  keyPrefix: string,
  options: AlertsOptions = {},
  via: 'alerts.redis' | 'redis' = 'alerts.redis',
): Promise<FixtureApp> {
  const redis = { url: redisUrl, keyPrefix };
  const f = await startFixture([StormController], {
    ...(via === 'redis' ? { redis } : {}),
    alerts: {
      webhook: { url: webhook.url },
      excludeEnvironments: [],
      errorRate: false,
      repeatLimit: 3,
      snoozeSeconds: 3600,
      ...(via === 'alerts.redis' ? { redis } : {}),
      ...options,
    },
    clock: new ManualClock(),
  });
  await f.app.listen(0, '127.0.0.1');
  return f;
}

/** `total` failing requests spread over the instances: `GET /jobs/<i>/run`, or `/storm/<i>`. */
async function storm(apps: FixtureApp[], total: number, route = 'jobs/:i/run'): Promise<void> {
  const urls = await Promise.all(apps.map(async (a) => (await a.app.getUrl()).replace('[::1]', '127.0.0.1')));
  for (let i = 0; i < total; i += 50) {
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        fetch(`${urls[(i + j) % urls.length]}/${route.replace(':i', String(i + j))}`).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([500]));
  }
}

/**
 * Waits until every failure of the storm has been through the throttle (`held` held back in all),
 * then has each instance send the summaries it owes and waits for delivery: after that, nothing
 * more can arrive.
 */
async function settle(
  apps: FixtureApp[],
  held: number,
  by: 'throttle' | 'budget' = 'throttle',
): Promise<void> {
  const services = apps.map((a) => a.app.get(AlertService));
  const count = (s: AlertService) =>
    by === 'throttle' ? s.stats().suppressed : (s.stats().channels.webhook?.heldBackByBudget ?? 0);
  const suppressed = () => services.reduce((n, s) => n + count(s), 0);
  await waitUntil(
    () => suppressed() >= held,
    30_000,
    () => `held back ${suppressed()} of ${held}`,
  );
  // The alerts let through first, then the summaries: in the order a channel would see them live.
  for (const service of services) expect(await service.flush(20_000)).toBe(true);
  for (const service of services) await service.sendSummaries();
  for (const service of services) expect(await service.flush(20_000)).toBe(true);
}

describe('alert throttling shared through Redis', () => {
  let webhook: HttpPeer;
  const apps: FixtureApp[] = [];

  beforeEach(async () => {
    webhook = await startHttpPeer();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await webhook.close();
  });

  redisIt('gives two instances one budget: at most repeatLimit alerts and one summary in total', async () => {
    const prefix = `faultline-test:${randomUUID()}:`;
    apps.push(
      await startInstance(webhook, TEST_REDIS_URL, prefix),
      await startInstance(webhook, TEST_REDIS_URL, prefix),
    );
    await storm(apps, 1000);
    await settle(apps, 997);
    const got = webhook.received;
    expect(got.map((r) => r.json.kind)).toEqual(['server-error', 'server-error', 'server-error', 'summary']);
    expect(got[3].json).toMatchObject({ heldBack: 997, fingerprint: 'GET /jobs/:id/run RangeError' });
    const stats = apps.map((a) => a.app.get(AlertService).stats());
    expect(stats[0].suppressed + stats[1].suppressed).toBe(997);
    // Both instances took part, so the budget was not per instance.
    expect(stats[0].suppressed).toBeGreaterThan(0);
    expect(stats[1].suppressed).toBeGreaterThan(0);
    expect(stats.every((s) => !s.throttleStoreFallback)).toBe(true);
  });

  describe.each([
    ['alerts.redis', '{budget:webhook}'],
    ['redis', 'alerts:{budget:webhook}'],
  ] as const)('with the budget shared through %s', (via, budgetKey) => {
    redisIt(
      'gives two instances one budget per channel: at most max alerts and one summary for a storm over 200 fingerprints',
      async () => {
        const prefix = `faultline-test:${randomUUID()}:`;
        const budget = { budget: { max: 20, windowSeconds: 3600 } };
        apps.push(
          await startInstance(webhook, TEST_REDIS_URL, prefix, budget, via),
          await startInstance(webhook, TEST_REDIS_URL, prefix, budget, via),
        );
        await storm(apps, 200, 'storm/:i');
        await settle(apps, 180, 'budget');
        const kinds = webhook.received.map((r) => r.json.kind);
        // Budget + 1 in total across both instances: 20 alerts, then the one summary.
        expect(kinds).toHaveLength(21);
        expect(kinds.filter((k) => k === 'server-error')).toHaveLength(20);
        expect(kinds.slice(20)).toEqual(['summary']);
        expect(webhook.received[20].json).toMatchObject({
          fingerprint: 'alert-budget webhook',
          heldBack: 180,
          details: { fingerprints: 'more than 100' },
        });
        const stats = apps.map((a) => a.app.get(AlertService).stats());
        // Both instances held alerts back: the budget was not per instance.
        expect(stats.every((s) => s.channels.webhook.heldBackByBudget > 0)).toBe(true);
        expect(stats.every((s) => !s.throttleStoreFallback)).toBe(true);
        // The budget's keys sit under the option's prefix, beside the throttle's.
        const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
        try {
          await redis.connect();
          expect(await redis.exists(`${prefix}${budgetKey}`)).toBe(1);
        } finally {
          redis.disconnect();
        }
      },
    );
  });

  it('falls back to an in-process budget when Redis is down: still at most max alerts and one summary', async () => {
    apps.push(
      await startInstance(webhook, 'redis://127.0.0.1:1', `faultline-test:${randomUUID()}:`, {
        budget: { max: 20, windowSeconds: 3600 },
      }),
    );
    await storm(apps, 200, 'storm/:i');
    await settle(apps, 180, 'budget');
    const got = webhook.received;
    expect(got.map((r) => r.json.kind)).toEqual([...Array(20).fill('server-error'), 'summary']);
    expect(got[20].json).toMatchObject({ fingerprint: 'alert-budget webhook', heldBack: 180 });
    expect(apps[0].app.get(AlertService).stats().throttleStoreFallback).toBe(true);
    // One notice for the throttle and the budget: they fall back together.
    const notices = apps[0].logs.entries.filter((e) => /alert throttle store unavailable/.test(e.message));
    expect(notices).toHaveLength(1);
  });

  it('falls back to in-process throttling when Redis is down, logs it once, and still throttles', async () => {
    // Nothing listens on port 1.
    apps.push(await startInstance(webhook, 'redis://127.0.0.1:1', `faultline-test:${randomUUID()}:`));
    await storm(apps, 200);
    await settle(apps, 197);
    const got = webhook.received;
    expect(got.map((r) => r.json.kind)).toEqual(['server-error', 'server-error', 'server-error', 'summary']);
    expect(got[3].json).toMatchObject({ heldBack: 197 });
    const service = apps[0].app.get(AlertService);
    expect(service.stats()).toMatchObject({ suppressed: 197, throttleStoreFallback: true });
    const notices = apps[0].logs.entries.filter((e) => /alert throttle store unavailable/.test(e.message));
    expect(notices).toHaveLength(1);
    expect(notices[0].level).toBe('warn');
  });
});
