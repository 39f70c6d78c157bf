import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { FailureEvents, type HandledFailure } from '../kernel/failure-events';
import { USER } from '../kernel/tokens';
import { Signals } from '../kernel/signals';
import { type LoggedRequest, routeOf, safeUserId } from '../kernel/request-context';
import { Redactor } from '../redaction/redactor';
import { SENTRY_RUNTIME } from './sentry.internal-constants';
import type { SentryOptions } from './sentry.options';
import { initialisedSentry, initSentry, type SentrySdk, useSentryRedactor } from './sentry-sdk';

/**
 * Captures unexpected failures (by Faultline's policy: 5xx not listed in `expectedErrors`, never
 * 4xx) in Sentry, once each, with the tags `code`, `requestId` and `userId`. The event id is
 * handed to the log line and the alert of the same failure.
 */
@Injectable()
export class SentryReporter implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly sentry: SentrySdk | undefined;
  private readonly detach: (() => void)[] = [];

  constructor(
    @Inject(SENTRY_RUNTIME) options: SentryOptions | false,
    private readonly failures: FailureEvents,
    redactor: Redactor,
    @Inject(USER) private readonly user: (req: unknown) => string | number | undefined,
    private readonly signals: Signals,
  ) {
    if (!options) return;
    // Initialised by the instrument entry already, or here (errors only needs no import order).
    const tracingTooLate = options.tracesSampleRate !== undefined && !initialisedSentry();
    if (!initSentry(options)) return;
    this.sentry = initialisedSentry();
    if (!this.sentry) return;
    if (tracingTooLate) {
      new Logger('Faultline').warn(
        'sentry.tracesSampleRate is set but Sentry was initialised by the module: import ' +
          "'nestjs-faultline/instrument' first in main.ts for tracing to see requests",
      );
    }
    useSentryRedactor(redactor);
  }

  /** Hears failures first (the others report its event id) and registers its queue to flush. */
  onModuleInit(): void {
    if (!this.sentry || this.detach.length > 0) return;
    this.detach.push(
      this.failures.subscribe((f) => this.capture(f), { first: true }),
      this.signals.onFlush((timeoutMs) => this.flush(timeoutMs)),
    );
  }

  /** True when Sentry is on. */
  get enabled(): boolean {
    return this.sentry !== undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush(2000);
  }

  onApplicationShutdown(): void {
    for (const detach of this.detach.splice(0)) detach();
  }

  /**
   * Waits until the events captured so far are sent, at most `timeoutMs`; true when they were
   * (and when Sentry is off). The process-error hooks call it before the process exits.
   */
  async flush(timeoutMs = 2000): Promise<boolean> {
    if (!this.sentry) return true;
    try {
      return await this.sentry.flush(timeoutMs);
    } catch {
      return false;
    }
  }

  private capture(f: HandledFailure): void {
    if (f.expected || !this.sentry) return;
    const req = (f.request ?? {}) as LoggedRequest;
    const userId = this.userId(req);
    const tags: Record<string, string> =
      f.job === undefined
        ? { code: f.code, requestId: f.requestId }
        : { code: f.code, job: f.job, jobId: f.requestId };
    if (f.operation) {
      tags.transport = f.operation.transport;
      tags.operation = f.operation.name;
    }
    if (userId !== undefined) tags.userId = String(userId);
    f.eventId = this.sentry.captureException(f.exception, {
      tags,
      user: userId !== undefined ? { id: String(userId) } : undefined,
      contexts: {
        request: { method: req.method, route: f.operation?.name ?? routeOf(req), status: f.status },
      },
    });
  }

  private userId(req: LoggedRequest): string | number | undefined {
    return safeUserId(req, this.user);
  }
}
