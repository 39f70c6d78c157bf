import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';
import { describeType, safeGet, safeString } from '../errors/safe-access';
import { pathOf } from '../filter/problem-builder';
import { ensureRequestId } from '../filter/request-id';
import type { Redactor } from '../redaction/redactor';
import {
  ALREADY_REDACTED,
  handOffRequest,
  REQUEST_FAILURE,
  type FailureLevel,
  type LoggedRequest,
  type RequestFailure,
  routeOf,
  safeUserId,
} from './request-context';
import type { RequestTap } from './request-tap';
import type { ResolvedLogging } from './resolve-logging-options';

/** A log object Faultline built and redacted itself. */
export type LogLine = Record<string, unknown> & { [ALREADY_REDACTED]: true };

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
  ) {}

  /** pino-http options for Faultline's request line. */
  pinoHttpOptions(root: Logger): Options {
    const incoming = this.requestIdHeader.toLowerCase();
    const quiet = this.logging.quietPaths;
    return {
      logger: root,
      wrapSerializers: false,
      // pino-http binds the raw request to the request's child logger under `customAttributeKeys.req`.
      // Naming that key `requestId` and serializing the request to its id gives every line of the
      // request a top-level `requestId` with one child logger per request, and pino never
      // stringifies the IncomingMessage itself.
      quietReqLogger: false,
      quietResLogger: false,
      customAttributeKeys: { req: 'requestId', responseTime: 'durationMs' },
      serializers: { requestId: requestIdOf },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const request = req as LoggedRequest;
        const id = ensureRequestId(request, incoming);
        // Tagging the request's logger with its request marks the line as Faultline's. Quiet
        // paths get no finish listener from pino-http, so the tap does not count them either.
        if (quiet.size === 0 || !quiet.has(pathOf(request))) {
          handOffRequest(request);
          this.tap.started();
        }
        res.setHeader(this.requestIdHeader, id);
        return id;
      },
      autoLogging: quiet.size > 0 ? { ignore: (req) => quiet.has(pathOf(req as LoggedRequest)) } : true,
      customLogLevel: (req, res, err) => this.levelOf(req as LoggedRequest, res, err),
      customSuccessMessage: (req, res) => messageOf(req as LoggedRequest, res, undefined),
      customErrorMessage: (req, res, err) => messageOf(req as LoggedRequest, res, err),
      customSuccessObject: (req, res, val: { durationMs?: number }) =>
        this.requestLine(req as LoggedRequest, res, val.durationMs, undefined),
      customErrorObject: (req, res, err, val: { durationMs?: number }) =>
        this.requestLine(req as LoggedRequest, res, val.durationMs, err),
    };
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
    if (durationMs !== undefined && durationMs >= this.logging.slowRequestMs) {
      this.performance.warn(
        {
          [ALREADY_REDACTED]: true,
          requestId: req.id,
          method: line.method,
          route: line.route,
          status: line.status,
          durationMs,
          thresholdMs: this.logging.slowRequestMs,
        },
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

  private base(req: LoggedRequest, status: number): LogLine {
    const line: LogLine = {
      [ALREADY_REDACTED]: true,
      method: req.method,
      route: routeOf(req),
      url: this.redactor.redactString(String(req.originalUrl ?? req.url ?? '')),
      status,
    };
    const userId = this.userId(req);
    if (userId !== undefined) line.userId = userId;
    if (req.ip !== undefined) line.ip = req.ip;
    return line;
  }

  private addFailure(line: LogLine, req: LoggedRequest, failure: RequestFailure): void {
    line.code = failure.code;
    line.err = this.errorFields(failure.exception, failure.expected);
    if (failure.eventId !== undefined) line.sentryEventId = failure.eventId;
    const details = this.logging.requestDetails;
    if (details === 'all-errors' || (details === 'server-errors' && !failure.expected)) {
      line.request = {
        headers: this.redactor.redact(req.headers ?? {}),
        query: this.redactor.redact(req.query ?? {}),
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
      if (message !== undefined) err.message = this.redactor.redactString(message);
      if (typeof code === 'string' || typeof code === 'number') err.code = code;
      return err;
    }
    return this.redactor.redactError(exception);
  }

  private userId(req: LoggedRequest): string | number | undefined {
    return safeUserId(req, this.logging.userId);
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

function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `[${describeType(value)}]`;
  }
}

/** The `requestId` serializer: a request becomes its id; an id stays as it is. */
function requestIdOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as LoggedRequest).id : value;
}
