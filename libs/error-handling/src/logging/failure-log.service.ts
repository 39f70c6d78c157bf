import { Inject, Injectable, Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'pino';
import { nodeRequest } from '../kernel/http-exchange';
import { describeType, safeString } from '../kernel/safe-access';
import { Redactor } from '../redaction/redactor';
import { escapeControl, escapeStackHead } from '../kernel/escape-control';
import { trackerText } from '../kernel/tracked-event';
import { LOGGING_RUNTIME } from './logging.internal-constants';
import { capText } from './request-line-caps';
import type { LoggingRuntime } from './logging-runtime';
import {
  currentRequestLogger,
  REQUEST_FAILURE,
  requestLinePending,
  type LoggedRequest,
  type RequestFailure,
} from '../kernel/request-context';
import type { FailedOperation } from '../kernel/failure-events';
import { logLine } from './request-line';

const LEVEL_RANK = { info: 0, warn: 1, error: 2 } as const;

/** Which of two failures of one request its line shows: the higher level, then the higher status. */
function severity(f: RequestFailure): number {
  return LEVEL_RANK[f.level] * 1000 + f.status;
}

/**
 * Logs each failure exactly once. Where Faultline writes the request's line, the failure rides
 * on it (level, `code`, `err`); otherwise (errors before the pipeline, an application-owned
 * LoggerModule, logging turned off, a handler that failed after its client went away and its
 * line was written) it gets a line of its own, with the requestId.
 */
@Injectable()
export class FailureLog {
  private readonly nest = new NestLogger('Faultline');

  constructor(
    private readonly redactor: Redactor,
    @Inject(LOGGING_RUNTIME) private readonly runtime: LoggingRuntime | null = null,
  ) {}

  /**
   * Records the failure of `req` (Express's request, or Fastify's or the Node request under it:
   * the failure goes on the Node request, where Faultline's request line looks for it).
   */
  record(req: LoggedRequest, failure: RequestFailure): void {
    const runtime = this.runtime;
    const node = nodeRequest(req);
    if (runtime && runtime.mode === 'own' && requestLinePending(node)) {
      // A GraphQL operation can fail in several fields: its one line shows the worst failure.
      const earlier = node[REQUEST_FAILURE];
      if (earlier) {
        const count = (earlier.count ?? 1) + 1;
        if (severity(failure) > severity(earlier)) node[REQUEST_FAILURE] = { ...failure, count };
        else earlier.count = count;
        return;
      }
      node[REQUEST_FAILURE] = failure;
      return;
    }
    if (runtime) {
      const bound = this.requestLogger();
      const logger = bound ?? runtime.root;
      logger[failure.level](runtime.lines.failureLine(req, failure, bound === undefined), 'request failed');
      return;
    }
    this.nestLine(
      `${String(req.method)} ${capText(this.redactor.redactString(String(req.originalUrl ?? req.url)))} ${failure.status} ` +
        `${failure.code} requestId=${String(req.id)}` +
        trackerText(failure) +
        (failure.dependency ? ` dependency=${failure.dependency}` : '') +
        ` ${describeType(failure.exception)}: ${this.message(failure.exception)}`,
      failure,
    );
  }

  /**
   * Logs a failure that no HTTP request carries (an RPC or WebSocket message): one line of its
   * own, with the requestId, the transport and what failed.
   */
  operationFailed(failure: RequestFailure & { operation: FailedOperation }, requestId: string): void {
    if (this.runtime) {
      this.runtime.root[failure.level](
        this.runtime.lines.operationLine(failure, requestId),
        `${failure.operation.transport} failed`,
      );
      return;
    }
    this.nestLine(
      `${failure.operation.transport} ${failure.operation.name} failed ${failure.status} ${failure.code} ` +
        `requestId=${requestId}` +
        trackerText(failure) +
        ` ${describeType(failure.exception)}: ${this.message(failure.exception)}`,
      failure,
    );
  }

  /** A failure's line through Nest's logger, when Faultline's logging is off. */
  private nestLine(text: string, failure: RequestFailure): void {
    const line = escapeControl(text);
    if (failure.level === 'error') {
      this.nest.error(
        line,
        escapeStackHead(this.redactor.redactString(safeString(failure.exception, 'stack') ?? '')),
      );
    } else if (failure.level === 'warn') this.nest.warn(line);
    else this.nest.log(line);
  }

  /** The filter itself failed while handling `original`. */
  filterFailed(original: unknown, filterError: unknown, requestId: string | undefined): void {
    const err = this.redactor.redactError(filterError);
    if (this.runtime) {
      const bound = this.requestLogger();
      const fields = logLine({ originalType: describeType(original), err });
      (bound ?? this.runtime.root).error(
        bound ? fields : { ...fields, requestId },
        'exception filter failed',
      );
      return;
    }
    this.nest.error(
      escapeControl(
        `exception filter failed requestId=${requestId ?? '-'} while handling ${describeType(original)}: ` +
          `${String(err.type)}: ${String(err.message ?? '')}`,
      ),
      typeof err.stack === 'string' ? escapeStackHead(err.stack) : undefined,
    );
  }

  /**
   * The request's own logger, in `own` mode. An application-owned LoggerModule's loggers carry
   * its serializers and raw bindings, so Faultline's lines go through Faultline's root instead.
   */
  private requestLogger(): Logger | undefined {
    return this.runtime?.mode === 'own' ? currentRequestLogger() : undefined;
  }

  private message(value: unknown): string {
    const m = safeString(value, 'message');
    if (m !== undefined) return this.redactor.redactString(m);
    if (typeof value === 'string') return this.redactor.redactString(value);
    return `[${describeType(value)}]`;
  }
}
