import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../kernel/clock';
import { FailureEvents, type HandledFailure, type TrackedEvent } from '../kernel/failure-events';
import { failureSite } from '../kernel/failure-fingerprint';
import { CLOCK, USER } from '../kernel/tokens';
import { Signals } from '../kernel/signals';
import { type LoggedRequest, routeOf, safeUserId } from '../kernel/request-context';
import { Redactor } from '../redaction/redactor';
import { SENTRY_RUNTIME } from './sentry.internal-constants';
import type { SentryOptions } from './sentry.options';
import { eventFates, watchSentEvents } from './event-fates';
import { FingerprintSampler, OTHER_FINGERPRINTS, type SampledOut } from './fingerprint-sampler';
import { resolveSentrySample, SENTRY_DEFAULTS } from './resolve-sentry-options';
import { initialisedSentry, initSentry, type SentrySdk, useSentryRedactor } from './sentry-sdk';

/** Summary events sent in one turn of the event loop (Sentry's client queues 64 at most). */
const SUMMARIES_PER_TURN = 16;

/**
 * Captures unexpected failures (by Faultline's policy: 5xx not listed in `expectedErrors`, never
 * 4xx) in Sentry, once each, with the tags `code`, `requestId` and `userId`, sampled per failure
 * fingerprint (`sentry.sample`) before any event is built. The event id is handed to the log line
 * and the alert of the same failure, and taken back if Sentry drops the event (its Dedupe).
 */
@Injectable()
export class SentryReporter implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly sentry: SentrySdk | undefined;
  private readonly detach: (() => void)[] = [];
  private readonly sampler: FingerprintSampler | undefined;
  private readonly sampleRate: number = SENTRY_DEFAULTS.sampleRate;

  constructor(
    @Inject(SENTRY_RUNTIME) options: SentryOptions | false,
    private readonly failures: FailureEvents,
    redactor: Redactor,
    @Inject(USER) private readonly user: (req: unknown) => string | number | undefined,
    private readonly signals: Signals,
    @Inject(CLOCK) clock: Clock,
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
    watchSentEvents(this.sentry.getClient());
    this.sampleRate = options.sampleRate ?? SENTRY_DEFAULTS.sampleRate;
    // Resolved (and checked) at start-up already; this fills in defaults left out.
    const sample = options.sample === false ? false : resolveSentrySample(options.sample);
    if (sample) this.sampler = new FingerprintSampler(sample, clock, (left) => this.summarise(left));
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
    // The window's counts so far, so that a shutdown does not lose them.
    this.sampler?.endWindow();
    await this.flush(2000);
  }

  /** Fingerprints the sampling tracks in its current window. */
  get trackedFingerprints(): number {
    return this.sampler?.tracked ?? 0;
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
    // Decided before anything of the event is built: no scope, no stack parsing.
    if (
      (this.sampleRate < 1 && Math.random() >= this.sampleRate) ||
      (this.sampler && !this.sampler.admit(failureSite(f).fingerprint))
    ) {
      f.tracked = { status: 'sampled-out' };
      return;
    }
    if ((f.exception as { __sentry_captured__?: unknown } | null)?.__sentry_captured__) {
      // Captured already (by the application's own captureException): Sentry would skip it.
      f.tracked = { status: 'dropped' };
      return;
    }
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
    const eventId = randomUUID().replace(/-/g, '');
    const tracked: TrackedEvent = { status: 'pending', eventId };
    f.tracked = tracked;
    f.eventId = eventId;
    eventFates.expect(eventId, (sent) => {
      tracked.status = sent ? 'sent' : 'dropped';
      if (sent) return;
      delete tracked.eventId;
      delete f.eventId;
    });
    this.sentry.captureException(f.exception, {
      event_id: eventId,
      captureContext: {
        tags,
        user: userId !== undefined ? { id: String(userId) } : undefined,
        contexts: {
          request: { method: req.method, route: f.operation?.name ?? routeOf(req), status: f.status },
        },
      },
    });
  }

  /** One event per fingerprint that had events left out, a few each turn of the event loop. */
  private summarise(left: SampledOut[]): void {
    const sentry = this.sentry;
    if (!sentry) return;
    const batch = left.splice(0, SUMMARIES_PER_TURN);
    for (const s of batch) {
      const other = s.fingerprint === OTHER_FINGERPRINTS;
      const eventId = sentry.captureMessage(
        other
          ? `Sentry sampling left out ${s.count} events of fingerprints past sentry.sample.maxFingerprints in ${s.windowSeconds} s`
          : `Sentry sampling left out ${s.count} events of ${s.fingerprint} in ${s.windowSeconds} s`,
        {
          level: 'warning',
          tags: { sampledOut: String(s.count) },
          // One Sentry issue per fingerprint's summaries.
          fingerprint: ['faultline-sampled-out', s.fingerprint],
          extra: { fingerprint: s.fingerprint, sampledOut: s.count, windowSeconds: s.windowSeconds },
        },
      );
      // Not drawn again by sampleRate (its beforeSend runs after an asynchronous step): a
      // summary stands for events already counted.
      eventFates.expect(eventId, () => undefined);
    }
    if (left.length > 0) setImmediate(() => this.summarise(left));
  }

  private userId(req: LoggedRequest): string | number | undefined {
    return safeUserId(req, this.user);
  }
}
