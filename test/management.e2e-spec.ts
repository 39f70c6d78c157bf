import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:net';
import request from 'supertest';
import {
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  enableGracefulShutdown,
  FaultlineConfigError,
  ManagementServer,
  Readiness,
} from 'nestjs-faultline';
import { withCapture } from './support/fixture-app';
import { readyForRequests, testHttpAdapter } from './support/http-adapter';
import { LEVEL, LogCapture } from './support/log-capture';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { CapturingLogger } from './support/sample-app';

/** Resolved by the test: `GET /things/slow` answers once it is. */
let releaseSlow: () => void = () => undefined;
/** Resolves when `GET /things/slow` has begun. */
let slowEntered: Promise<void> = Promise.resolve();

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }

  @Get('slow')
  async slow() {
    await new Promise<void>((resolve) => {
      releaseSlow = resolve;
      enteredSlow();
    });
    return { slow: true };
  }
}
let enteredSlow: () => void = () => undefined;

/** Arms `GET /things/slow`: the returned promise resolves once a request has entered it. */
function armSlow(): void {
  slowEntered = new Promise<void>((resolve) => (enteredSlow = resolve));
}

const TOKEN = 'mTk3c2VjcmV0LXNjcmFwZS10b2tlbg';
const NEXT_TOKEN = 'bmV4dC1zY3JhcGUtdG9rZW4tMjAyNg';

interface Started {
  app: INestApplication;
  logs: CapturingLogger;
  pino: LogCapture;
  /** Requests to the application's server. */
  http: () => ReturnType<typeof request>;
  /** Requests to the management server (127.0.0.1 and the port it took). */
  management: () => ReturnType<typeof request>;
}

/** A fixture app with Faultline's `options`, and `app.setGlobalPrefix(prefix, ...)` before init. */
async function start(
  options: ErrorHandlingModuleOptions,
  prefix?: { prefix: string; exclude?: string[] },
): Promise<Started> {
  const pino = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot(withCapture(options, pino))],
    controllers: [ThingsController],
  }).compile();
  const logs = new CapturingLogger();
  const adapter = testHttpAdapter();
  const app = adapter
    ? moduleRef.createNestApplication(adapter, { logger: logs })
    : moduleRef.createNestApplication({ logger: logs });
  if (prefix) app.setGlobalPrefix(prefix.prefix, prefix.exclude ? { exclude: prefix.exclude } : undefined);
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  await readyForRequests(app);
  const server = app.getHttpServer();
  return {
    app,
    logs,
    pino,
    http: () => request(server),
    management: () => request(managementUrl(app)),
  };
}

function managementUrl(app: INestApplication): string {
  const address = app.get(ManagementServer).address();
  if (!address) throw new Error('the management server does not listen');
  return `http://127.0.0.1:${address.port}`;
}

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected start-up to fail');
    },
    (error: unknown) => error,
  );
}

describe('probes and metrics under the global prefix', () => {
  let s: Started | undefined;
  afterEach(async () => {
    await s?.app.close();
    s = undefined;
  });

  it('answers /api/health, /api/ready and /api/metrics with useGlobalPrefix, and nothing at the root', async () => {
    s = await start(
      { health: { useGlobalPrefix: true }, metrics: { useGlobalPrefix: true } },
      { prefix: 'api' },
    );
    await s.http().get('/api/things').expect(200);
    await s.http().get('/api/health').expect(200, { status: 'ok' });
    await s.http().get('/api/ready').expect(200);
    const metrics = await s.http().get('/api/metrics').expect(200);
    expect(samplesOf(parseMetrics(metrics.text), 'faultline_ready')).toHaveLength(1);
    for (const path of ['/health', '/ready', '/metrics']) await s.http().get(path).expect(404);
  });

  it('keeps them at the root without useGlobalPrefix, as before', async () => {
    s = await start({}, { prefix: '/api/' });
    await s.http().get('/api/things').expect(200);
    await s.http().get('/health').expect(200, { status: 'ok' });
    await s.http().get('/ready').expect(200);
    await s.http().get('/metrics').expect(200);
    for (const path of ['/api/health', '/api/ready', '/api/metrics']) await s.http().get(path).expect(404);
  });

  it('prefixes each feature by its own option, and leaves a path setGlobalPrefix excludes at the root', async () => {
    s = await start(
      { health: { useGlobalPrefix: true, livenessPath: '/livez' }, metrics: {} },
      { prefix: 'v1', exclude: ['livez'] },
    );
    await s.http().get('/livez').expect(200, { status: 'ok' });
    await s.http().get('/v1/livez').expect(404);
    await s.http().get('/v1/ready').expect(200);
    await s.http().get('/metrics').expect(200);
    await s.http().get('/v1/metrics').expect(404);
  });

  it('serves the paths as they are when no global prefix is set', async () => {
    s = await start({ health: { useGlobalPrefix: true }, metrics: { useGlobalPrefix: true } });
    await s.http().get('/health').expect(200);
    await s.http().get('/metrics').expect(200);
  });
});

describe('guards of the probes and the metrics', () => {
  let s: Started | undefined;
  afterEach(async () => {
    await s?.app.close();
    s = undefined;
  });

  it('answers /metrics 401 without the bearer token or with another, 200 with it, never logging it', async () => {
    s = await start({
      metrics: { bearerToken: [NEXT_TOKEN, TOKEN] },
      logging: { requestDetails: 'all-errors' },
    });
    const missing = await s.http().get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(missing.body).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'The metrics ask for a bearer token: Authorization: Bearer <token>.',
      code: 'UNAUTHENTICATED',
      requestId: missing.headers['x-request-id'],
    });

    const wrong = await s.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="metrics", error="invalid_token"');
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
    await s.http().get('/metrics').set('Authorization', `Basic ${TOKEN}`).expect(401);
    await s.http().get('/metrics').set('Authorization', 'Bearer').expect(401);
    await s.http().get('/metrics').set('X-Token', TOKEN).expect(401);

    const right = await s.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(right.headers['content-type']).toMatch(/^text\/plain/);
    expect(samplesOf(parseMetrics(right.text), 'faultline_ready')).toHaveLength(1);
    // The token being rotated in, and the scheme in any case.
    await s.http().get('/metrics').set('Authorization', `bearer ${NEXT_TOKEN}`).expect(200);
    // The probes ask for no token.
    await s.http().get('/health').expect(200);

    const lines = await s.pino.waitFor(
      (all) => all.filter((l) => l.route === '/metrics' && l.status === 401).length === 5,
    );
    const refused = lines.filter((l) => l.route === '/metrics' && l.status === 401);
    expect(refused[0]).toMatchObject({
      level: LEVEL.warn,
      code: 'UNAUTHENTICATED',
      err: { type: 'BearerTokenRefused', message: 'no bearer token' },
    });
    expect(refused[1]).toMatchObject({ err: { type: 'BearerTokenRefused', message: 'wrong bearer token' } });
    expect(JSON.stringify(refused[1])).toMatch(/authorization/i);
    await s.pino.waitFor((all) => all.some((l) => l.route === '/metrics' && l.status === 200));
    for (const line of s.pino.raw) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(NEXT_TOKEN);
    }
  });

  it('answers 403 when a guard says no or fails, and lets the request through when it says true', async () => {
    const key = 'probe-key-1';
    s = await start({
      health: { guard: (req) => req.headers['x-probe-key'] === key },
      metrics: {
        guard: async function onlyScraper(req) {
          if (req.headers['x-scraper'] === 'broken') throw new Error('guard blew up');
          return req.headers['x-scraper'] === 'prometheus';
        },
      },
    });
    const refused = await s.http().get('/health').expect(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 403, code: 'PERMISSION_DENIED', title: 'Forbidden' });
    await s.http().get('/ready').set('X-Probe-Key', 'other').expect(403);
    await s.http().get('/health').set('X-Probe-Key', key).expect(200, { status: 'ok' });
    await s.http().get('/ready').set('X-Probe-Key', key).expect(200);

    await s.http().get('/metrics').expect(403);
    await s.http().get('/metrics').set('X-Scraper', 'prometheus').expect(200);
    await s.http().get('/metrics').set('X-Scraper', 'broken').expect(403);
    const lines = await s.pino.waitFor((all) => all.some((l) => l.msg === 'endpoint guard threw'));
    expect(lines.find((l) => l.msg === 'endpoint guard threw')).toMatchObject({
      level: LEVEL.error,
      extensionPoint: 'endpoint-guard',
      listener: 'onlyScraper',
      err: { message: 'guard blew up' },
    });
    const guardLine = await s.pino.waitFor((all) =>
      all.some((l) => l.route === '/health' && l.status === 403),
    );
    expect(guardLine.find((l) => l.route === '/health' && l.status === 403)).toMatchObject({
      level: LEVEL.warn,
      code: 'PERMISSION_DENIED',
      err: { type: 'GuardRefused', message: 'health.guard refused the request' },
    });
  });

  it('stops start-up naming a token that is too short, without showing it', async () => {
    const error = await rejection(start({ metrics: { bearerToken: 'letmein' } }));
    expect(error).toBeInstanceOf(FaultlineConfigError);
    expect((error as FaultlineConfigError).option).toBe('metrics.bearerToken');
    expect((error as Error).message).not.toContain('letmein');
  });
});

describe('the management server', () => {
  let s: Started | undefined;
  afterEach(async () => {
    await s?.app.close();
    s = undefined;
  });

  it('serves /health, /ready and /metrics on its own port, and the application port does not', async () => {
    s = await start({ management: { port: 0, host: '127.0.0.1' }, metrics: { bearerToken: TOKEN } });
    // Ready once the application's server listens.
    await s.app.listen(0, '127.0.0.1');
    const port = s.app.get(ManagementServer).address()!.port;
    expect(s.logs.entries.map((e) => e.message)).toContain(
      `management server listening on http://127.0.0.1:${port} (/health, /ready, /metrics)`,
    );
    await s.management().get('/health').expect(200, { status: 'ok' });
    const ready = await s.management().get('/ready').expect(200);
    expect(ready.headers['cache-control']).toBe('no-store');
    expect(ready.body).toMatchObject({ status: 'ok' });
    await s.management().get('/metrics').expect(401);
    const metrics = await s.management().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    // The application's requests are counted; the management server's are not.
    await s.http().get('/things').expect(200);
    const again = await s.management().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    const routes = samplesOf(parseMetrics(again.text), 'http_requests_total').map((x) => x.labels.route);
    expect(routes).toContain('/things');
    expect(routes).not.toContain('/metrics');
    expect(routes).not.toContain('/ready');

    for (const path of ['/health', '/ready', '/metrics']) await s.http().get(path).expect(404);
    await s.management().head('/health').expect(200);
    const unknown = await s.management().get('/things').expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const post = await s.management().post('/ready').expect(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    await s.management().get('/health?verbose=1').expect(200);
  });

  it('moves only the endpoints management.endpoints names', async () => {
    s = await start({ management: { port: 0, host: '127.0.0.1', endpoints: ['metrics'] } });
    await s.management().get('/metrics').expect(200);
    await s.management().get('/health').expect(404);
    await s.http().get('/health').expect(200);
    await s.http().get('/ready').expect(200);
    await s.http().get('/metrics').expect(404);
  });

  it('listens on every interface unless management.host says otherwise', async () => {
    s = await start({ management: { port: 0 } });
    const address = s.app.get(ManagementServer).address()!;
    expect(['::', '0.0.0.0']).toContain(address.address);
    await s.management().get('/health').expect(200);
  });

  it('serves the probes of an application that has no HTTP server (a microservice)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot({ logging: false, management: { port: 0, host: '127.0.0.1' } })],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    try {
      const url = `http://127.0.0.1:${moduleRef.get(ManagementServer).address()!.port}`;
      await request(url).get('/health').expect(200, { status: 'ok' });
      await request(url).get('/ready').expect(200);
      await request(url).get('/metrics').expect(200);
    } finally {
      await moduleRef.close();
    }
  });

  it('stops start-up naming management.port and the port when the port is in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const error = await rejection(start({ management: { port, host: '127.0.0.1' } }));
      expect(error).toBeInstanceOf(FaultlineConfigError);
      expect((error as FaultlineConfigError).option).toBe('management.port');
      expect((error as Error).message).toBe(
        `FAULTLINE_INVALID_OPTION: management.port ${port} is in use: the management server could not ` +
          `listen on 127.0.0.1, port ${port}. Choose a free port (not the application port either), ` +
          'or stop what listens there',
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it.each([
    [{ management: {} }, 'management.port'],
    [{ management: { port: '9090' } }, 'management.port'],
    [{ management: { port: 70_000 } }, 'management.port'],
    [{ management: { port: 0, host: 'not a host' } }, 'management.host'],
    [{ management: { port: 0, endpoints: ['logs'] } }, 'management.endpoints[0]'],
    [{ management: { port: 0, endpoints: [] } }, 'management.endpoints'],
    [{ management: { port: 0, prefix: '/actuator' } }, 'management.prefix'],
    [{ management: { port: 0 }, health: { useGlobalPrefix: true } }, 'health.useGlobalPrefix'],
    [{ management: { port: 0 }, metrics: { useGlobalPrefix: true } }, 'metrics.useGlobalPrefix'],
    [
      { management: { port: 0 }, health: { readinessPath: '/metrics' } },
      // The probes register first: the metrics path is the one that collides.
      'metrics.path',
    ],
  ])('stops start-up on %j, naming %s', async (options, option) => {
    const error = await rejection(start(options as ErrorHandlingModuleOptions));
    expect(error).toBeInstanceOf(FaultlineConfigError);
    expect((error as FaultlineConfigError).option).toBe(option);
  });

  it('answers /ready 503 on the management port while the drain waits, then closes at shutdown', async () => {
    s = await start({ management: { port: 0, host: '127.0.0.1' } });
    const app = s.app;
    await app.listen(0, '127.0.0.1');
    const url = managementUrl(app);
    await request(url).get('/ready').expect(200);
    armSlow();
    const appUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    const slow = fetch(`${appUrl}/things/slow`);
    await slowEntered;
    const readiness = app.get(Readiness);
    const stopping = new Promise<void>((resolve) =>
      readiness.onChange((ready, reason) => {
        if (!ready && reason === 'shutting down') resolve();
      }),
    );
    const shutdown = enableGracefulShutdown(app, { exit: false, signals: [] })();
    await stopping;
    await request(url).get('/ready').expect(503, { status: 'shutting_down' });
    await request(url).get('/health').expect(200, { status: 'ok' });
    expect(app.get(ManagementServer).address()).toBeDefined();
    releaseSlow();
    expect((await slow).status).toBe(200);
    await shutdown;
    s = undefined;
    expect(app.get(ManagementServer).address()).toBeUndefined();
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
