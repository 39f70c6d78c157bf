import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type Clock, type ClockTimer, systemClock } from '../kernel/clock';
import { CLOCK, EXTENSION_FAULTS } from '../kernel/tokens';
import {
  type ExtensionFaultReporter,
  IGNORE_EXTENSION_FAULTS,
  listenerName,
} from '../kernel/extension-point';
import { REQUEST_TAP } from '../logging/logging.internal-constants';
import type { RequestTap } from '../kernel/request-tap';
import { Signals } from '../kernel/signals';
import { MetricSources, singleMetric } from '../kernel/metric-sources';
import { HEALTH_RUNTIME } from './health.internal-constants';
import { HEALTH_DEFAULTS, type ResolvedHealth } from './resolve-health-options';

/** Told when readiness changes: `reason` says why it is not ready (`starting`, `shutting down`, the failing checks). */
export type ReadinessListener = (ready: boolean, reason: string) => void;

const SHUTTING_DOWN = 'shutting down';

/**
 * Whether this instance should receive traffic: not before the HTTP server listens, not while
 * a readiness check fails, and never again once shutdown begins. Each change is logged once and
 * told to listeners (the alerts feature raises "readiness turned false" on it).
 *
 * @example
 * constructor(readiness: Readiness) {
 *   readiness.onChange((ready, reason) => ready || this.page(`not ready: ${reason}`));
 * }
 */
@Injectable()
export class Readiness implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Readiness');
  private started = false;
  private failing: readonly string[] = [];
  private stopping = false;
  private draining: Promise<void> | undefined;
  private ready = false;
  private reason = 'starting';

  constructor(
    @Inject(HEALTH_RUNTIME) private readonly health: ResolvedHealth | false,
    @Inject(REQUEST_TAP) private readonly tap: RequestTap,
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricSources,
    private readonly signals: Signals,
    @Inject(CLOCK) private readonly clock: Clock = systemClock,
    @Inject(EXTENSION_FAULTS)
    private readonly faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS,
  ) {}

  onModuleInit(): void {
    this.metrics.add(
      singleMetric('faultline_ready', '1 when the instance is ready for traffic, else 0', 'gauge', () =>
        this.ready ? 1 : 0,
      ),
    );
  }

  /** True when the instance should receive traffic. */
  isReady(): boolean {
    return this.ready;
  }

  /** Why it is not ready (`starting`, `shutting down`, or the failing checks); `''` when ready. */
  notReadyReason(): string {
    return this.ready ? '' : this.reason;
  }

  /** True once shutdown has begun. */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Adds a listener of changes; returns a function that removes it. */
  onChange(listener: ReadinessListener): () => void {
    return this.signals.readiness.add(listener);
  }

  onApplicationBootstrap(): void {
    // Ready once the server accepts connections: app.listen() runs every init hook first.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { listening?: boolean; once?(event: string, fn: () => void): unknown } | undefined;
    if (!server || server.listening || typeof server.once !== 'function') this.markStarted();
    else server.once('listening', () => this.markStarted());
  }

  /** Marks start-up as finished. Called when the HTTP server listens. */
  markStarted(): void {
    this.started = true;
    this.update();
  }

  /** Records the outcome of the readiness checks: the names of the failing ones. */
  reportChecks(failing: readonly string[]): void {
    this.failing = failing;
    this.update();
  }

  /**
   * Begins shutdown: readiness turns false at once, then waits until the requests in flight
   * have finished or `shutdownGraceMs` has passed; resolves true when they all finished.
   * The server keeps serving meanwhile (probes answer). Idempotent.
   */
  async drain(
    graceMs = this.health ? this.health.shutdownGraceMs : HEALTH_DEFAULTS.shutdownGraceMs,
  ): Promise<boolean> {
    if (!this.draining) {
      this.stopping = true;
      this.update();
      this.draining = this.waitForInFlight(graceMs);
    }
    await this.draining;
    return this.tap.inFlight <= 0;
  }

  /** With Nest's own shutdown hooks (`app.enableShutdownHooks()`), drains before the server closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** Resolves when the last request in flight finishes, or once `graceMs` has passed. */
  private waitForInFlight(graceMs: number): Promise<void> {
    if (this.tap.inFlight <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // Kept alive on purpose: the process must not exit while requests are being answered.
      let timer: ClockTimer | undefined = undefined;
      const done = (): void => {
        stopListening();
        this.clock.clearTimeout(timer);
        resolve();
      };
      const stopListening = this.tap.onFinish(() => {
        if (this.tap.inFlight <= 0) done();
      });
      timer = this.clock.setTimeout(done, graceMs);
    });
  }

  /** Requests in flight (those Faultline observes). */
  get inFlight(): number {
    return Math.max(0, this.tap.inFlight);
  }

  private update(): void {
    const reason = this.stopping
      ? SHUTTING_DOWN
      : !this.started
        ? 'starting'
        : this.failing.length > 0
          ? `failing: ${this.failing.join(', ')}`
          : '';
    const ready = reason === '';
    const flipped = ready !== this.ready;
    // Shutdown is told even when a failing check had turned readiness false already.
    const shutdownBegins = this.started && reason === SHUTTING_DOWN && this.reason !== SHUTTING_DOWN;
    this.ready = ready;
    if (!ready) this.reason = reason;
    if (!flipped && !shutdownBegins) return;
    if (ready) this.logger.log('readiness turned true');
    else this.logger.warn(`readiness turned false: ${reason}`);
    // One listener failing must not stop the others; it is logged (rate-limited).
    this.signals.readiness.emit([ready, reason], (error, listener) =>
      this.faults.report({ point: 'readiness-listener', error, name: listenerName(listener) }),
    );
  }
}
