import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Signals } from '../kernel/signals';
import { PROCESS_ERRORS_RUNTIME } from './process-errors.internal-constants';
import { LOGGING_RUNTIME } from '../logging/logging.internal-constants';
import type { LoggingRuntime } from '../logging/logging-runtime';
import { Redactor } from '../redaction/redactor';
import type { ResolvedProcessErrors } from './resolve-process-errors-options';
import { currentRequestId, FAULTLINE_CONTEXT, nestLine, stackFrames, writeToPino } from './fault-line';
import {
  type ProcessErrorMessage,
  ProcessErrorHooks,
  type ProcessLike,
  unhandledRejectionsMode,
} from './process-error-hooks';

/**
 * Installs Faultline's `uncaughtException` and `unhandledRejection` listeners when the module
 * starts (unless `processErrors: false`) and removes them at shutdown. Each such error is one
 * line with the redacted `err` and, when it happened while a request was handled, its
 * requestId: `fatal` when it ends the process, which raises the `fatal`-line alert. Sentry's own
 * listeners report it as before. Then the process does what Node would have done; when that is
 * to exit, the alert, the Sentry event, the audit queue and the log are flushed first (at most
 * `processErrors.flushTimeoutMs`) and the process exits with code 1. See {@link ProcessErrorHooks}.
 */
@Injectable()
export class ProcessErrors implements OnModuleInit, OnApplicationShutdown {
  private readonly nest = new Logger(FAULTLINE_CONTEXT);
  private hooks: ProcessErrorHooks | undefined;

  constructor(
    @Inject(PROCESS_ERRORS_RUNTIME) private readonly options: ResolvedProcessErrors | false,
    private readonly redactor: Redactor,
    private readonly signals: Signals,
    @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null,
  ) {}

  onModuleInit(): void {
    const o = this.options;
    if (!o || this.hooks) return;
    this.hooks = new ProcessErrorHooks(
      process as unknown as ProcessLike,
      {
        log: (level, message, error) => this.log(level, message, error),
        flush: (timeoutMs) => this.flush(timeoutMs),
      },
      o.flushTimeoutMs,
      unhandledRejectionsMode(process.execArgv, process.env.NODE_OPTIONS),
    );
    this.hooks.install();
  }

  onApplicationShutdown(): void {
    this.hooks?.uninstall();
    this.hooks = undefined;
  }

  private log(level: 'fatal' | 'error', message: ProcessErrorMessage, error: unknown): void {
    const err = this.redactor.redactError(error);
    const requestId = currentRequestId();
    const fields = requestId === undefined ? { err } : { err, requestId };
    if (this.logging) {
      // A `fatal` line is heard by the alerts feature (its `fatal`-line alert) and counted.
      writeToPino(this.logging, level, fields, message);
      return;
    }
    const line = nestLine(message, { requestId }, err);
    if (level === 'error') {
      this.nest.error(line, stackFrames(err));
      return;
    }
    const frames = stackFrames(err);
    if (frames === undefined) this.nest.fatal(line);
    else this.nest.fatal(line, frames);
    // Without Faultline's logging this line is not one of its `fatal` lines: told directly.
    this.signals.fatal.emit([{ message, fields }]);
  }

  /** The alert queue, Sentry and the audit queue (whichever are on), and the log. */
  private async flush(timeoutMs: number): Promise<void> {
    await Promise.all([this.signals.flushAll(timeoutMs), this.flushLog(timeoutMs)]);
  }

  private flushLog(timeoutMs: number): Promise<void> {
    const root = this.logging?.root;
    if (!root) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      try {
        root.flush(() => {
          clearTimeout(timer);
          resolve();
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
