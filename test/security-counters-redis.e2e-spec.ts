import { randomUUID } from 'node:crypto';
import { Body, Controller, Post } from '@nestjs/common';
import Redis from 'ioredis';
import {
  AlertService,
  AuditService,
  RedisSecurityCounterStore,
  SecurityEventKind,
  SecurityEvents,
  UnauthenticatedError,
  type ErrorHandlingModuleOptions,
} from 'nestjs-faultline';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { LEVEL } from './support/log-capture';
import { MemoryAuditStore } from './support/memory-audit-store';
import { itWith, TEST_REDIS_URL } from './support/services';
import { FlakyProxy } from './support/tcp-proxy';
import { waitUntil } from './support/wait';

jest.setTimeout(60_000);

const redisIt = itWith('redis');

@Controller()
class LoginController {
  constructor(private readonly security: SecurityEvents) {}

  @Post('login')
  login(@Body() body: { username?: string }): never {
    this.security.record(SecurityEventKind.LOGIN_FAILED, { data: { username: body.username } });
    throw new UnauthenticatedError('wrong username or password');
  }
}

/** One instance of the service, with its own clock (which the test moves) and audit store. */
interface Instance {
  fixture: FixtureApp;
  clock: ManualClock;
  store: MemoryAuditStore;
  url: string;
}

/**
 * One instance: more than 10 failed logins from one ip in the window is suspicious, and raises
 * an alert at the webhook. Its clock does not move unless the test says so: a Redis call on a
 * busy machine cannot time out, and Redis is retried after a failure only when the test moves
 * the clock past the retry interval (5 s).
 */
async function startInstance(
  webhook: HttpPeer,
  options: Pick<ErrorHandlingModuleOptions, 'redis'> & {
    alertsRedis?: { url: string; keyPrefix: string };
  } = {},
): Promise<Instance> {
  const clock = new ManualClock();
  const store = new MemoryAuditStore();
  const fixture = await startFixture([LoginController], {
    redis: options.redis,
    audit: { store, security: { threshold: 10 } },
    alerts: {
      webhook: { url: webhook.url },
      excludeEnvironments: [],
      errorRate: false,
      redis: options.alertsRedis,
    },
    clock,
  });
  await fixture.app.listen(0, '127.0.0.1');
  const url = (await fixture.app.getUrl()).replace('[::1]', '127.0.0.1');
  return { fixture, clock, store, url };
}

/** A failed login at `instance`; the answer is always the 401 of the login itself. */
async function failLogin(instance: Instance): Promise<void> {
  const res = await fetch(`${instance.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mallory' }),
  });
  expect(res.status).toBe(401);
}

/** The suspicious-activity alerts for failed logins the webhook received. */
const loginAlerts = (webhook: HttpPeer) =>
  webhook.received.filter(
    (r) => r.json.kind === 'suspicious-activity' && String(r.json.title).includes('LOGIN_FAILED'),
  );

/** The security channel's lines of `instance` whose message matches `msg`. */
const securityLines = (instance: Instance, msg: RegExp) =>
  instance.fixture.pino.lines.filter((l) => l.channel === 'security' && msg.test(String(l.msg)));

describe('suspicious-activity counters shared through the redis option', () => {
  let webhook: HttpPeer;
  let redis: Redis;
  const instances: Instance[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    webhook = await startHttpPeer();
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  });
  afterEach(async () => {
    for (const i of instances.splice(0)) await i.fixture.close();
    for (const close of closers.splice(0)) await close();
    redis.disconnect();
    await webhook.close();
  });

  /** The shared count of failed logins under `prefix` (one ip: every request comes from 127.0.0.1). */
  async function sharedCount(prefix: string): Promise<number> {
    const keys = await redis.keys(`${prefix}security:LOGIN_FAILED:*`);
    expect(keys.length).toBeLessThanOrEqual(1);
    return keys.length === 0 ? 0 : Number(await redis.get(keys[0]));
  }

  /** `n` failed logins, taking turns between the instances. */
  async function failLoginsAcross(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await failLogin(instances[i % instances.length]);
  }

  /** Waits until the shared count of failed logins under `prefix` is `n`. */
  async function sharedCountReaches(prefix: string, n: number): Promise<void> {
    await waitUntil(
      async () => (await sharedCount(prefix)) === n,
      20_000,
      () => `the shared count never reached ${n}`,
    );
  }

  /** Waits until every audit event recorded so far is in its instance's store. */
  async function eventsStored(): Promise<void> {
    for (const i of instances) await i.fixture.app.get(AuditService).flush();
  }

  /**
   * Waits until the webhook has received `n` failed-login alerts. The shared count reaches its
   * value in Redis before the instance that sent the increment has its reply and raises the
   * alert, so a flush right after the count may find nothing queued yet.
   */
  async function loginAlertsReach(n: number): Promise<void> {
    await waitUntil(
      () => loginAlerts(webhook).length >= n,
      20_000,
      () => `${n} failed-login alerts were never delivered (got ${loginAlerts(webhook).length})`,
    );
  }

  /** Waits until every alert raised so far by every instance went out. */
  async function alertsDelivered(): Promise<void> {
    for (const i of instances) expect(await i.fixture.app.get(AlertService).flush(20_000)).toBe(true);
  }

  redisIt(
    'two instances reach the threshold together: failed logins split across both raise one alert',
    async () => {
      const prefix = `faultline-test:${randomUUID()}:`;
      instances.push(
        await startInstance(webhook, { redis: { url: TEST_REDIS_URL, keyPrefix: prefix } }),
        await startInstance(webhook, { redis: { url: TEST_REDIS_URL, keyPrefix: prefix } }),
      );
      // 12 failed logins, 6 at each: neither instance alone passes 10.
      await failLoginsAcross(12);
      await sharedCountReaches(prefix, 12);
      await loginAlertsReach(1);
      await alertsDelivered();

      const alerts = loginAlerts(webhook);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].json).toMatchObject({
        severity: 'warning',
        details: { count: 11, threshold: 10, windowSeconds: 300 },
      });
      // One instance crossed the threshold, and said so on its security channel.
      const warnings = instances.flatMap((i) => securityLines(i, /^suspicious activity$/));
      expect(warnings).toEqual([expect.objectContaining({ kind: 'LOGIN_FAILED', count: 11, threshold: 10 })]);
      // Every event was kept, by the instance that served it.
      await eventsStored();
      expect(instances.map((i) => i.store.events.filter((e) => e.action === 'LOGIN_FAILED').length)).toEqual([
        6, 6,
      ]);
      // The same option shares the alert throttle: its window for the alert is in Redis too.
      expect(await redis.keys(`${prefix}alerts:suspicious-activity LOGIN_FAILED *`)).toHaveLength(1);
      expect(instances.map((i) => i.fixture.app.get(AlertService).stats().throttleStoreFallback)).toEqual([
        false,
        false,
      ]);
      // Each counter expires with its window.
      const [key] = await redis.keys(`${prefix}security:LOGIN_FAILED:*`);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300_000);
    },
  );

  it('without the redis option each instance counts alone: the same split raises nothing', async () => {
    instances.push(await startInstance(webhook, {}), await startInstance(webhook, {}));
    await failLoginsAcross(12);
    await alertsDelivered();
    expect(loginAlerts(webhook)).toEqual([]);
    expect(instances.flatMap((i) => securityLines(i, /^suspicious activity$/))).toEqual([]);
  });

  redisIt(
    'Redis down: counting goes on in each process (one warning line each, no request fails); Redis back: shared again',
    async () => {
      const proxy = await FlakyProxy.inFrontOf(TEST_REDIS_URL);
      closers.push(() => proxy.close());
      const prefix = `faultline-test:${randomUUID()}:`;
      const url = proxy.via(TEST_REDIS_URL);
      instances.push(
        await startInstance(webhook, { redis: { url, keyPrefix: prefix } }),
        await startInstance(webhook, { redis: { url, keyPrefix: prefix } }),
      );
      const [a, b] = instances;

      // Shared: 4 failed logins, 2 at each.
      await failLoginsAcross(4);
      await sharedCountReaches(prefix, 4);

      // Down: 11 at a and 2 at b, all answered. a counts 11 in its own process and raises the alert.
      proxy.cut();
      for (let i = 0; i < 11; i++) await failLogin(a);
      for (let i = 0; i < 2; i++) await failLogin(b);
      await webhook.waitFor(1, 20_000);
      for (const i of instances) {
        await i.fixture.pino.waitFor(() => securityLines(i, /security counter store unavailable/).length > 0);
      }
      await alertsDelivered();
      expect(loginAlerts(webhook).map((r) => r.json.details)).toEqual([
        expect.objectContaining({ count: 11 }),
      ]);
      for (const i of instances) {
        const down = securityLines(i, /security counter store unavailable/);
        expect(down).toEqual([
          expect.objectContaining({
            level: LEVEL.warn,
            msg: 'security counter store unavailable, counting in this process until it returns',
          }),
        ]);
      }
      // Nothing lost: every event was recorded.
      await eventsStored();
      expect(a.store.events.filter((e) => e.action === 'LOGIN_FAILED')).toHaveLength(13);
      expect(b.store.events.filter((e) => e.action === 'LOGIN_FAILED')).toHaveLength(4);
      expect(await sharedCount(prefix)).toBe(4);

      // Back: once the retry interval has passed, the next event goes to Redis again. Events of
      // another kind (so the failed logins' count stays as it was) until both instances say so.
      proxy.restore();
      await waitUntil(
        async () => {
          for (const i of instances) {
            await i.clock.advance(5000);
            i.fixture.app
              .get(SecurityEvents)
              .record(SecurityEventKind.PERMISSION_DENIED, { ip: '192.0.2.1' });
          }
          return instances.every((i) => securityLines(i, /security counter store is back/).length === 1);
        },
        20_000,
        () => 'Redis was never used again',
        100,
      );
      expect(securityLines(a, /security counter store unavailable/)).toHaveLength(1);

      // Shared again: 4 + 8 split across both instances passes the threshold once more, in Redis.
      await failLoginsAcross(8);
      await sharedCountReaches(prefix, 12);
      await loginAlertsReach(2);
      await alertsDelivered();
      expect(loginAlerts(webhook).map((r) => r.json.details)).toEqual([
        expect.objectContaining({ count: 11 }),
        expect.objectContaining({ count: 11 }),
      ]);
    },
  );

  redisIt('alerts.redis overrides the redis option for the alert throttle', async () => {
    const prefix = `faultline-test:${randomUUID()}:`;
    // Nothing listens on port 1: the security counters fall back, the alert throttle does not.
    const instance = await startInstance(webhook, {
      redis: { url: 'redis://127.0.0.1:1' },
      alertsRedis: { url: TEST_REDIS_URL, keyPrefix: `${prefix}alerts:` },
    });
    instances.push(instance);
    for (let i = 0; i < 11; i++) await failLogin(instance);
    await webhook.waitFor(1, 20_000);
    await alertsDelivered();
    expect(loginAlerts(webhook).map((r) => r.json.details)).toEqual([expect.objectContaining({ count: 11 })]);
    expect(securityLines(instance, /security counter store unavailable/)).toHaveLength(1);
    expect(instance.fixture.app.get(AlertService).stats().throttleStoreFallback).toBe(false);
    expect(await redis.keys(`${prefix}alerts:suspicious-activity LOGIN_FAILED *`)).toHaveLength(1);
  });

  redisIt(
    'counts atomically: concurrent increments each get their own count, and the key expires with its window',
    async () => {
      const key = `faultline-test:${randomUUID()}:security:LOGIN_FAILED:203.0.113.9`;
      const store = new RedisSecurityCounterStore(redis);
      const counts = await Promise.all(Array.from({ length: 200 }, () => store.increment(key, 60_000)));
      expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      // A key some other writer left without an expiry gets one: nothing stays for ever.
      await redis.set(`${key}:other`, '5');
      expect(await store.increment(`${key}:other`, 60_000)).toBe(6);
      expect(await redis.pttl(`${key}:other`)).toBeGreaterThan(0);
      await redis.del(key, `${key}:other`);
    },
  );

  it('stops start-up naming a wrong redis option', async () => {
    await expect(
      startFixture([LoginController], { redis: { url: 'http://127.0.0.1:6379' } }),
    ).rejects.toThrow('FAULTLINE_INVALID_OPTION: redis.url must be a redis:// or rediss:// URL');
    await expect(
      startFixture([LoginController], { redis: { url: 'redis://127.0.0.1:6379', client: redis } }),
    ).rejects.toThrow('FAULTLINE_INVALID_OPTION: redis needs exactly one of url and client');
  });
});
