import { Inject, Injectable, Logger as NestLogger, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { describeType, safeString } from '../errors/safe-access';
import { Redactor } from '../redaction/redactor';
import { escapeControl } from './escape-control';
import { LOGGING_RUNTIME } from './logging.internal-constants';
import type { LoggingRuntime } from './logging-runtime';
import {
  ALREADY_REDACTED,
  currentRequestLogger,
  hasOwnRequestLine,
  REQUEST_FAILURE,
  type LoggedRequest,
  type RequestFailure,
} from './request-context';

/**
 * Logs each failure exactly once. Where Faultline writes the request's line, the failure rides
 * on it (level, `code`, `err`); otherwise (errors before the pipeline, an application-owned
 * LoggerModule, logging turned off) it gets a line of its own, with the requestId.
 */
@Injectable()
export class FailureLog {
  private readonly nest = new NestLogger('Faultline');

  constructor(
    private readonly redactor: Redactor,
    @Optional() @Inject(LOGGING_RUNTIME) private readonly runtime: LoggingRuntime | null = null,
  ) {}

  /** Records the failure of `req`. */
  record(req: LoggedRequest, failure: RequestFailure): void {
    const runtime = this.runtime;
    if (runtime && runtime.mode === 'own' && hasOwnRequestLine(req)) {
      req[REQUEST_FAILURE] = failure;
      return;
    }
    if (runtime) {
      const bound = this.requestLogger();
      const logger = bound ?? runtime.root;
      logger[failure.level](runtime.lines.failureLine(req, failure, bound === undefined), 'request failed');
      return;
    }
    const line = escapeControl(
      `${String(req.method)} ${this.redactor.redactString(String(req.originalUrl ?? req.url))} ${failure.status} ` +
        `${failure.code} requestId=${String(req.id)}` +
        (failure.eventId ? ` sentryEventId=${failure.eventId}` : '') +
        ` ${describeType(failure.exception)}: ${this.message(failure.exception)}`,
    );
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
      const fields = { [ALREADY_REDACTED]: true, originalType: describeType(original), err };
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

/** A V8 stack frame line: `    at fn (file:1:2)`. */
const STACK_FRAME = /^\s+at /;

/**
 * A stack for Nest's stack argument, which Nest prints as it is. Only the trailing run of frame
 * lines keeps its line breaks; everything before it (`Type: message`, text a client may have
 * crafted, however many lines it has, fake frames included) is escaped into one line like the
 * log line itself. Every line starts indented with `at` or is part of that one line, so no line
 * of the stack can pass for a log line or recolour the terminal.
 */
function escapeStackHead(stack: string): string {
  const lines = stack.split('\n');
  let firstFrame = lines.length;
  while (firstFrame > 0 && STACK_FRAME.test(lines[firstFrame - 1])) firstFrame--;
  const head = escapeControl(lines.slice(0, firstFrame).join('\n'));
  const frames = lines.slice(firstFrame).map((line) => escapeControl(line));
  return [head, ...frames].join('\n');
}
