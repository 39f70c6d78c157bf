import { Controller, Get, HttpException } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import {
  AppError,
  AuditService,
  ErrorHandlingModule,
  RateLimitedError,
  Readiness,
  type AuditEvent,
} from 'nestjs-faultline';
import { startFixture, withCapture, type FixtureApp } from './support/fixture-app';
import { MemoryAuditStore } from './support/memory-audit-store';
import { LEVEL, LogCapture, type LogRecord } from './support/log-capture';
import { waitUntil } from './support/wait';

/** Generous: the suite runs on a 2-core machine whose cores other processes keep busy. */
const WAIT_MS = 10_000;

/** Waits for the request line of `requestId` in `pino`, then returns every line of that request. */
async function requestLines(pino: LogCapture, requestId: string): Promise<LogRecord[]> {
  await waitUntil(
    () => pino.lines.some((l) => l.requestId === requestId && /^request /.test(String(l.msg))),
    WAIT_MS,
    () => `no request line for ${requestId}; got:\n${pino.raw.join('\n')}`,
  );
  return pino.forRequest(requestId);
}

describe('a 402 thrown as an AppError', () => {
  @Controller('billing')
  class BillingController {
    @Get('checkout')
    checkout(): never {
      throw new AppError('Your plan needs a payment method before checkout', 'PAYMENT_REQUIRED', {
        status: 402,
      });
    }
  }

  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([BillingController], { debug: false });
  });
  afterAll(() => f.close());

  it('answers 402 problem+json with its code, its message as detail and the X-Request-Id as requestId', async () => {
    const res = await f.http().get('/billing/checkout?coupon=spring');
    expect(res.status).toBe(402);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const requestId = res.headers['x-request-id'];
    expect(requestId).toEqual(expect.any(String));
    expect(JSON.parse(res.text)).toEqual({
      type: 'about:blank',
      title: 'Payment Required',
      status: 402,
      detail: 'Your plan needs a payment method before checkout',
      instance: '/billing/checkout',
      code: 'PAYMENT_REQUIRED',
      requestId,
    });
  });

  it('is logged once, at warn (an expected failure), on its request line', async () => {
    const res = await f.http().get('/billing/checkout');
    const requestId = res.headers['x-request-id'];
    const lines = await requestLines(f.pino, requestId);
    expect(lines).toEqual([
      expect.objectContaining({
        level: LEVEL.warn,
        msg: 'request failed',
        status: 402,
        code: 'PAYMENT_REQUIRED',
        err: {
          type: 'AppError',
          message: 'Your plan needs a payment method before checkout',
          code: 'PAYMENT_REQUIRED',
        },
      }),
    ]);
    // Nothing else reported it: no error line anywhere, no Nest logger line for the request.
    expect(f.pino.lines.filter((l) => l.level >= LEVEL.error)).toEqual([]);
    expect(f.logs.forRequest(requestId)).toEqual([]);
  });
});

/** An audit store kept in memory. */
describe('a 429 answer', () => {
  @Controller()
  class LimitedController {
    @Get('search')
    search(): never {
      throw new RateLimitedError(30);
    }

    /** What @nestjs/throttler's ThrottlerException is: an HttpException with status 429. */
    @Get('throttled')
    throttled(): never {
      throw new HttpException('ThrottlerException: Too Many Requests', 429);
    }
  }

  let f: FixtureApp;
  let store: MemoryAuditStore;
  beforeAll(async () => {
    store = new MemoryAuditStore();
    f = await startFixture([LimitedController], { debug: false, audit: { store } });
  });
  afterAll(() => f.close());

  /** The security events of a request, once they are in the store. */
  async function storedSecurityEvents(requestId: string): Promise<AuditEvent[]> {
    const audit = f.app.get(AuditService);
    const mine = async () =>
      (await audit.query({ kind: 'security' })).items.filter((e) => e.requestId === requestId);
    await waitUntil(
      async () => {
        await audit.flush();
        return (await mine()).length > 0;
      },
      WAIT_MS,
      () => `no security event stored for ${requestId}; stored: ${JSON.stringify(store.events)}`,
    );
    return mine();
  }

  /** The `security` channel lines of a request, once written. */
  async function securityLines(requestId: string): Promise<LogRecord[]> {
    const mine = () => f.pino.lines.filter((l) => l.channel === 'security' && l.requestId === requestId);
    await waitUntil(
      () => mine().length > 0,
      WAIT_MS,
      () => `no security line for ${requestId}; got:\n${f.pino.raw.join('\n')}`,
    );
    return mine();
  }

  it.each([
    ['a RateLimitedError', '/search', '30'],
    ['an HttpException of status 429 (like ThrottlerException)', '/throttled', '5'],
  ])(
    'from %s is answered with Retry-After and recorded once as a RATE_LIMIT_HIT security event',
    async (_name, path, retryAfter) => {
      const res = await f.http().get(path).set('User-Agent', 'coverage-gaps');
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe(retryAfter);
      expect(res.body.code).toBe('RATE_LIMITED');
      const requestId = res.headers['x-request-id'];
      expect(res.body.requestId).toBe(requestId);

      const expected = {
        kind: 'security',
        action: 'RATE_LIMIT_HIT',
        outcome: 'failure',
        status: 429,
        errorCode: 'RATE_LIMITED',
        requestId,
        method: 'GET',
        route: path,
        userAgent: 'coverage-gaps',
        ip: expect.any(String),
      };
      expect(await storedSecurityEvents(requestId)).toEqual([expect.objectContaining(expected)]);
      const lines = await securityLines(requestId);
      expect(lines).toEqual([
        expect.objectContaining({ ...expected, level: LEVEL.warn, msg: 'security event' }),
      ]);
    },
  );
});

describe("an application's own readiness check", () => {
  @Controller('things')
  class ThingsController {
    @Get()
    list() {
      return [];
    }
  }

  /** Flipped by the tests: whether the billing service answers. */
  let billingUp = true;
  const BILLING_FAILURE = 'connect ECONNREFUSED 10.9.8.7:8443 as billing_svc password=Sup3rS3cret';

  let f: FixtureApp;
  let pino: LogCapture;
  const changes: [boolean, string][] = [];

  beforeAll(async () => {
    pino = new LogCapture();
    f = await startFixture([ThingsController], {
      module: ErrorHandlingModule.forRootAsync({
        imports: [TerminusModule],
        inject: [HealthIndicatorService],
        useFactory: (indicators: HealthIndicatorService) =>
          withCapture(
            {
              debug: false,
              health: {
                indicators: [
                  () =>
                    indicators.check('billing').attempt(async () => {
                      if (!billingUp) throw new Error(BILLING_FAILURE);
                    }),
                ],
              },
            },
            pino,
          ),
      }),
    });
    f.app.get(Readiness).onChange((ready, reason) => changes.push([ready, reason]));
  });
  afterAll(() => f.close());

  /** GET /ready, polled until it answers `status` (the probe is ready once the server listens). */
  async function readyAnswers(status: number) {
    let last: Awaited<ReturnType<ReturnType<FixtureApp['http']>['get']>> | undefined;
    await waitUntil(
      async () => {
        last = await f.http().get('/ready');
        return last.status === status;
      },
      WAIT_MS,
      () => `/ready never answered ${status}; last: ${last?.status} ${last?.text}`,
    );
    return last!;
  }

  async function expectLive(): Promise<void> {
    const res = await f.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  }

  it('turns /ready to 503 naming the failing check and nothing of its error while it is down, and back to 200 when it recovers; /health stays 200', async () => {
    billingUp = true;
    const up = await readyAnswers(200);
    expect(up.body).toEqual({
      status: 'ok',
      info: { billing: { status: 'up' } },
      error: {},
      details: { billing: { status: 'up' } },
    });
    await expectLive();
    changes.length = 0;

    billingUp = false;
    const down = await f.http().get('/ready');
    expect(down.status).toBe(503);
    expect(down.headers['cache-control']).toBe('no-store');
    expect(down.body).toEqual({
      status: 'error',
      info: {},
      error: { billing: { status: 'down' } },
      details: { billing: { status: 'down' } },
    });
    for (const leak of ['ECONNREFUSED', '10.9.8.7', '8443', 'billing_svc', 'Sup3rS3cret', 'message']) {
      expect(down.text).not.toContain(leak);
    }
    expect(changes).toEqual([[false, 'failing: billing']]);
    await expectLive();
    // The 503 is an answer, not a failure of the service: a warn request line, not an error.
    const downLines = await requestLines(pino, down.headers['x-request-id']);
    expect(downLines).toEqual([
      expect.objectContaining({
        level: LEVEL.warn,
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        err: expect.objectContaining({ message: 'not ready: failing: billing' }),
      }),
    ]);

    billingUp = true;
    const recovered = await f.http().get('/ready');
    expect(recovered.status).toBe(200);
    expect(recovered.body.details).toEqual({ billing: { status: 'up' } });
    expect(changes).toEqual([
      [false, 'failing: billing'],
      [true, ''],
    ]);
    await expectLive();
  });
});

describe('readiness checks of an application that throw or hang', () => {
  @Controller('things')
  class ThingsController {
    @Get()
    list() {
      return [];
    }
  }

  /** The shape of Terminus 10/11's HealthCheckError, which older indicators throw. */
  class LegacyHealthCheckError extends Error {
    constructor(
      message: string,
      readonly causes: Record<string, unknown>,
    ) {
      super(message);
    }
  }

  let mode: 'up' | 'legacy' | 'throws' | 'hangs' = 'up';
  let f: FixtureApp;
  const changes: [boolean, string][] = [];

  beforeAll(async () => {
    f = await startFixture([ThingsController], {
      debug: false,
      health: {
        timeoutMs: 200,
        indicators: [
          async () => {
            if (mode === 'legacy') {
              throw new LegacyHealthCheckError('payments failed', {
                payments: { status: 'down', message: 'password=Sup3rS3cret at 10.9.8.7' },
              });
            }
            if (mode === 'throws') throw new Error('connect ECONNREFUSED 10.9.8.7:8443');
            if (mode === 'hangs') await new Promise(() => undefined);
            return { payments: { status: 'up' } };
          },
        ],
      },
    });
    f.app.get(Readiness).onChange((ready, reason) => changes.push([ready, reason]));
    await waitUntil(
      async () => (await f.http().get('/ready')).status === 200,
      WAIT_MS,
      () => '/ready never answered 200',
    );
  });
  afterAll(() => f.close());

  it.each([
    ['throws a HealthCheckError (Terminus 10/11 style)', 'legacy', 'payments'],
    ['throws any other error', 'throws', 'indicators[0]'],
    ['never answers (down after health.timeoutMs)', 'hangs', 'indicators[0]'],
  ] as const)(
    'answers 503 naming the check when it %s, turns readiness false, and recovers',
    async (_label, how, name) => {
      mode = how;
      changes.length = 0;
      const down = await f.http().get('/ready');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({
        status: 'error',
        info: {},
        error: { [name]: { status: 'down' } },
        details: { [name]: { status: 'down' } },
      });
      for (const leak of ['ECONNREFUSED', '10.9.8.7', 'Sup3rS3cret', 'message'])
        expect(down.text).not.toContain(leak);
      expect(changes).toEqual([[false, `failing: ${name}`]]);
      expect(f.app.get(Readiness).isReady()).toBe(false);

      mode = 'up';
      expect((await f.http().get('/ready')).status).toBe(200);
      expect(changes).toEqual([
        [false, `failing: ${name}`],
        [true, ''],
      ]);
    },
  );
});
