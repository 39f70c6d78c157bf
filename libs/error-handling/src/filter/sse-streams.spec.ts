import { type CallHandler, type ExecutionContext, Get, type MessageEvent, Sse } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { INTERCEPTORS_KEY } from '../kernel/enhancers';
import { concat, lastValueFrom, type Observable, of, throwError, toArray } from 'rxjs';
import { Signals } from '../kernel/signals';
import { MetricSources } from '../kernel/metric-sources';
import type { OperationFailures, PublicFailure } from './operation-failures';
import { SSE_KEY, SseStreams } from './sse-streams';

class Feed {
  @Sse()
  stream(): void {}

  @Get()
  list(): void {}
}

/** The container of an application with `Feed` as its one controller, or with none. */
function modulesWith(controllers: (new () => unknown)[]): ModulesContainer {
  const modules = new ModulesContainer();
  const module = {
    controllers: new Map(controllers.map((type) => [type, { metatype: type }])),
    providers: new Map(),
  };
  modules.set('app', module as unknown as Parameters<ModulesContainer['set']>[1]);
  return modules;
}

interface FakeResponse {
  headersSent: boolean;
  setHeader(): void;
}

function contextOf(req: Record<string, unknown>, res: FakeResponse, type = 'http'): ExecutionContext {
  return {
    getType: () => type,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    getClass: () => Feed,
    getHandler: () => Feed.prototype.stream,
  } as unknown as ExecutionContext;
}

const handlerOf = (source: Observable<unknown>): CallHandler => ({ handle: () => source });

const failure = (requestId: string): PublicFailure => ({
  status: 500,
  code: 'INTERNAL_ERROR',
  title: 'Internal Server Error',
  message: 'An unexpected error occurred.',
  requestId,
});

function setup(
  handle: (error: unknown, site: { requestId: string }) => PublicFailure,
  controllers: (new () => unknown)[] = [],
) {
  const metrics = new MetricSources();
  const streams = new SseStreams(
    modulesWith(controllers),
    { handle } as unknown as OperationFailures,
    metrics,
    { requestIdHeader: 'X-Request-Id' },
    new Signals(),
  );
  return { streams, metrics };
}

/** A request whose stream is under way (its headers are out) unless `headersSent` is false. */
function exchange(headersSent = true, route = '/feed') {
  const req = { id: 'req-1', method: 'GET', route: { path: route }, headers: {} };
  const res: FakeResponse = { headersSent, setHeader: () => undefined };
  return { req, res };
}

describe('SseStreams', () => {
  it("reads @Sse()'s metadata key off the decorator: Nest's SSE_METADATA", () => {
    expect(SSE_KEY).toBe('__sse__');
  });

  it('puts itself first on the @Sse() handlers of the controllers, once, and on no other', () => {
    const first = setup(() => failure('x'), [Feed]).streams;
    const interceptors = (handler: object) => Reflect.getMetadata(INTERCEPTORS_KEY, handler) as unknown;
    expect(interceptors(Feed.prototype.stream)).toEqual([first]);
    expect(interceptors(Feed.prototype.list)).toBeUndefined();
    // A second application around the same controller (tests build several): it takes over.
    const second = setup(() => failure('x'), [Feed]).streams;
    expect(interceptors(Feed.prototype.stream)).toEqual([second]);
  });

  it('passes a failure before the headers are out on to the exception filter, uncounted', async () => {
    const handle = jest.fn();
    const { streams } = setup(handle);
    const { req, res } = exchange(false);
    const error = new Error('no feed');
    const out = streams.intercept(contextOf(req, res), handlerOf(throwError(() => error)));
    await expect(lastValueFrom(out)).rejects.toBe(error);
    expect(handle).not.toHaveBeenCalled();
  });

  it('gives the error event the id of the last event that had one, skipping comments', async () => {
    const { streams } = setup((_e, site) => failure(site.requestId));
    const run = async (source: Observable<MessageEvent | string>) => {
      const { req, res } = exchange();
      const events = await lastValueFrom(
        streams
          .intercept(
            contextOf(req, res),
            handlerOf(
              concat(
                source,
                throwError(() => new Error('x')),
              ),
            ),
          )
          .pipe(toArray()),
      );
      return (events.at(-1) as MessageEvent).id;
    };
    expect(await run(of({ id: '7', data: 'a' }, { comment: 'heartbeat' }))).toBe('7');
    // Nest numbers an event without an id, and numbers the error event after it.
    expect(await run(of({ id: '7', data: 'a' }, { data: 'b' }))).toBeUndefined();
    expect(await run(of('plain'))).toBeUndefined();
  });

  it('passes other kinds of context and HEAD requests through untouched', () => {
    const { streams } = setup(() => failure('x'));
    const { req, res } = exchange();
    const source = of({ data: 1 });
    expect(streams.intercept(contextOf(req, res, 'rpc'), handlerOf(source))).toBe(source);
    expect(streams.intercept(contextOf({ ...req, method: 'HEAD' }, res), handlerOf(source))).toBe(source);
  });

  it('counts at most 100 routes by name, the others as `other`', async () => {
    const { streams, metrics } = setup(() => failure('x'), [Feed]);
    streams.onModuleInit();
    for (let i = 0; i < 102; i++) {
      const { req, res } = exchange(true, `/feed/${i}`);
      await lastValueFrom(streams.intercept(contextOf(req, res), handlerOf(of({ data: i }))));
    }
    const counter = metrics.all.find((m) => m.name === 'faultline_sse_streams_total');
    const samples = counter?.read() ?? [];
    const routes = new Set(samples.map((s) => s.labels?.route));
    expect(routes.size).toBe(101);
    expect(samples).toContainEqual({ labels: { route: 'other', outcome: 'completed' }, value: 2 });
    expect(samples).toContainEqual({ labels: { route: '/feed/0', outcome: 'failed' }, value: 0 });
    const open = metrics.all.find((m) => m.name === 'faultline_sse_streams_open');
    expect(open?.read()).toEqual([{ value: 0 }]);
  });

  it('publishes no metric in an application without SSE routes', () => {
    const { streams, metrics } = setup(() => failure('x'));
    streams.onModuleInit();
    expect(metrics.all).toEqual([]);
  });
});
