import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { fatalAlert } from '../alerts/fatal-alert';
import { AlertService } from '../alerts/alert.service';
import { AuditService } from '../audit/audit.service';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import { LOGGING_RUNTIME } from '../logging/logging.internal-constants';
import type { LoggingRuntime } from '../logging/logging-runtime';
import { Redactor } from '../redaction/redactor';
import type { ResolvedAlerts } from '../alerts/resolve-alerts-options';
import type { ResolvedProcessErrors } from './resolve-process-errors-options';
import { SentryReporter } from '../sentry/sentry.reporter';
import { currentRequestId, FAULTLINE_CONTEXT, nestLine, stackFrames, writeToPino } from './fault-line';
import {
  type ProcessErrorMessage,
  ProcessErrorHooks,
  type ProcessLike,
  unhandledRejectionsMode,
} from './process-error-hooks';

/** What the process error hooks read of the module's resolved options. */
export interface ProcessErrorSettings {
  processErrors: ResolvedProcessErrors | false;
  alerts: ResolvedAlerts | false;
}

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
    @Inject(RESOLVED_OPTIONS) private readonly options: ProcessErrorSettings,
    private readonly redactor: Redactor,
    private readonly alerts: AlertService,
    private readonly sentry: SentryReporter,
    private readonly audit: AuditService,
    @Optional() @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null = null,
  ) {}

  onModuleInit(): void {
    const o = this.options.processErrors;
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
    // Without Faultline's logging no `fatal` line reaches the alerts feature: told directly.
    const alerts = this.options.alerts;
    if (alerts && alerts.fatalLogs) void this.alerts.raise(fatalAlert({ message, fields }));
  }

  private async flush(timeoutMs: number): Promise<void> {
    await Promise.all([
      this.alerts.flush(timeoutMs).catch(() => false),
      this.sentry.flush(timeoutMs),
      this.audit.flush(timeoutMs).catch(() => false),
      this.flushLog(timeoutMs),
    ]);
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
