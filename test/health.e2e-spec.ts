import { Controller, Get } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { freshPgliteDir } from './support/pglite-dirs';
import { Pool } from 'pg';
import type { Response } from 'supertest';
import { Readiness } from 'nestjs-faultline';
import { HealthProbes } from '../libs/error-handling/src/health/health-probes.service';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { describeWith, TEST_DATABASE_URL, TEST_REDIS_URL } from './support/services';
import { FlakyProxy } from './support/tcp-proxy';
import { waitUntil } from './support/wait';
import { initTestApplication } from './support/http-adapter';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }
}

/** Generous: the suite must pass on a small machine kept busy by other work. */
const WAIT_MS = 20_000;

/** Polls `/ready` until it answers `status` (failing past {@link WAIT_MS}); returns that answer. */
async function readyBecomes(fixture: FixtureApp, status: number): Promise<Response> {
  let last: Response | undefined;
  await waitUntil(
    async () => {
      last = await fixture.http().get('/ready');
      return last.status === status;
    },
    WAIT_MS,
    () =>
      `/ready did not answer ${status} within ${WAIT_MS} ms; last ${last?.status} ${JSON.stringify(last?.body)}`,
    50,
  );
  return last!;
}

describeWith('postgres', 'redis')('health probes against real PostgreSQL and Redis', () => {
  let pgProxy: FlakyProxy;
  let redisProxy: FlakyProxy;
  let pool: Pool;
  let fixture: FixtureApp;
  const changes: [boolean, string][] = [];

  beforeAll(async () => {
    pgProxy = await FlakyProxy.inFrontOf(TEST_DATABASE_URL);
    redisProxy = await FlakyProxy.inFrontOf(TEST_REDIS_URL);
    pool = new Pool({
      connectionString: pgProxy.via(TEST_DATABASE_URL),
      max: 2,
      // Far above health.timeoutMs: the check's own timeout, not the pool's, must end a hung probe.
      connectionTimeoutMillis: 30_000,
    });
    pool.on('error', () => undefined);
    fixture = await startFixture([ThingsController], {
      debug: false,
      health: {
        database: { executor: pool },
        redis: { url: redisProxy.via(TEST_REDIS_URL) },
        timeoutMs: 1000,
      },
    });
    fixture.app.get(Readiness).onChange((ready, reason) => changes.push([ready, reason]));
  });

  afterAll(async () => {
    await fixture.close();
    await pool.end();
    await pgProxy.close();
    await redisProxy.close();
  });

  it('answers /ready 200 with both checks up', async () => {
    const res = await readyBecomes(fixture, 200);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
      error: {},
      details: { database: { status: 'up' }, redis: { status: 'up' } },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['database', () => pgProxy],
    ['redis', () => redisProxy],
  ])(
    'answers 503, not a hang, when the %s connection is cut, naming the check and nothing of the connection; 200 once restored',
    async (check, proxyOf) => {
      const proxy = proxyOf();
      await readyBecomes(fixture, 200);
      changes.length = 0;
      proxy.cut();
      const started = Date.now();
      const res = await fixture.http().get('/ready');
      // The checks give up after health.timeoutMs (1 s). The bound is far above it, so a busy
      // machine cannot break it, and far below what a hang would take (the pool gives up
      // connecting only after 30 s): it tells an answer from a hang, not a speed.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('error');
      expect(res.body.error).toEqual({ [check]: { status: 'down' } });
      const text = JSON.stringify(res.body);
      for (const leak of [
        '127.0.0.1',
        'localhost',
        String(proxy.port),
        String(pgProxy.port),
        String(redisProxy.port),
        'postgres',
        'ECONN',
        'Connection',
        'timeout',
        'Stream',
        'writeable',
      ]) {
        expect(text).not.toContain(leak);
      }
      // Liveness does not depend on the checks.
      await fixture.http().get('/health').expect(200, { status: 'ok' });
      // A second failing probe is not a second change.
      await fixture.http().get('/ready').expect(503);
      proxy.restore();
      const back = await readyBecomes(fixture, 200);
      expect(back.status).toBe(200);
      expect(changes).toEqual([
        [false, `failing: ${check}`],
        [true, ''],
      ]);
      const logged = fixture.logs.entries.filter((e) => e.message.startsWith('readiness turned'));
      expect(logged.slice(-2).map((e) => [e.level, e.message])).toEqual([
        ['warn', `readiness turned false: failing: ${check}`],
        ['log', 'readiness turned true'],
      ]);
    },
    60_000,
  );
});

describeWith('redis')('the Redis readiness check while its first connection is being opened', () => {
  let proxy: FlakyProxy;
  let fixture: FixtureApp | undefined;

  afterEach(async () => {
    await fixture?.close();
    await proxy?.close();
  });

  it('waits for the connection within the timeout instead of answering 503 at once', async () => {
    proxy = await FlakyProxy.inFrontOf(TEST_REDIS_URL);
    proxy.hold();
    fixture = await startFixture([ThingsController], {
      debug: true,
      health: {
        redis: { url: proxy.via(TEST_REDIS_URL), timeoutMs: 30_000 },
        // Runs after the Redis check has pinged: only then does the connection go through.
        indicators: [
          () => {
            proxy.restore();
            return { released: { status: 'up' } };
          },
        ],
      },
    });
    await proxy.holding();
    const ready = await fixture.http().get('/ready');
    expect(ready.body.info).toEqual({ redis: { status: 'up' }, released: { status: 'up' } });
    expect(ready.status).toBe(200);
  });

  it('fails with the connection error, not a wait for the timeout, when Redis refuses it', async () => {
    proxy = await FlakyProxy.inFrontOf(TEST_REDIS_URL);
    proxy.cut();
    fixture = await startFixture([ThingsController], {
      debug: true,
      health: { redis: { url: proxy.via(TEST_REDIS_URL), timeoutMs: 600_000 } },
    });
    const ready = await fixture.http().get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.redis.status).toBe('down');
  });
});

describe('health probes', () => {
  let fixture: FixtureApp | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('checks the audit SQL store on PGlite by default, and shows the driver message only in debug mode', async () => {
    const db = await PGlite.create(freshPgliteDir());
    fixture = await startFixture([ThingsController], { debug: true, audit: { sql: { executor: db } } });
    const up = await fixture.http().get('/ready');
    expect(up.status).toBe(200);
    expect(up.body.info).toEqual({ database: { status: 'up' } });
    await db.close();
    const down = await fixture.http().get('/ready');
    expect(down.status).toBe(503);
    expect(down.body.error.database.status).toBe('down');
    expect(typeof down.body.error.database.message).toBe('string');
  });

  it('turns the memory heap, disk and event-loop checks on when configured', async () => {
    fixture = await startFixture([ThingsController], {
      debug: false,
      health: {
        memoryHeap: { maxBytes: 1 },
        disk: { path: '/', thresholdPercent: 1 },
        eventLoopLag: { maxMs: 10_000 },
      },
    });
    const res = await fixture.http().get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ memory_heap: { status: 'down' } });
    expect(res.body.info).toEqual({ disk: { status: 'up' }, event_loop_lag: { status: 'up' } });
    // A 503 from /ready is an answer, logged at warn with its reason, not an error line.
    const [line] = await fixture.pino.waitFor((lines) => lines.some((l) => l.route === '/ready'));
    const probeLine = fixture.pino.lines.find((l) => l.route === '/ready') ?? line;
    expect(probeLine).toMatchObject({
      level: 40,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      err: { type: 'NotReady', message: 'not ready: failing: memory_heap' },
    });
  });

  it('serves the probes at configured paths, past the application guards and pipes', async () => {
    fixture = await startFixture([ThingsController], {
      health: { livenessPath: '/livez', readinessPath: '/readyz' },
    });
    await fixture.http().get('/livez').expect(200, { status: 'ok' });
    await fixture.http().get('/readyz').expect(200);
    await fixture.http().get('/health').expect(404);
  });

  it('serves no probes when turned off', async () => {
    fixture = await startFixture([ThingsController], { health: false });
    await fixture.http().get('/health').expect(404);
    await fixture.http().get('/ready').expect(404);
  });

  it('is not ready before the server listens, and ready once it does', async () => {
    const { Test } = await import('@nestjs/testing');
    const { ErrorHandlingModule } = await import('nestjs-faultline');
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot({ logging: false })],
      controllers: [ThingsController],
    }).compile();
    const app = await initTestApplication(moduleRef, { logger: false });
    try {
      const before = await app.get(HealthProbes).ready();
      expect(before).toEqual({ status: 503, body: expect.objectContaining({ status: 'starting' }) });
      expect(app.get(Readiness).isReady()).toBe(false);
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const res = await fetch(`${url}/ready`);
      expect(res.status).toBe(200);
      expect(app.get(Readiness).isReady()).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('answers /ready 503 from the moment shutdown begins while /health stays 200', async () => {
    fixture = await startFixture([ThingsController]);
    await fixture.http().get('/ready').expect(200);
    const readiness = fixture.app.get(Readiness);
    await expect(readiness.drain(1000)).resolves.toBe(true);
    await fixture.http().get('/ready').expect(503, { status: 'shutting_down' });
    await fixture.http().get('/health').expect(200);
    expect(readiness.isReady()).toBe(false);
  });
});
