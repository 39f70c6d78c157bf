import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { platformRequest } from '../kernel/http-exchange';
import { RequestScope, runInRequestScope } from '../kernel/request-scope';
import { describeType, safeGet, safeString } from '../kernel/safe-access';
import { ensureRequestId } from '../kernel/request-id';
import type { Redactor } from '../redaction/redactor';
import {
  ALREADY_REDACTED,
  clientIp,
  isEventStream,
  LOGGER_REQUEST,
  pathOf,
  REQUEST_FAILURE,
  REQUEST_LINE_DONE,
  type FailureLevel,
  type LoggedRequest,
  type RequestFailure,
  routeOf,
  safeUserId,
} from '../kernel/request-context';
import { capStrings, capText } from './request-line-caps';
import type { RequestTap } from '../kernel/request-tap';
import type { ResolvedLogging } from './resolve-logging-options';
import type { SerialisedLines } from './serialised-lines';
import type { FailedOperation } from '../kernel/failure-events';
import { addTrackerFields } from '../kernel/tracked-event';

/** Field errors a failure line carries at most (a body may hold hundreds). */
const MAX_FIELD_ERRORS = 20;

/** A log object Faultline built and redacted itself. */
export type LogLine = Record<string, unknown> & { [ALREADY_REDACTED]: true };

/**
 * `fields`, marked as a {@link LogLine}. The mark is set once the object is made: Maglev (Node 22
 * and 24) builds an object literal whose first key is computed (`{ [ALREADY_REDACTED]: true, ... }`)
 * key by key through V8's runtime, some 6,000 instructions for a request line's five fields and
 * 21,000 for an audit event's seventeen, where a literal of plain keys is copied whole.
 */
export function logLine(fields: Record<string, unknown>): LogLine {
  const line = fields as LogLine;
  line[ALREADY_REDACTED] = true;
  return line;
}

/**
 * Builds the one line each request gets (method, route template, url, status, durationMs,
 * requestId, userId, ip) and, for a failed request, the failure on the same line: `code`, `err`
 * and, by `requestDetails`, the redacted request. There is no second "error" line.
 */
export class RequestLineBuilder {
  constructor(
    private readonly logging: ResolvedLogging,
    private readonly redactor: Redactor,
    private readonly requestIdHeader: string,
    private readonly performance: Logger,
    private readonly tap: RequestTap,
    /** Writes the line from one serialisation of its fields, when the pino options allow. */
    private readonly serialised?: SerialisedLines,
  ) {}

  /**
   * Faultline's request middleware: the request id (kept from the incoming header when it is
   * sane, else a new UUID) on `req.id` and the response header; the request's logger (bound to
   * `requestId`, tagged with the request so its lines can add `userId` and `ip`) on `req.log` and
   * in the request's scope, where Faultline's own lines find it and where the root logger finds
   * it for lines written through other loggers (nestjs-pino's `PinoLogger`, Nest's `Logger`); and
   * the request line when the response finishes or the connection closes first. It takes the
   * place of pino-http and nestjs-pino's binding middleware: one middleware, one child logger and
   * no per-request arrays or option lookups.
   *
   * With `echoId` false the caller sends the id header itself: on Fastify, Faultline's hook puts
   * it on the reply, sent with Fastify's own headers in one `writeHead`.
   */
  middleware(
    root: Logger,
    echoId = true,
  ): (req: LoggedRequest, res: ServerResponse, next: () => void) => void {
    const incoming = this.requestIdHeader.toLowerCase();
    const header = this.requestIdHeader;
    const quiet = this.logging.quietPaths;
    return (req, res, next) => {
      const id = ensureRequestId(req, incoming);
      if (echoId) res.setHeader(header, id);
      const log = root.child({ requestId: id });
      (log as unknown as Record<symbol, unknown>)[LOGGER_REQUEST] = req;
      req.log = log;
      // Quiet paths get no line and are not counted; an 'error' listener still keeps a stray
      // write-after-end error from crashing the process.
      const logged = quiet.size === 0 || !quiet.has(pathOf(req));
      if (logged) this.tap.started();
      // No line to carry a failure: one on this path gets a line of its own.
      else req[REQUEST_LINE_DONE] = true;
      const startedAt = Date.now();
      let ended = false;
      const end = (err?: unknown): void => {
        if (ended) return;
        ended = true;
        if (!logged) return;
        this.write(log, req, res, Date.now() - startedAt, err);
        // A failure recorded from now on gets a line of its own.
        req[REQUEST_LINE_DONE] = true;
      };
      // A Node response emits 'close' once, after 'finish' or when the connection closed first.
      if (logged) res.once('close', end);
      res.on('error', end);
      runInRequestScope(new RequestScope(id, log, req), next);
    };
  }

  /** Writes the request line through the request's logger. */
  private write(
    log: Logger,
    req: LoggedRequest,
    res: ServerResponse,
    durationMs: number,
    err: unknown,
  ): void {
    // A response that failed without an exception of its own still gets an `err`, as with pino-http.
    const error =
      err ??
      (res as { err?: unknown }).err ??
      (res.statusCode >= 500 ? new Error(`failed with status code ${res.statusCode}`) : undefined);
    const level = this.levelOf(req, res, err);
    const line = this.requestLine(req, res, durationMs, error);
    const message = messageOf(req, res, error);
    if (this.serialised === undefined) log[level](line, message);
    else if (log.isLevelEnabled(level)) this.serialised.write(log, level, line, message);
  }

  /** The request line; also writes a `performance` line for a slow request. */
  requestLine(
    req: LoggedRequest,
    res: ServerResponse,
    durationMs: number | undefined,
    err: unknown,
  ): LogLine {
    this.tap.finished(req, res.statusCode, durationMs ?? 0);
    const line = this.base(req, res.statusCode);
    line.durationMs = durationMs;
    const failure = req[REQUEST_FAILURE];
    if (failure) this.addFailure(line, req, failure);
    else if (err !== undefined) line.err = this.errorFields(err, false);
    // A stream (Server-Sent Events) is open as long as its client listens: long is not slow.
    if (durationMs !== undefined && durationMs >= this.logging.slowRequestMs && !isEventStream(res)) {
      this.performance.warn(
        logLine({
          requestId: req.id,
          method: line.method,
          route: line.route,
          status: line.status,
          durationMs,
          thresholdMs: this.logging.slowRequestMs,
        }),
        'slow request',
      );
    }
    return line;
  }

  /**
   * A line for a failure whose request has no request line of Faultline's; `withRequestId` when
   * the logger writing it is not bound to the request already.
   */
  failureLine(req: LoggedRequest, failure: RequestFailure, withRequestId: boolean): LogLine {
    const line = this.base(req, failure.status);
    if (withRequestId) line.requestId = typeof req.id === 'number' ? String(req.id) : req.id;
    this.addFailure(line, req, failure);
    return line;
  }

  /** The line of a failure no HTTP request carries (an RPC or WebSocket message). */
  operationLine(failure: RequestFailure & { operation: FailedOperation }, requestId: string): LogLine {
    const line = logLine({
      requestId,
      transport: failure.operation.transport,
      operation: capText(failure.operation.name),
      status: failure.status,
    });
    this.addFailure(line, undefined, failure);
    return line;
  }

  private base(req: LoggedRequest, status: number): LogLine {
    const line = logLine({
      method: req.method,
      route: routeOf(req),
      // Redacted whole first, then cut: a cut never leaves part of a secret behind.
      url: capText(this.redactor.redactString(String(req.originalUrl ?? req.url ?? ''))),
      status,
    });
    const userId = this.userId(req);
    if (userId !== undefined) line.userId = userId;
    const ip = clientIp(req);
    if (ip !== undefined) line.ip = ip;
    return line;
  }

  private addFailure(line: LogLine, req: LoggedRequest | undefined, failure: RequestFailure): void {
    line.code = failure.code;
    const operation = failure.operation;
    if (operation && req) {
      // The request's route is the transport's endpoint (`/graphql`): say what failed in it.
      if (failure.route !== undefined) line.route = capText(failure.route);
      line.transport = operation.transport;
      line.operation = capText(operation.name);
      if (failure.status !== line.status) line.failureStatus = failure.status;
    }
    if (failure.count !== undefined && failure.count > 1) line.failures = failure.count;
    const err = this.errorFields(failure.exception, failure.expected);
    // What the client was told of its mistake, so the line explains the 4xx on its own; not
    // again when it is the error's own message, which the line has already.
    if (failure.detail !== undefined) {
      const detail = capText(failure.detail);
      if (detail !== err.message) line.detail = detail;
    }
    if (failure.fieldErrors !== undefined) line.errors = failure.fieldErrors.slice(0, MAX_FIELD_ERRORS);
    line.err = err;
    addTrackerFields(line, failure);
    if (failure.dependency !== undefined) line.dependency = failure.dependency;
    const details = this.logging.requestDetails;
    if (req && (details === 'all-errors' || (details === 'server-errors' && !failure.expected))) {
      // On Fastify the body and the parsed query are on Fastify's request, not on Node's.
      req = platformRequest(req);
      line.request = {
        headers: capStrings(this.redactor.redact(req.headers ?? {})),
        query: capStrings(this.redactor.redact(req.query ?? {})),
        body: this.redactor.redact(req.body ?? null),
      };
    }
  }

  /** `err` of a line: type, message, code, and for unexpected errors the stack and cause chain. */
  private errorFields(exception: unknown, expected: boolean): Record<string, unknown> {
    if (typeof exception !== 'object' || exception === null) {
      return { type: describeType(exception), message: this.redactor.redactString(safeText(exception)) };
    }
    // An expected failure is a client's mistake: what and why is enough, not where.
    if (expected) {
      const message = safeString(exception, 'message');
      const code = safeGet(exception, 'code');
      const err: Record<string, unknown> = { type: describeType(exception) };
      if (message !== undefined) err.message = capText(this.redactor.redactString(message));
      if (typeof code === 'string' || typeof code === 'number') err.code = code;
      // An HttpException's own response object (an application's `{ status, errors }`), redacted.
      const response = ownResponse(exception);
      if (response !== undefined) err.response = capStrings(this.redactor.redact(response));
      return err;
    }
    return this.redactor.redactError(exception);
  }

  private userId(req: LoggedRequest): string | number | undefined {
    // `req.user`, set by a guard, is on Fastify's request on Fastify.
    return safeUserId(platformRequest(req), this.logging.userId);
  }

  private levelOf(req: LoggedRequest, res: ServerResponse, err: unknown): FailureLevel {
    const failure = req[REQUEST_FAILURE];
    if (failure) return failure.level;
    if (err !== undefined || res.statusCode >= 500) return 'error';
    return res.statusCode >= 400 ? 'warn' : 'info';
  }
}

function messageOf(req: LoggedRequest, res: ServerResponse, err: unknown): string {
  if (!res.writableFinished) return 'request aborted';
  return req[REQUEST_FAILURE] || err !== undefined || res.statusCode >= 500
    ? 'request failed'
    : 'request completed';
}

/** The members of the body Nest makes for an `HttpException` of a message. */
const NEST_MEMBERS = new Set(['message', 'error', 'statusCode']);

/** The response object of an `HttpException` (`getResponse()`), when it is one and not a string. */
function ownResponse(exception: object): object | undefined {
  const getResponse = safeGet(exception, 'getResponse');
  if (typeof getResponse !== 'function') return undefined;
  try {
    const response: unknown = (getResponse as () => unknown).call(exception);
    if (response === null || typeof response !== 'object') return undefined;
    // Nest's own shape says no more than the line's message and status already do.
    for (const key of Object.keys(response)) if (!NEST_MEMBERS.has(key)) return response;
    return undefined;
  } catch {
    return undefined;
  }
}

function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `[${describeType(value)}]`;
  }
}
