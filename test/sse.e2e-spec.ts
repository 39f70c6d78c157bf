import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CanActivate, Controller, Get, type MessageEvent, Query, Sse, UseGuards } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { concat, interval, map, Observable, of, take, throwError } from 'rxjs';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from 'nestjs-faultline';
import { INTERCEPTORS_KEY } from '../libs/error-handling/src/kernel/enhancers';
import { SseStreams } from '../libs/error-handling/src/filter/sse-streams';
import { NotificationsService } from '../apps/sample/src/notifications/notifications.service';
import { startHttpPeer } from './support/alert-peers';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { startSample, type SampleHarness } from './support/sample-app';
import { LEVEL, type LogRecord } from './support/log-capture';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { waitUntil } from './support/wait';

const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

/** One event as an EventSource dispatches it (WHATWG HTML, "event stream interpretation"). */
interface SseEvent {
  type: string;
  data: string;
  lastEventId: string;
}

/**
 * A client of one event stream, reading it as an EventSource does: events dispatched on a blank
 * line, `data` lines joined by `\n`, one leading space of a value dropped, `event` naming the
 * type (`message` when absent), `id` setting the last event id that later events keep, `retry`
 * the reconnection time; comments (`:` lines) ignored but kept here, for the heartbeat.
 */
class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Every byte received, as text. */
  raw = '';
  retry: number | undefined;
  ended = false;
  private buffer = '';
  private type = '';
  private data = '';
  private lastEventId = '';

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly req: ClientRequest,
  ) {}

  static open(base: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      // No agent: a connection of its own, closed with the stream, as an EventSource's.
      const req = httpRequest(`${base}${path}`, {
        agent: false,
        headers: { accept: 'text/event-stream', ...headers },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const client = new SseClient(res.statusCode ?? 0, res.headers, req);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => (client.ended = true));
        // A stream the test closes itself ends with an abort.
        res.on('error', () => (client.ended = true));
        res.on('close', () => (client.ended = true));
        resolve(client);
      });
      req.end();
    });
  }

  /** The client goes away: its connection is closed mid-stream. */
  close(): void {
    this.req.destroy();
  }

  async waitFor(count: number): Promise<SseEvent[]> {
    await waitUntil(
      () => this.events.length >= count || (this.ended && this.buffer === ''),
      10_000,
      () => `expected ${count} event(s); got:\n${this.raw}`,
    );
    if (this.events.length < count) throw new Error(`the stream ended after:\n${this.raw}`);
    return this.events;
  }

  async waitForEnd(): Promise<SseEvent[]> {
    await waitUntil(
      () => this.ended,
      10_000,
      () => `the stream never ended; got:\n${this.raw}`,
    );
    return this.events;
  }

  private feed(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    let match: RegExpExecArray | null;
    while ((match = /\r\n|\r|\n/.exec(this.buffer))) {
      // A lone \r at the end of a chunk may be the first half of \r\n.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data += `${value}\n`;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  private dispatch(): void {
    if (this.data === '') {
      this.type = '';
      return;
    }
    const data = this.data.endsWith('\n') ? this.data.slice(0, -1) : this.data;
    this.events.push({ type: this.type || 'message', data, lastEventId: this.lastEventId });
    this.type = '';
    this.data = '';
  }
}

/** Producer subscriptions alive now: each stream's source counts itself in and out. */
let live = 0;

/** A source that counts its subscriptions and ticks until told otherwise. */
function ticking(every = 5): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    live++;
    const inner = interval(every)
      .pipe(map((n): MessageEvent => ({ data: { n } })))
      .subscribe(subscriber);
    return () => {
      inner.unsubscribe();
      live--;
    };
  });
}

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthenticatedError('A bearer token is required');
  }
}

@Controller('feed')
class FeedController {
  /** One event, then a bug whose message holds a secret. */
  @Sse('broken')
  broken(): Observable<MessageEvent> {
    return concat(
      of({ data: { n: 1 } }),
      throwError(() => new TypeError(`cannot read rows with key ${SECRET}`)),
    );
  }

  /** Events with ids of their own, then an outage the client should wait out. */
  @Sse('outage')
  outage(): Observable<MessageEvent> {
    return concat(
      of(
        { id: 'n-1', type: 'notification', data: { n: 1 } },
        { comment: 'heartbeat' },
        { id: 'n-2', type: 'notification', data: { n: 2 } },
        { comment: 'heartbeat' },
      ),
      throwError(() => new ServiceUnavailableError(30)),
    );
  }

  /** One event, then a conflict with details of its own, one of which would take `code`'s place. */
  @Sse('conflict')
  conflict(): Observable<MessageEvent> {
    return concat(
      of({ data: 'first' }),
      throwError(
        () =>
          new ConflictError('Already subscribed', {
            details: { constraint: 'subscriptions_user_unique', code: 'NOT_MINE' },
          }),
      ),
    );
  }

  /** One event, then a 4xx-class failure. */
  @Sse('gone')
  gone(): Observable<MessageEvent> {
    return concat(
      of({ data: 'first' }),
      throwError(() => new NotFoundError('Feed', 7)),
    );
  }

  /** Three events, then done. */
  @Sse('finite')
  finite(): Observable<MessageEvent> {
    return ticking(1).pipe(take(3));
  }

  /** Ticks until the client goes away; with `fail=n`, fails once n events are sent. */
  @Sse('ticks')
  ticks(@Query('fail') fail?: string): Observable<MessageEvent> {
    const failAt = Number(fail);
    if (!fail) return ticking();
    return ticking().pipe(
      map((event) => {
        if ((event.data as { n: number }).n + 1 > failAt) throw new Error('tick failed');
        return event;
      }),
    );
  }

  /** Throws before it returns a stream. */
  @Sse('refused')
  refused(@Query('id') id: string): Observable<MessageEvent> {
    throw new NotFoundError('Feed', id);
  }

  /** An observable that fails before its first event. */
  @Sse('stillborn')
  stillborn(): Observable<MessageEvent> {
    return throwError(() => new Error('no feed today'));
  }

  @Sse('guarded')
  @UseGuards(DenyGuard)
  guarded(): Observable<MessageEvent> {
    return ticking();
  }

  @Get('plain')
  plain(): { ok: true } {
    return { ok: true };
  }
}

/** Listens on an ephemeral port of 127.0.0.1; returns the base URL. */
async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * Lines at `warn` and above, but for the `performance` channel's `slow request`: a stream never
 * gets one, but a request answered before its stream starts may (on a busy machine).
 */
function problems(lines: LogRecord[]): LogRecord[] {
  return lines.filter((l) => l.level >= LEVEL.warn && l.channel !== 'performance');
}

/** The error event's data, parsed as a client would. */
function errorData(events: SseEvent[]): Record<string, unknown> {
  const errors = events.filter((e) => e.type === 'error');
  expect(errors).toHaveLength(1);
  return JSON.parse(errors[0].data) as Record<string, unknown>;
}

/** `faultline_sse_streams_total` of one route, by outcome. */
function streamCounts(text: string, route: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samplesOf(parseMetrics(text), 'faultline_sse_streams_total', { route }))
    out[s.labels.outcome] = s.value;
  return out;
}

describe('SSE streams', () => {
  let fixture: FixtureApp;
  let base: string;

  beforeEach(async () => {
    live = 0;
    fixture = await startFixture([FeedController], { debug: false });
    base = await listen(fixture.app);
  });
  afterEach(() => fixture.close());

  const metricsText = async () => (await fixture.http().get('/metrics').expect(200)).text;
  /** What Nest's own logger was told at error level (its SSE handling logs a failure so). */
  const nestErrors = () => fixture.logs.entries.filter((e) => e.level === 'error' || e.level === 'fatal');

  it('ends a failing stream with one error event carrying the code and the request id, then closes it', async () => {
    const client = await SseClient.open(base, '/feed/broken');
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream');
    const requestId = String(client.headers['x-request-id']);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const events = await client.waitForEnd();
    expect(client.raw).toBe(
      '\nid: 1\ndata: {"n":1}\n\n' +
        'event: error\nid: 2\n' +
        `data: {"code":"INTERNAL_ERROR","status":500,"title":"Internal Server Error","message":"An unexpected error occurred.","requestId":"${requestId}"}\n\n`,
    );
    expect(events.map((e) => e.type)).toEqual(['message', 'error']);
    expect(errorData(events)).toEqual({
      code: 'INTERNAL_ERROR',
      status: 500,
      title: 'Internal Server Error',
      message: 'An unexpected error occurred.',
      requestId,
    });
    expect(client.raw).not.toContain(SECRET);
  });

  it('logs the failure once, on the request line, with no ERROR line of Nest', async () => {
    const client = await SseClient.open(base, '/feed/broken');
    const requestId = String(client.headers['x-request-id']);
    await client.waitForEnd();
    const lines = (await fixture.pino.request(requestId)).filter((l) => l.channel !== 'performance');
    expect(lines).toEqual([
      expect.objectContaining({
        level: LEVEL.error,
        msg: 'request failed',
        route: '/feed/broken',
        status: 200,
        failureStatus: 500,
        code: 'INTERNAL_ERROR',
        transport: 'sse',
        operation: '/feed/broken',
        err: expect.objectContaining({ type: 'TypeError', message: 'cannot read rows with key [REDACTED]' }),
      }),
    ]);
    expect(fixture.pino.raw.join('\n')).not.toContain(SECRET);
    expect(problems(fixture.pino.lines)).toHaveLength(1);
    expect(nestErrors()).toEqual([]);
  });

  it('counts a failed stream and publishes its failure like any other', async () => {
    await (await SseClient.open(base, '/feed/broken')).waitForEnd();
    const text = await metricsText();
    expect(streamCounts(text, '/feed/broken')).toEqual({ completed: 0, failed: 1, disconnected: 0 });
    expect(text).toContain('app_errors_total{code="INTERNAL_ERROR",status="500"} 1');
    expect(text).toContain('faultline_unexpected_errors_total{code="INTERNAL_ERROR"} 1');
    expect(text).toContain('faultline_sse_streams_open 0');
  });

  it('gives an expected failure its own code, status and message, logged below error', async () => {
    const client = await SseClient.open(base, '/feed/gone');
    const requestId = String(client.headers['x-request-id']);
    const events = await client.waitForEnd();
    expect(events[0]).toEqual({ type: 'message', data: 'first', lastEventId: '1' });
    expect(errorData(events)).toEqual({
      code: 'NOT_FOUND',
      status: 404,
      title: 'Not Found',
      message: 'Feed not found: 7',
      requestId,
    });
    const [line] = (await fixture.pino.request(requestId)).filter((l) => l.channel !== 'performance');
    expect(line).toMatchObject({
      level: LEVEL.info,
      msg: 'request failed',
      code: 'NOT_FOUND',
      failureStatus: 404,
    });
  });

  it("carries a shown error's details beside its own members, never in their place", async () => {
    const client = await SseClient.open(base, '/feed/conflict');
    const requestId = String(client.headers['x-request-id']);
    expect(errorData(await client.waitForEnd())).toEqual({
      code: 'CONFLICT',
      status: 409,
      title: 'Conflict',
      message: 'Already subscribed',
      requestId,
      constraint: 'subscriptions_user_unique',
    });
  });

  it('keeps the last event id of the stream and tells the client when to reconnect after a 503', async () => {
    const client = await SseClient.open(base, '/feed/outage');
    const events = await client.waitForEnd();
    expect(events.map((e) => [e.type, e.lastEventId])).toEqual([
      ['notification', 'n-1'],
      ['notification', 'n-2'],
      // A reconnecting EventSource sends Last-Event-ID: n-2, the last notification it got.
      ['error', 'n-2'],
    ]);
    expect(client.comments).toEqual(['heartbeat', 'heartbeat']);
    expect(errorData(events)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
      retryAfterSeconds: 30,
    });
    expect(client.retry).toBe(30_000);
    expect(client.raw).toContain('event: error\nid: n-2\nretry: 30000\ndata: {');
  });

  it('answers a failure before the stream starts (handler, observable, guard) with a problem body', async () => {
    const refused = await fixture.http().get('/feed/refused?id=9').set('accept', 'text/event-stream');
    expect(refused.status).toBe(404);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'NOT_FOUND', requestId: refused.headers['x-request-id'] });

    const stillborn = await fixture.http().get('/feed/stillborn');
    expect(stillborn.status).toBe(500);
    expect(stillborn.body).toMatchObject({ code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred.' });
    const [line] = await fixture.pino.request(stillborn.body.requestId);
    expect(line).toMatchObject({ level: LEVEL.error, status: 500, code: 'INTERNAL_ERROR' });
    expect(line).not.toHaveProperty('transport');

    const guarded = await fixture.http().get('/feed/guarded');
    expect(guarded.status).toBe(401);
    expect(guarded.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(live).toBe(0);

    // Failed requests, not failed streams: the HTTP error rate counts them.
    const text = await metricsText();
    expect(streamCounts(text, '/feed/stillborn')).toEqual({ completed: 0, failed: 0, disconnected: 0 });
    expect(nestErrors()).toEqual([]);
  });

  it('logs a client that goes away at info, releases the producer and counts a disconnect', async () => {
    const client = await SseClient.open(base, '/feed/ticks');
    const requestId = String(client.headers['x-request-id']);
    await client.waitFor(2);
    expect(live).toBe(1);
    client.close();
    await waitUntil(
      () => live === 0,
      10_000,
      () => `the producer is still subscribed (${live})`,
    );
    const lines = (await fixture.pino.request(requestId)).filter((l) => l.channel !== 'performance');
    expect(lines).toEqual([
      expect.objectContaining({
        level: LEVEL.info,
        msg: 'request aborted',
        route: '/feed/ticks',
        status: 200,
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('err');
    expect(problems(fixture.pino.lines)).toEqual([]);
    expect(nestErrors()).toEqual([]);
    const text = await metricsText();
    expect(streamCounts(text, '/feed/ticks')).toEqual({ completed: 0, failed: 0, disconnected: 1 });
    expect(text).toContain('faultline_sse_streams_open 0');
  });

  it('counts a stream that ends by itself as completed', async () => {
    const client = await SseClient.open(base, '/feed/finite');
    const requestId = String(client.headers['x-request-id']);
    expect((await client.waitForEnd()).map((e) => e.data)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    const [line] = (await fixture.pino.request(requestId)).filter((l) => l.channel !== 'performance');
    expect(line).toMatchObject({ level: LEVEL.info, msg: 'request completed', status: 200 });
    expect(streamCounts(await metricsText(), '/feed/finite')).toEqual({
      completed: 1,
      failed: 0,
      disconnected: 0,
    });
    expect(live).toBe(0);
  });

  it('leaves a HEAD request alone: headers, no stream, nothing counted', async () => {
    const res = await fixture.http().head('/feed/ticks');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    await waitUntil(
      () => live === 0,
      10_000,
      () => `the producer is still subscribed (${live})`,
    );
    expect(streamCounts(await metricsText(), '/feed/ticks')).toEqual({});
  });

  it('puts its interceptor on @Sse() handlers only', () => {
    const on = (handler: object) =>
      ((Reflect.getMetadata(INTERCEPTORS_KEY, handler) as unknown[] | undefined) ?? []).filter(
        (i) => i instanceof SseStreams,
      ).length;
    expect(on(FeedController.prototype.plain)).toBe(0);
    // Once, though every test of this file built an application around the controller.
    expect(on(FeedController.prototype.broken)).toBe(1);
    expect(on(FeedController.prototype.guarded)).toBe(1);
  });

  it('leaves no subscription, stream or listener behind after a storm of streams that fail or are dropped', async () => {
    const server = fixture.app.getHttpServer() as Server;
    const processListeners = () =>
      Object.fromEntries(process.eventNames().map((name) => [String(name), process.listenerCount(name)]));
    const before = processListeners();
    const serverListeners = server.eventNames().map((name) => [String(name), server.listenerCount(name)]);
    const PER_KIND = 25;

    const failing = Array.from({ length: PER_KIND }, () => SseClient.open(base, '/feed/ticks?fail=2'));
    const dropped = Array.from({ length: PER_KIND }, () => SseClient.open(base, '/feed/ticks'));
    const finished = Array.from({ length: PER_KIND }, () => SseClient.open(base, '/feed/finite'));
    const [f, d, c] = await Promise.all([Promise.all(failing), Promise.all(dropped), Promise.all(finished)]);
    await Promise.all(
      d.map(async (client) => {
        await client.waitFor(1);
        client.close();
      }),
    );
    await Promise.all([...f, ...c].map((client) => client.waitForEnd()));
    for (const client of f) expect(errorData(client.events)).toMatchObject({ code: 'INTERNAL_ERROR' });

    await waitUntil(
      () => live === 0,
      10_000,
      () => `producers still subscribed: ${live}`,
    );
    await waitUntil(
      async () => (await connections(server)) === 0,
      10_000,
      () => 'connections still open',
    );
    const text = await metricsText();
    expect(text).toContain('faultline_sse_streams_open 0');
    expect(streamCounts(text, '/feed/ticks')).toEqual({
      completed: 0,
      failed: PER_KIND,
      disconnected: PER_KIND,
    });
    expect(streamCounts(text, '/feed/finite')).toMatchObject({ completed: PER_KIND });
    expect(processListeners()).toEqual(before);
    expect(server.eventNames().map((name) => [String(name), server.listenerCount(name)])).toEqual(
      serverListeners,
    );
    // One line per stream; the failures at error, nothing else above info.
    await fixture.pino.waitFor(
      (lines) => lines.filter((l) => /^request /.test(String(l.msg))).length >= 3 * PER_KIND,
    );
    expect(problems(fixture.pino.lines)).toHaveLength(PER_KIND);
    expect(nestErrors()).toEqual([]);
  });
});

describe('SSE streams and the slow-request line', () => {
  it('never calls a stream slow, however long it was open; a plain request past the threshold is', async () => {
    // Every request past 1 ms is slow.
    const fixture = await startFixture([FeedController], { debug: false, logging: { slowRequestMs: 1 } });
    try {
      const base = await listen(fixture.app);
      const client = await SseClient.open(base, '/feed/finite');
      const streamId = String(client.headers['x-request-id']);
      await client.waitForEnd();
      await fixture.pino.request(streamId);
      // A request that is answered with a problem body before any stream: an ordinary request.
      const refused = await SseClient.open(base, '/feed/refused');
      const refusedId = String(refused.headers['x-request-id']);
      await fixture.pino.request(refusedId);
      await fixture.pino.waitFor((lines) =>
        lines.some((l) => l.msg === 'slow request' && l.requestId === refusedId),
      );
      expect(fixture.pino.lines.filter((l) => l.msg === 'slow request' && l.requestId === streamId)).toEqual(
        [],
      );
    } finally {
      await fixture.close();
    }
  });
});

describe('SSE streams and alerts', () => {
  it('raises one server-error alert for a stream that fails, none for one that is dropped', async () => {
    const webhook = await startHttpPeer();
    const fixture = await startFixture([FeedController], {
      debug: false,
      alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
    });
    try {
      const base = await listen(fixture.app);
      const dropped = await SseClient.open(base, '/feed/ticks');
      await dropped.waitFor(1);
      dropped.close();
      const client = await SseClient.open(base, '/feed/broken');
      const requestId = String(client.headers['x-request-id']);
      await client.waitForEnd();
      const [alert] = await webhook.waitFor(1);
      expect(alert.json).toMatchObject({
        kind: 'server-error',
        title: '500 INTERNAL_ERROR in sse /feed/broken',
        code: 'INTERNAL_ERROR',
        requestId,
      });
      expect(alert.raw).not.toContain(SECRET);
      // The alert of the failure came; nothing came for the dropped stream before it.
      expect(webhook.received).toHaveLength(1);
    } finally {
      await fixture.close();
      await webhook.close();
    }
  });

  it("raises the sse-error-rate alert when a route's failed streams pass the threshold, with enough of them", async () => {
    const webhook = await startHttpPeer();
    const clock = new ManualClock();
    const fixture = await startFixture([FeedController], {
      debug: false,
      clock,
      alerts: {
        webhook: { url: webhook.url },
        excludeEnvironments: [],
        errorRate: false,
        serverErrors: false,
        sseErrorRate: { threshold: 0.2, windowSeconds: 300, minStreams: 5 },
      },
    });
    try {
      const base = await listen(fixture.app);
      const ended = async (outcome: string): Promise<number> => {
        const text = (await fixture.http().get('/metrics').expect(200)).text;
        const line = text
          .split('\n')
          .find((l) => l.startsWith(`faultline_sse_streams_total{route="/feed/ticks",outcome="${outcome}"}`));
        return Number(line?.split(' ').pop() ?? 0);
      };
      const fail = async (): Promise<void> => {
        await (await SseClient.open(base, '/feed/ticks?fail=1')).waitForEnd();
      };
      const drop = async (): Promise<void> => {
        const before = await ended('disconnected');
        const client = await SseClient.open(base, '/feed/ticks');
        await client.waitFor(1);
        client.close();
        await waitUntil(
          async () => (await ended('disconnected')) > before,
          10_000,
          () => 'never counted',
        );
      };
      // One failed of four streams (25 %), but four are under minStreams.
      await fail();
      for (let i = 0; i < 3; i++) await drop();
      await clock.advance(30_000);
      // Five streams, one failed: 20 % is not over 20 %.
      await drop();
      await clock.advance(30_000);
      expect(webhook.received).toEqual([]);
      // Two failed of six (33 %).
      await fail();
      await clock.advance(30_000);
      const [alert] = await webhook.waitFor(1);
      expect(alert.json).toMatchObject({
        kind: 'sse-error-rate',
        fingerprint: 'sse-error-rate /feed/ticks',
        details: { route: '/feed/ticks', failed: 2, streams: 6, threshold: 0.2, windowSeconds: 300 },
      });
      expect(webhook.received).toHaveLength(1);
    } finally {
      await fixture.close();
      await webhook.close();
    }
  });
});

describe('SSE streams with logging off', () => {
  it("writes the failure's one line through Nest's logger, and Nest's own SSE handling none", async () => {
    const fixture = await startFixture([FeedController], { logging: false, debug: false });
    try {
      const base = await listen(fixture.app);
      const client = await SseClient.open(base, '/feed/broken');
      const requestId = String(client.headers['x-request-id']);
      const events = await client.waitForEnd();
      expect(errorData(events)).toMatchObject({ code: 'INTERNAL_ERROR', requestId });
      const errors = fixture.logs.entries.filter((e) => e.level === 'error');
      expect(errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(`INTERNAL_ERROR requestId=${requestId}`),
        }),
      ]);
      expect(JSON.stringify(fixture.logs.entries)).not.toContain(SECRET);
    } finally {
      await fixture.close();
    }
  });
});

describe('sample app: GET /notifications/stream', () => {
  let s: SampleHarness;
  let base: string;
  let alice: string;
  let admin: string;
  let aliceId: number;
  let adminId: number;
  const userOf = (token: string) =>
    (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: number }).sub;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const streams = () => s.app.get(NotificationsService).openStreams();
  const notify = (recipientId: number, title: string) =>
    s
      .http()
      .post('/notifications')
      .set(auth(admin))
      .send({ recipientId, title, body: 'hello' })
      .expect(201)
      .then((res) => res.body as { id: number; title: string });

  beforeAll(async () => {
    s = await startSample({ debug: false });
    base = await listen(s.app);
    alice = await s.login('alice');
    admin = await s.login('admin');
    aliceId = userOf(alice);
    adminId = userOf(admin);
  });
  afterAll(() => s.close());

  it('answers 401 problem+json without a token, as the other notification routes do', async () => {
    const res = await s.http().get('/notifications/stream').set('accept', 'text/event-stream');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("streams the caller's new notifications, and not another user's", async () => {
    const client = await SseClient.open(base, '/notifications/stream', auth(alice));
    expect(client.status).toBe(200);
    const [connected] = await client.waitFor(1);
    // An empty id: the client's last event id is no notification's.
    expect(connected).toMatchObject({ type: 'connected', lastEventId: '' });
    expect(JSON.parse(connected.data)).toEqual({ userId: aliceId });

    // The admin's first: were it sent to alice, it would arrive before hers.
    await notify(adminId, 'for admin');
    const mine = await notify(aliceId, 'for alice');
    const events = await client.waitFor(2);
    expect(events[1]).toEqual({
      type: 'notification',
      data: expect.any(String),
      lastEventId: String(mine.id),
    });
    expect(JSON.parse(events[1].data)).toEqual(mine);
    client.close();
    await waitUntil(
      () => streams().streams === 0,
      10_000,
      () => `streams still open: ${JSON.stringify(streams())}`,
    );
    expect(client.events).toHaveLength(2);
  });

  it('releases the subscription when the client goes away, and logs it at info', async () => {
    const clients = await Promise.all([
      SseClient.open(base, '/notifications/stream', auth(alice)),
      SseClient.open(base, '/notifications/stream', auth(alice)),
      SseClient.open(base, '/notifications/stream', auth(admin)),
    ]);
    await Promise.all(clients.map((c) => c.waitFor(1)));
    expect(streams()).toEqual({ streams: 3, users: 2 });
    clients[0].close();
    await waitUntil(
      () => streams().streams === 2,
      10_000,
      () => JSON.stringify(streams()),
    );
    // Alice's other stream still hears of hers.
    const mine = await notify(aliceId, 'still listening');
    expect((await clients[1].waitFor(2))[1].lastEventId).toBe(String(mine.id));
    clients[1].close();
    clients[2].close();
    await waitUntil(
      () => streams().users === 0,
      10_000,
      () => JSON.stringify(streams()),
    );
    expect(streams()).toEqual({ streams: 0, users: 0 });
    const requestId = String(clients[0].headers['x-request-id']);
    const lines = await s.logs.request(requestId);
    expect(lines.filter((l) => /^request /.test(String(l.msg)))).toEqual([
      expect.objectContaining({ level: LEVEL.info, msg: 'request aborted', route: '/notifications/stream' }),
    ]);
    expect(problems(lines)).toEqual([]);
  });

  it('with DEMO_FAULTS=1 and ?fail=1, ends the stream after `connected` with an error event', async () => {
    const client = await SseClient.open(base, '/notifications/stream?fail=1', auth(alice));
    const requestId = String(client.headers['x-request-id']);
    const events = await client.waitForEnd();
    expect(events.map((e) => e.type)).toEqual(['connected', 'error']);
    expect(errorData(events)).toEqual({
      code: 'INTERNAL_ERROR',
      status: 500,
      title: 'Internal Server Error',
      message: 'An unexpected error occurred.',
      requestId,
    });
    expect(client.raw).not.toMatch(/cursor|\/srv\/app/);

    const lines = await s.logs.request(requestId);
    expect(problems(lines)).toEqual([
      expect.objectContaining({
        level: LEVEL.error,
        msg: 'request failed',
        transport: 'sse',
        operation: '/notifications/stream',
        code: 'INTERNAL_ERROR',
        failureStatus: 500,
        userId: aliceId,
      }),
    ]);
    expect(JSON.stringify(s.logs.lines)).not.toContain('RouterResponseController');
    const metrics = await s.http().get('/metrics').expect(200);
    expect(streamCounts(metrics.text, '/notifications/stream')).toMatchObject({ failed: 1 });
    expect(streams().streams).toBe(0);
  });
});

describe('sample app without DEMO_FAULTS', () => {
  it('ignores ?fail=1 on the stream', async () => {
    const s = await startSample({ debug: false, demoFaults: false });
    try {
      const base = await listen(s.app);
      const alice = await s.login('alice');
      const client = await SseClient.open(base, '/notifications/stream?fail=1', {
        authorization: `Bearer ${alice}`,
      });
      await client.waitFor(1);
      // Still streaming: a notification created now arrives.
      const recipientId = (JSON.parse(client.events[0].data) as { userId: number }).userId;
      await s
        .http()
        .post('/notifications')
        .set('authorization', `Bearer ${await s.login('admin')}`)
        .send({ recipientId, title: 'still here', body: 'hello' })
        .expect(201);
      expect((await client.waitFor(2)).map((e) => e.type)).toEqual(['connected', 'notification']);
      client.close();
      await waitUntil(
        () => s.app.get(NotificationsService).openStreams().streams === 0,
        10_000,
        () => 'the stream is still open',
      );
      expect(client.events.map((e) => e.type)).toEqual(['connected', 'notification']);
    } finally {
      await s.close();
    }
  });
});

/** Open connections of `server`. */
function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
