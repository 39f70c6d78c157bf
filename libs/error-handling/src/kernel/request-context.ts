import type { Logger } from 'pino';
import { platformRequest, routeTemplate } from './http-exchange';
import { currentRequestScope } from './request-scope';
import type { FailedOperation, TrackedEvent } from './failure-events';

/** Set on a request by the exception filter: the failure its request line carries. */
export const REQUEST_FAILURE = Symbol.for('faultline.requestFailure');
/** Marks a log object Faultline built itself, already redacted: the redaction hook skips it. */
export const ALREADY_REDACTED = Symbol.for('faultline.alreadyRedacted');

/** Levels a failure is logged at. */
export type FailureLevel = 'info' | 'warn' | 'error';

/** What the filter knows about a failure, for the log line that reports it. */
export interface RequestFailure {
  exception: unknown;
  status: number;
  code: string;
  expected: boolean;
  level: FailureLevel;
  /** The error tracker's (Sentry's) event id for this failure. */
  eventId?: string;
  /** What became of that event, as the tracker learns it: a line reads it when it is written. */
  tracked?: TrackedEvent;
  /** With `DEPENDENCY_UNAVAILABLE`: the dependency that could not be reached. */
  dependency?: string;
  /** For a failure outside a plain HTTP route (a GraphQL resolver, an SSE stream): where. */
  operation?: FailedOperation;
  /**
   * The route the request's line names instead of its template: a GraphQL operation
   * (`query GetNotification`), as the client named it.
   */
  route?: string;
  /** How many failures the request had (a GraphQL operation may have several); the line shows the worst. */
  count?: number;
  /** An expected failure's detail as the client was told it (redacted). */
  detail?: string;
  /** An expected failure's field errors as the client was told them (redacted). */
  fieldErrors?: readonly { pointer: string; field: string; code: string; detail: string }[];
}

/** The request fields Faultline reads; Express and Fastify requests both have them. */
/** Where {@link clientIp} keeps a request's `req.ip` (`null`: the request has none). */
const CLIENT_IP = Symbol('faultline.clientIp');

/**
 * The request's `req.ip`, read once. Express works it out anew on every read (the
 * `trust proxy` function and a parse of `X-Forwarded-For`), and a request's line, its log
 * lines, its audit event and its alert each want it.
 */
export function clientIp(req: LoggedRequest): string | undefined {
  const cached = req[CLIENT_IP];
  if (cached !== undefined) return cached ?? undefined;
  // On Fastify, Fastify's `request.ip` (which follows its `trustProxy`), linked to the Node request.
  const value = platformRequest(req).ip;
  const ip = typeof value === 'string' ? value : undefined;
  if (Object.isExtensible(req)) req[CLIENT_IP] = ip ?? null;
  return ip;
}

export interface LoggedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  ip?: string;
  headers?: Record<string, string | string[] | undefined>;
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  user?: unknown;
  query?: unknown;
  body?: unknown;
  log?: unknown;
  [REQUEST_FAILURE]?: RequestFailure;
  [CLIENT_IP]?: string | null;
  [REQUEST_LINE_DONE]?: true;
}

/**
 * Set on a request's logger by Faultline's request middleware (and so, through the prototype, on
 * its children): the request. Every line of the request can then add `userId` and `ip` as they
 * become known, without an interceptor on the hot path.
 */
export const LOGGER_REQUEST = Symbol.for('faultline.loggerRequest');

/**
 * Set on a request by Faultline's request middleware once it has written the request's line, or
 * from the start when it writes none (a quiet path).
 */
export const REQUEST_LINE_DONE = Symbol('faultline.requestLineDone');

/**
 * True when Faultline's request middleware will write this request's line: the logger it put on
 * `req.log` is tagged with the request, and the line is not written yet. A failure after that
 * (a handler still running when its client went away) needs a line of its own.
 */
export function requestLinePending(req: LoggedRequest): boolean {
  const log = req.log as Record<symbol, unknown> | undefined;
  return log !== undefined && log !== null && log[LOGGER_REQUEST] === req && req[REQUEST_LINE_DONE] !== true;
}

/** The logger bound to the request being handled (with its requestId), if any. */
export function currentRequestLogger(): Logger | undefined {
  return currentRequestScope()?.logger;
}

/**
 * The route template that matched (`/notifications/:id/read`), or undefined for none: Express's
 * `req.route.path`, Fastify's `request.routeOptions.url`, also from the Node request under a
 * Fastify request (see kernel/http-exchange).
 */
export function routeOf(req: LoggedRequest): string | undefined {
  return routeTemplate(req);
}

/** The user id of a request read by `userId`; undefined when it throws. */
export function safeUserId(
  req: unknown,
  userId: (req: unknown) => string | number | undefined = defaultUserId,
): string | number | undefined {
  try {
    return userId(req);
  } catch {
    return undefined;
  }
}

/** The default user id: `req.user.id`, else `req.user.sub`. */
export function defaultUserId(req: unknown): string | number | undefined {
  const user = (req as LoggedRequest).user as { id?: unknown; sub?: unknown } | undefined;
  const id = user?.id ?? user?.sub;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The request path without its query string (which may carry secrets). */
export function pathOf(req: { originalUrl?: string; url?: string }): string {
  const url = String(req.originalUrl ?? req.url ?? '/');
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Responses that are event streams (`@Sse()`), marked by the SSE interceptor. */
const EVENT_STREAMS = new WeakSet<object>();

/** Marks a Node response as an event stream: open as long as its client listens, never slow. */
export function markEventStream(res: object): void {
  EVENT_STREAMS.add(res);
}

/** Takes the mark off: the stream was refused before it opened, and answered as a request. */
export function unmarkEventStream(res: object): void {
  EVENT_STREAMS.delete(res);
}

/**
 * True for an event stream: one the SSE interceptor marked, or a `text/event-stream` response
 * the application wrote itself (its header set with `setHeader`).
 */
export function isEventStream(res: { getHeader(name: string): unknown }): boolean {
  if (EVENT_STREAMS.has(res)) return true;
  const type = res.getHeader('content-type');
  return typeof type === 'string' && type.toLowerCase().startsWith('text/event-stream');
}
