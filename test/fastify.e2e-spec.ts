import {
  Body,
  Controller,
  Get,
  Logger,
  Param,
  Post,
  type MessageEvent,
  Sse,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
} from '@nestjs/common';
import { Audit, AuditService, ErrorHandlingModule } from 'nestjs-faultline';
import { of, type Observable } from 'rxjs';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { startFixture, withCapture, type FixtureApp } from './support/fixture-app';
import { readyForRequests } from './support/http-adapter';
import { MemoryAuditStore } from './support/memory-audit-store';
import { LEVEL, LogCapture } from './support/log-capture';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { waitUntil } from './support/wait';

// Fastify specifics, on Fastify whatever HTTP_ADAPTER says: the rest of the e2e suite runs on
// Fastify too with HTTP_ADAPTER=fastify.

/** Rejects a request without `Authorization`; sets `req.user` (on Fastify's request) otherwise. */
class TokenGuard implements CanActivate {
  canActivate(context: Parameters<CanActivate['canActivate']>[0]): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    if (!req.headers.authorization) throw new UnauthorizedException('a token is required');
    req.user = { id: 'user-7' };
    return true;
  }
}

@Controller('items')
class ItemsController {
  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }

  /** Nest writes an SSE stream to the Node response, with the reply's headers. */
  @Sse('events/stream')
  stream(): Observable<MessageEvent> {
    return of({ data: 'one' });
  }

  @Post()
  create(@Body() body: unknown) {
    // Written after Fastify read the body: the request's scope must have come along.
    new Logger('Items').log('creating an item');
    return { received: body };
  }

  @Get('fail/boom')
  boom(): never {
    throw new Error('database password=hunter2 leaked into a message');
  }

  @Post('fail/post-boom')
  postBoom(): never {
    throw new Error('failed after reading the body');
  }

  @Post(':id/archive')
  @UseGuards(TokenGuard)
  @Audit('ITEM_ARCHIVE', { resource: 'item', resourceId: 'params.id' })
  archive(@Param('id') id: string) {
    return { archived: id };
  }
}

describe('Faultline on Fastify (@nestjs/platform-fastify)', () => {
  let f: FixtureApp;
  let store: MemoryAuditStore;

  beforeAll(async () => {
    store = new MemoryAuditStore();
    f = await startFixture(
      [ItemsController],
      { debug: false, audit: { store }, metrics: {}, health: {}, logging: { useAsNestLogger: true } },
      'fastify',
    );
  });
  afterAll(() => f.close());

  it('runs on Fastify', () => {
    expect(f.app.getHttpAdapter().getType()).toBe('fastify');
  });

  it('keeps a sane incoming X-Request-Id and echoes it, on success and on failure', async () => {
    const ok = await f.http().get('/items/1').set('X-Request-Id', 'fastify-ok-1').expect(200);
    expect(ok.headers['x-request-id']).toBe('fastify-ok-1');
    const missing = await f.http().get('/nowhere').set('X-Request-Id', 'fastify-404-1').expect(404);
    expect(missing.headers['x-request-id']).toBe('fastify-404-1');
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', requestId: 'fastify-404-1' });
  });

  it('sends the id on a server-sent event stream, which Nest writes to the Node response', async () => {
    const res = await f.http().get('/items/events/stream').set('X-Request-Id', 'fastify-sse-1').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-request-id']).toBe('fastify-sse-1');
    expect(res.text).toContain('data: one');
    const lines = await f.pino.request('fastify-sse-1');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'request completed', route: '/items/events/stream', status: 200 }),
    ]);
  });

  it("replaces an insane incoming id (and Fastify's own req-N counter) with a UUID", async () => {
    const res = await f.http().get('/items/1').set('X-Request-Id', 'bad id\twith spaces').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await f.http().get('/items/2').expect(200);
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one line per failed request, with the failure on it', async () => {
    const res = await f.http().get('/items/fail/boom').set('X-Request-Id', 'fastify-boom-1').expect(500);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'fastify-boom-1' });
    const lines = await f.pino.request('fastify-boom-1');
    const failures = lines.filter((l) => l.err !== undefined || l.code !== undefined);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: LEVEL.error,
      msg: 'request failed',
      code: 'INTERNAL_ERROR',
      status: 500,
      route: '/items/fail/boom',
    });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    // An unexpected failure's line carries the redacted request, read from Fastify's request.
    expect(failures[0].request).toMatchObject({ query: {}, headers: expect.any(Object) });
    // Fastify's request and Faultline's see the same id.
    expect(
      f.pino.lines.filter((l) => l.requestId === 'fastify-boom-1' && /^request /.test(String(l.msg))),
    ).toHaveLength(1);
  });

  it("logs a 500's body from Fastify's request, redacted", async () => {
    await f
      .http()
      .post('/items/fail/post-boom?token=abc')
      .send({ title: 'kept', password: 'hunter2' })
      .set('X-Request-Id', 'fastify-boom-body')
      .expect(500);
    const [line] = (await f.pino.request('fastify-boom-body')).filter((l) => l.code !== undefined);
    expect(line).toMatchObject({
      route: '/items/fail/post-boom',
      request: { body: { title: 'kept', password: '[REDACTED]' }, query: { token: '[REDACTED]' } },
    });
  });

  it("keeps the request's context past Fastify's body parsing: handler lines carry the requestId", async () => {
    await f.http().post('/items').set('X-Request-Id', 'fastify-ctx-1').send({ name: 'a' }).expect(201);
    const lines = await f.pino.request('fastify-ctx-1');
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['creating an item', 'request completed']),
    );
  });

  it('answers an invalid JSON body 400 MALFORMED_BODY, with one request line', async () => {
    const res = await f
      .http()
      .post('/items')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'fastify-json-1')
      .send('{"name": ')
      .expect(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toMatchObject({ code: 'MALFORMED_BODY', status: 400, requestId: 'fastify-json-1' });
    const lines = await f.pino.request('fastify-json-1');
    expect(lines.filter((l) => l.code !== undefined)).toEqual([
      expect.objectContaining({ code: 'MALFORMED_BODY', status: 400, level: LEVEL.warn }),
    ]);
  });

  it('answers an empty JSON body 400 MALFORMED_BODY', async () => {
    const res = await f.http().post('/items').set('Content-Type', 'application/json').send('').expect(400);
    expect(res.body).toMatchObject({ code: 'MALFORMED_BODY' });
  });

  it('answers a body over bodyLimit 413 PAYLOAD_TOO_LARGE', async () => {
    // Fastify's default bodyLimit is 1 MiB.
    const big = JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 10) });
    const res = await f.http().post('/items').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('answers a content type without a parser 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await f
      .http()
      .post('/items')
      .set('Content-Type', 'application/x-unknown')
      .send('abc')
      .expect(415);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
  });

  it('negotiates an HTML and a plain-text page, with their Content-Security-Policy', async () => {
    const html = await f.http().get('/nowhere').set('Accept', 'text/html').expect(404);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toBeDefined();
    expect(html.headers['cache-control']).toBe('no-store');
    const text = await f.http().get('/nowhere').set('Accept', 'text/plain').expect(404);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['x-content-type-options']).toBe('nosniff');
  });

  it('labels metrics by route template, and unmatched requests as unmatched', async () => {
    await f.http().get('/items/41').expect(200);
    await f.http().get('/items/42').expect(200);
    await f.http().get('/no/such/route').expect(404);
    const metrics = await f.http().get('/metrics').expect(200);
    const samples = parseMetrics(metrics.text);
    const byRoute = samplesOf(samples, 'http_requests_total', {
      method: 'GET',
      route: '/items/:id',
      status: '200',
    });
    expect(byRoute).toHaveLength(1);
    expect(byRoute[0].value).toBeGreaterThanOrEqual(2);
    expect(
      samplesOf(samples, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toHaveLength(1);
    expect(samplesOf(samples, 'http_requests_total').map((s) => s.labels.route)).not.toContain('/{*path}');
  });

  it('serves /health and /ready on the Fastify instance', async () => {
    const health = await f.http().get('/health').expect(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers['cache-control']).toBe('no-store');
    // Not listening: start-up has not finished, so not ready yet.
    const ready = await f.http().get('/ready');
    expect([200, 503]).toContain(ready.status);
  });

  describe('@Audit() and security events', () => {
    const recorded = async (requestId: string) => {
      await waitUntil(
        async () =>
          (await f.app.get(AuditService).flush()) && store.events.some((e) => e.requestId === requestId),
        10_000,
        () => `no audit event for ${requestId}; got ${JSON.stringify(store.events)}`,
      );
      return store.events.filter((e) => e.requestId === requestId);
    };

    it("records a guard's 401 rejection as a failure of the audited action", async () => {
      const res = await f
        .http()
        .post('/items/9/archive')
        .set('X-Request-Id', 'fastify-audit-401')
        .expect(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      const events = await recorded('fastify-audit-401');
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'ITEM_ARCHIVE',
            outcome: 'failure',
            status: 401,
            route: '/items/:id/archive',
            method: 'POST',
          }),
          expect.objectContaining({ kind: 'security', action: 'AUTH_REQUIRED', route: '/items/:id/archive' }),
        ]),
      );
      expect(events.filter((e) => e.action === 'ITEM_ARCHIVE')).toHaveLength(1);
    });

    it("puts the route and the guard's user on the request line", async () => {
      await f
        .http()
        .post('/items/11/archive')
        .set('Authorization', 'Bearer x')
        .set('X-Request-Id', 'fastify-line-user')
        .expect(201);
      const [line] = (await f.pino.request('fastify-line-user')).filter((l) =>
        /^request /.test(String(l.msg)),
      );
      expect(line).toMatchObject({ route: '/items/:id/archive', userId: 'user-7', status: 201 });
    });

    it('records the success with the actor the guard set on Fastify’s request', async () => {
      await f
        .http()
        .post('/items/10/archive')
        .set('Authorization', 'Bearer x')
        .set('X-Request-Id', 'fastify-audit-ok')
        .expect(201);
      expect(await recorded('fastify-audit-ok')).toEqual([
        expect.objectContaining({
          action: 'ITEM_ARCHIVE',
          outcome: 'success',
          status: 201,
          actorId: 'user-7',
          resourceId: '10',
          ip: expect.any(String),
        }),
      ]);
    });
  });
});

describe("Faultline on Fastify with the application's own request ids", () => {
  it("keeps the ids of Fastify's genReqId and requestIdHeader, when sane", async () => {
    const pino = new LogCapture();
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot(withCapture({ health: false, metrics: false }, pino))],
      controllers: [ItemsController],
    }).compile();
    let next = 0;
    const app = moduleRef.createNestApplication(
      new FastifyAdapter({ genReqId: () => `order-svc.${++next}`, requestIdHeader: 'x-correlation-id' }),
      { logger: false },
    );
    await app.init();
    await readyForRequests(app);
    try {
      const server = app.getHttpServer();
      const made = await request(server).get('/items/1').expect(200);
      expect(made.headers['x-request-id']).toBe('order-svc.1');
      const relayed = await request(server).get('/items/2').set('X-Correlation-Id', 'corr-77').expect(200);
      expect(relayed.headers['x-request-id']).toBe('corr-77');
      // An insane one (Fastify takes the header as it is) is replaced.
      const insane = await request(server).get('/items/3').set('X-Correlation-Id', 'a b;c').expect(200);
      expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      for (const id of ['order-svc.1', 'corr-77']) {
        expect(await pino.request(id)).toEqual([expect.objectContaining({ msg: 'request completed' })]);
      }
    } finally {
      await app.close();
    }
  });
});

describe('Faultline on Fastify with its logging off', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([ItemsController], { debug: false, logging: false }, 'fastify');
  });
  afterAll(() => f.close());

  it("keeps a sane incoming X-Request-Id (not Fastify's req-N) and echoes it", async () => {
    const ok = await f.http().get('/items/3').set('X-Request-Id', 'fastify-nolog-1').expect(200);
    expect(ok.headers['x-request-id']).toBe('fastify-nolog-1');
    const missing = await f.http().get('/nowhere').set('X-Request-Id', 'fastify-nolog-2').expect(404);
    expect(missing.body).toMatchObject({ requestId: 'fastify-nolog-2' });
    const fresh = await f.http().get('/items/4').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs a failure once through Nest's logger, with the request's id", async () => {
    const res = await f.http().get('/items/fail/boom').set('X-Request-Id', 'fastify-nolog-boom').expect(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'fastify-nolog-boom' });
    expect(f.logs.forRequest('fastify-nolog-boom')).toEqual([expect.objectContaining({ level: 'error' })]);
  });
});
