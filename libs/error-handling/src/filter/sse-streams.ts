import {
  type CallHandler,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  type MessageEvent,
  type NestInterceptor,
  type OnModuleInit,
  Sse,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Observable } from 'rxjs';
import { classesOf, INTERCEPTORS_KEY, methodsOf, prependEnhancer } from '../kernel/enhancers';
import { nodeRequest, nodeResponse, routeTemplate } from '../kernel/http-exchange';
import { Signals } from '../kernel/signals';
import { MetricSources, type MetricSample } from '../kernel/metric-sources';
import { ensureRequestId } from '../kernel/request-id';
import { markEventStream, unmarkEventStream } from '../kernel/request-context';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import type { FilterSettings } from './filter.settings';
import type { HttpRequestLike } from './http-request.interface';
import { failureMembers, OperationFailures, type PublicFailure } from './operation-failures';

/**
 * The metadata key `@Sse()` marks a handler with (`'__sse__'` in Nest 11), read off the public
 * decorator rather than a deep import of `@nestjs/common/constants`: the one key `@Sse()` sets to
 * `true` that `@Get()` does not set.
 */
export const SSE_KEY: unknown = (() => {
  const sse = { value: (): void => undefined };
  const get = { value: (): void => undefined };
  Sse()({}, 'probe', sse);
  Get()({}, 'probe', get);
  const plain = new Set<unknown>(Reflect.getOwnMetadataKeys(get.value));
  return Reflect.getOwnMetadataKeys(sse.value).find(
    (key) => !plain.has(key) && Reflect.getOwnMetadata(key, sse.value) === true,
  );
})();

/** How a stream ended, as `faultline_sse_streams_total` counts it. */
export type SseOutcome = 'completed' | 'failed' | 'disconnected';

const OUTCOMES: readonly SseOutcome[] = ['completed', 'failed', 'disconnected'];

/**
 * Routes with counts kept. The `route` label is a route template from the application's code,
 * so there are a handful; the cap only keeps something unforeseen (routes made at start-up from
 * data) from growing the series without bound. Further routes count as `other`.
 */
const MAX_ROUTES = 100;

/**
 * The data of the `error` event a failed stream ends with, as JSON: what every transport's answer
 * carries (`code`, `status`, `title`, `message`, `requestId`, field `errors`, `retryAfterSeconds`,
 * `debug`), and a shown error's extension members (its `details`: `constraint`, ...) beside them.
 */
export type SseErrorData = Omit<PublicFailure, 'details'> & { [member: string]: unknown };

/**
 * Error handling for Server-Sent Events (`@Sse()` handlers): an interceptor Faultline puts on
 * those handlers only, from its constructor (Nest creates providers before `app.init()` builds
 * the route contexts that read the interceptor metadata), so no other route pays for it.
 *
 * Once the stream's headers are out no exception filter can answer, so a failure of the
 * stream's observable is handled here, as the filter would handle a request's: mapped by the
 * same registry, published once (metrics, alerts, Sentry), recorded on the request's one line,
 * and sent to the client as one `error` event whose data is `{ code, status, title, message,
 * requestId }`; then the stream completes and Nest ends the response. Nest's own handling (an
 * `error` event with the bare message, and an ERROR line of its logger) never sees it.
 *
 * A failure before the headers are out (a handler that throws, an observable that fails before
 * its first event) is passed on: the exception filter answers it as a problem body. A client
 * that goes away unsubscribes the stream, which runs the producer's teardown; the request line
 * says `request aborted` at `info`.
 */
@Injectable()
export class SseStreams implements NestInterceptor, OnModuleInit {
  private readonly counts = new Map<string, Record<SseOutcome, number>>();
  private open = 0;
  private readonly handlers: number;
  private readonly idHeader: string;

  constructor(
    modules: ModulesContainer,
    private readonly operations: OperationFailures,
    private readonly metrics: MetricSources,
    @Inject(RESOLVED_OPTIONS) options: Pick<FilterSettings, 'requestIdHeader'>,
    private readonly signals: Signals,
  ) {
    this.idHeader = options.requestIdHeader.toLowerCase();
    this.handlers = this.attach(modules);
  }

  onModuleInit(): void {
    // An application without SSE routes gets no empty series.
    if (this.handlers === 0) return;
    this.metrics.add(
      {
        name: 'faultline_sse_streams_total',
        help: 'SSE streams by route and how they ended (completed, failed, disconnected)',
        type: 'counter',
        read: () => this.samples(),
      },
      {
        name: 'faultline_sse_streams_open',
        help: 'SSE streams open now',
        type: 'gauge',
        read: () => [{ value: this.open }],
      },
    );
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<HttpRequestLike>();
    // Nest ends a HEAD request once its headers are out: no stream to handle or count.
    if (req.method === 'HEAD') return next.handle();
    const res = http.getResponse<unknown>();
    // Its request line must not call it slow: Nest writes its headers with writeHead, where the
    // line cannot read them back.
    const raw = nodeResponse(res);
    if (raw) markEventStream(raw);
    const route = routeTemplate(req) ?? `${context.getClass().name}.${context.getHandler().name}`;
    return new Observable<unknown>((subscriber) => {
      const { key, counts } = this.countsOf(route);
      this.open++;
      let ended = false;
      let lastId: string | undefined;
      const end = (outcome: SseOutcome | undefined): void => {
        ended = true;
        this.open--;
        if (!outcome) return;
        counts[outcome]++;
        // The alerts feature watches each route's failure rate (`alerts.sseErrorRate`).
        this.signals.streams.emit([key, outcome]);
      };
      const upstream = next.handle().subscribe({
        next: (event: unknown) => {
          if (!isCommentOnly(event)) lastId = explicitId(event);
          subscriber.next(event);
        },
        error: (error: unknown) => {
          // Nothing sent yet: the exception filter answers with a problem body, and the request
          // counts as a failed request rather than a stream.
          if (!nodeResponse(res)?.headersSent) {
            if (raw) unmarkEventStream(raw);
            end(undefined);
            subscriber.error(error);
            return;
          }
          end('failed');
          subscriber.next(this.errorEvent(error, req, route, lastId));
          subscriber.complete();
        },
        complete: () => {
          end('completed');
          subscriber.complete();
        },
      });
      // Unsubscribed before the stream ended: the client went away (or Nest dropped a client
      // that stopped reading). Unsubscribing upstream runs the producer's teardown; counted
      // first, as a teardown that throws (Nest logs it) would skip what follows.
      return () => {
        if (!ended) end('disconnected');
        upstream.unsubscribe();
      };
    });
  }

  /** Puts this interceptor first on every `@Sse()` handler of the application's controllers. */
  private attach(modules: ModulesContainer): number {
    let found = 0;
    for (const type of classesOf(modules, 'controllers')) {
      for (const handler of methodsOf(type).values()) {
        if (SSE_KEY === undefined || Reflect.getMetadata(SSE_KEY, handler) !== true) continue;
        // Metadata lives on the handler function, shared by every application of the process
        // that uses the controller (tests start several): the one built last handles them.
        const list = (Reflect.getMetadata(INTERCEPTORS_KEY, handler) as unknown[] | undefined) ?? [];
        const others = list.filter((item) => !(item instanceof SseStreams) || item === this);
        if (others.length !== list.length) Reflect.defineMetadata(INTERCEPTORS_KEY, others, handler);
        prependEnhancer(INTERCEPTORS_KEY, this, handler);
        found++;
      }
    }
    return found;
  }

  /** The `error` event a failed stream ends with. */
  private errorEvent(
    error: unknown,
    req: HttpRequestLike,
    route: string,
    lastId: string | undefined,
  ): MessageEvent {
    const node = nodeRequest(req);
    // On Fastify the Node request may carry Fastify's own counter as `id`: only Faultline's counts.
    const requestId = ensureRequestId(node, this.idHeader, node === req);
    const failure = this.operations.handle(error, {
      operation: { transport: 'sse', name: route },
      requestId,
      request: req,
    });
    const data: SseErrorData = {
      code: failure.code,
      status: failure.status,
      title: failure.title,
      message: failure.message,
      requestId: failure.requestId,
    };
    // Then what the other transports carry beside them (field errors, retry delay, debug, a shown
    // error's extension members), none in place of these.
    for (const [key, value] of Object.entries(failureMembers(failure))) if (!(key in data)) data[key] = value;
    const event: MessageEvent = { type: 'error', data: JSON.stringify(data) };
    // Nest numbers an event without an id; with the id of the last event the client got
    // instead, a reconnecting EventSource's Last-Event-ID still names the last real event.
    if (lastId !== undefined) event.id = lastId;
    if (failure.retryAfterSeconds !== undefined) event.retry = failure.retryAfterSeconds * 1000;
    return event;
  }

  /** The counts of a route, and the route they are kept under (`other` past the cap). */
  private countsOf(route: string): { key: string; counts: Record<SseOutcome, number> } {
    const key = this.counts.has(route) || this.counts.size < MAX_ROUTES ? route : 'other';
    let counts = this.counts.get(key);
    // Every outcome from the first stream on: a counter series that appears with its first
    // increment is one `increase()` does not see.
    if (!counts) this.counts.set(key, (counts = { completed: 0, failed: 0, disconnected: 0 }));
    return { key, counts };
  }

  private samples(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const [route, counts] of this.counts) {
      for (const outcome of OUTCOMES) out.push({ labels: { route, outcome }, value: counts[outcome] });
    }
    return out;
  }
}

/** The id an event sets itself, if any (Nest numbers the others). */
function explicitId(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const id = (event as MessageEvent).id;
  return id === undefined || id === null ? undefined : String(id);
}

/** A comment alone (a heartbeat): an EventSource ignores it, and Nest gives it no id. */
function isCommentOnly(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as MessageEvent;
  return (
    e.comment !== undefined &&
    e.comment !== null &&
    e.data === undefined &&
    e.type === undefined &&
    e.retry === undefined
  );
}
