import { createServer, type AddressInfo, type Server } from 'node:net';
import { Controller, Get } from '@nestjs/common';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { ExceptionRegistry } from 'nestjs-faultline';
import { BUILT_IN_MAPPERS } from '../libs/error-handling/src/errors/mappers/built-in.mappers';
import { mapDependencyError } from '../libs/error-handling/src/errors/mappers/dependency.mapper';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { describeWith, TEST_DATABASE_URL, TEST_REDIS_URL } from './support/services';
import { FlakyProxy } from './support/tcp-proxy';

const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);
const UNAVAILABLE = { status: 503, code: 'DEPENDENCY_UNAVAILABLE' };

/** What `fn` rejects with (it must reject). */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A TCP server on 127.0.0.1 that does `onConnection` with each socket. */
async function tcpServer(onConnection: (socket: import('node:net').Socket) => void): Promise<Server> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('a dependency that cannot be reached: what its drivers really throw', () => {
  it('maps pg errors of a refused, silent or closing server to 503 of postgres', async () => {
    const silent = await tcpServer(() => undefined);
    const closing = await tcpServer((socket) => socket.destroy());
    try {
      const refused = await rejection(() => new Pool({ host: '127.0.0.1', port: 1 }).query('select 1'));
      const timedOut = await rejection(() =>
        new Pool({ host: '127.0.0.1', port: portOf(silent), connectionTimeoutMillis: 100 }).query('select 1'),
      );
      const terminated = await rejection(() =>
        new Pool({ host: '127.0.0.1', port: portOf(closing) }).query('select 1'),
      );
      // Port 1 is not PostgreSQL's: the network error names no dependency it knows. Node makes
      // this error in its own realm, not Jest's, so its class is not the Error the registry
      // knows here (in an application there is one realm): its mapper is asked directly.
      expect(mapDependencyError(refused)).toEqual({ ...UNAVAILABLE, dependency: 'network' });
      expect(registry.resolve(timedOut)).toEqual({ ...UNAVAILABLE, dependency: 'postgres' });
      expect(registry.resolve(terminated)).toEqual({ ...UNAVAILABLE, dependency: 'postgres' });
    } finally {
      silent.close();
      closing.close();
    }
  });

  it('maps what the application wrapped a driver error in (its cause) the same way', () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
      port: 6379,
    });
    const wrapped = new Error('loading the basket failed', { cause: new Error('cache', { cause: driver }) });
    expect(registry.resolve(wrapped)).toEqual({ ...UNAVAILABLE, dependency: 'redis' });
  });
});

describeWith('postgres')('PostgreSQL refusing or dropping connections', () => {
  it('maps a pool that cannot hand out a connection in time to 503 of postgres', async () => {
    // The only connection is taken with time to spare (a loaded machine may need more than the
    // 100 ms below to open it); then a second caller gets 100 ms to obtain one, and cannot.
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1, connectionTimeoutMillis: 30_000 });
    const held = await pool.connect();
    pool.options.connectionTimeoutMillis = 100;
    try {
      const error = await rejection(() => pool.query('select 1'));
      expect(registry.resolve(error)).toEqual({ ...UNAVAILABLE, dependency: 'postgres' });
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('maps a backend terminated by the server (57P01) to 503 of postgres', async () => {
    const victim = new Client({ connectionString: TEST_DATABASE_URL });
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await Promise.all([victim.connect(), admin.connect()]);
    // The client emits 'error' as well once its connection is gone.
    victim.on('error', () => undefined);
    try {
      const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
      const sleeping = rejection(() => victim.query('select pg_sleep(30)'));
      // Terminated once it is running: pg_stat_activity shows it active.
      for (;;) {
        const { rows } = await admin.query<{ state: string }>(
          'select state from pg_stat_activity where pid = $1',
          [pid],
        );
        if (rows[0]?.state === 'active') break;
      }
      await admin.query('select pg_terminate_backend($1)', [pid]);
      expect(registry.resolve(await sleeping)).toEqual({ ...UNAVAILABLE, dependency: 'postgres' });
      // And the next query on that client: pg says it is not queryable.
      expect(registry.resolve(await rejection(() => victim.query('select 1')))).toEqual({
        ...UNAVAILABLE,
        dependency: 'postgres',
      });
    } finally {
      await admin.end();
      await victim.end().catch(() => undefined);
    }
  });

  it('maps too many connections (53300) to 503 of postgres', async () => {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const role = `faultline_limited_${process.pid}`;
    try {
      await admin.query(`create role ${role} login connection limit 0`);
      const url = new URL(TEST_DATABASE_URL);
      url.username = role;
      url.password = '';
      const error = await rejection(() => new Client({ connectionString: url.toString() }).connect());
      expect(error).toMatchObject({ code: '53300' });
      expect(registry.resolve(error)).toEqual({ ...UNAVAILABLE, dependency: 'postgres' });
    } finally {
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});

describeWith('redis')('Redis refusing or dropping connections', () => {
  it('maps ioredis with no connection (retries used up, or closed) to 503 of redis', async () => {
    const down = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, lazyConnect: true });
    down.on('error', () => undefined);
    const closed = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    try {
      const retried = await rejection(() => down.get('k'));
      expect(retried).toMatchObject({ name: 'MaxRetriesPerRequestError' });
      expect(registry.resolve(retried)).toEqual({ ...UNAVAILABLE, dependency: 'redis' });
      await closed.connect();
      await closed.quit();
      const afterQuit = await rejection(() => closed.get('k'));
      expect(registry.resolve(afterQuit)).toEqual({ ...UNAVAILABLE, dependency: 'redis' });
    } finally {
      down.disconnect();
      closed.disconnect();
    }
  });
});

describeWith('postgres')('PostgreSQL cut in the middle of traffic', () => {
  let proxy: FlakyProxy;
  let pool: Pool;
  let webhook: HttpPeer;
  let fixture: FixtureApp;

  @Controller('orders')
  class OrdersController {
    @Get()
    async list() {
      const { rows } = await pool.query<{ n: number }>('select 1 as n');
      return rows;
    }
  }

  beforeAll(async () => {
    proxy = await FlakyProxy.inFrontOf(TEST_DATABASE_URL);
    // A cut proxy refuses at once; the timeout only bounds a connection a loaded machine is slow to open.
    pool = new Pool({
      connectionString: proxy.via(TEST_DATABASE_URL),
      max: 4,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client whose connection drops emits 'error' on the pool.
    pool.on('error', () => undefined);
    webhook = await startHttpPeer();
    fixture = await startFixture([OrdersController], {
      retryAfterSeconds: 7,
      alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
    });
  });

  afterAll(async () => {
    await fixture?.close();
    await pool?.end().catch(() => undefined);
    await proxy?.close();
    await webhook?.close();
  });

  it('answers every failed request 503 DEPENDENCY_UNAVAILABLE with Retry-After, counts it and alerts once', async () => {
    const http = fixture.http();
    for (let i = 0; i < 5; i++) await http.get('/orders').expect(200);
    // In flight while the connections drop, and after: every form the failure takes.
    const during = Array.from({ length: 20 }, (_, i) => http.get('/orders').set('X-Request-Id', `cut-${i}`));
    proxy.cut();
    const after = Array.from({ length: 20 }, (_, i) =>
      http.get('/orders').set('X-Request-Id', `cut-${20 + i}`),
    );
    const answers = await Promise.all([...during, ...after]);
    const failed = answers.filter((r) => r.status !== 200);
    expect(failed.length).toBeGreaterThanOrEqual(20);
    for (const res of failed) {
      expect({ status: res.status, code: res.body.code, retryAfter: res.headers['retry-after'] }).toEqual({
        status: 503,
        code: 'DEPENDENCY_UNAVAILABLE',
        retryAfter: '7',
      });
      // The driver's message (host, port, SQL) is not the client's business; only debug mode
      // (on under NODE_ENV=test) shows the exception.
      const { debug: _debug, ...shown } = res.body as Record<string, unknown>;
      expect(JSON.stringify(shown)).not.toMatch(/terminated|ECONN|127\.0\.0\.1|select/i);
    }

    const [line] = await fixture.pino.request(failed[0].headers['x-request-id'] as string);
    expect(line).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'postgres' });

    const metrics = parseMetrics((await http.get('/metrics').expect(200)).text);
    expect(samplesOf(metrics, 'faultline_dependency_unavailable_total', { dependency: 'postgres' })).toEqual([
      expect.objectContaining({ value: failed.length }),
    ]);

    // One alert for the dependency, not one per route or error class (pg throws several).
    const [alert] = await webhook.waitFor(1);
    expect(alert.json).toMatchObject({
      title: expect.stringContaining('postgres unavailable'),
      fingerprint: 'dependency-unavailable postgres',
      code: 'DEPENDENCY_UNAVAILABLE',
    });
    proxy.restore();
    await http.get('/orders').expect(200);
    const later = await webhook.waitFor(1);
    expect(later.filter((r) => /postgres unavailable/.test(String(r.json.title)))).toHaveLength(1);
  });
});

describe("an application's own dependency, named by its mapper", () => {
  class PaymentsDown extends Error {}
  class OddlyNamed extends Error {}

  @Controller('pay')
  class PayController {
    @Get()
    pay(): never {
      throw new PaymentsDown('payments api timed out');
    }

    @Get('odd')
    odd(): never {
      throw new OddlyNamed('x');
    }
  }

  it('labels its metric and log line with that name; a name unfit for a label becomes other', async () => {
    const fixture = await startFixture([PayController], {
      mappers: [
        {
          type: PaymentsDown,
          map: () => ({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'payments' }),
        },
        {
          type: OddlyNamed,
          map: () => ({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'pay\n"ments" {x}' }),
        },
      ],
    });
    try {
      const http = fixture.http();
      await http.get('/pay').set('X-Request-Id', 'own-dep-1').expect(503);
      await http.get('/pay/odd').set('X-Request-Id', 'own-dep-2').expect(503);
      expect((await fixture.pino.request('own-dep-1'))[0]).toMatchObject({ dependency: 'payments' });
      expect((await fixture.pino.request('own-dep-2'))[0]).toMatchObject({ dependency: 'other' });
      const metrics = parseMetrics((await http.get('/metrics').expect(200)).text);
      expect(
        samplesOf(metrics, 'faultline_dependency_unavailable_total').map((m) => [
          m.labels.dependency,
          m.value,
        ]),
      ).toEqual([
        ['payments', 1],
        ['other', 1],
      ]);
    } finally {
      await fixture.close();
    }
  });
});
