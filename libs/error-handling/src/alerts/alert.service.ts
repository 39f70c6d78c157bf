import { MetricSources } from '../kernel/metric-sources';
import { alertMetrics, type AlertStats } from './alert-metrics';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type Clock, sleepOn } from '../kernel/clock';
import { FailureEvents, type HandledFailure } from '../kernel/failure-events';
import { REQUEST_TAP } from '../logging/logging.internal-constants';
import { Signals } from '../kernel/signals';
import type { RequestTap } from '../kernel/request-tap';
import { type LoggedRequest, safeUserId } from '../kernel/request-context';
import { Redactor } from '../redaction/redactor';
import type { Alert } from './alert.interface';
import { AlertDispatcher } from './alert-dispatcher';
import { matchesRoute } from './alert-fingerprint';
import { failureSite } from '../kernel/failure-fingerprint';
import { buildAlertMessage, type AlertMessageContext } from './alert-message';
import { AlertThrottle, type HeldBackWindow } from './alert-throttle';
import { ALERTS_RUNTIME } from './alerts.internal-constants';
import { fatalAlert } from './fatal-alert';
import { CLOCK, USER } from '../kernel/tokens';
import { SHARED_REDIS, type SharedRedis } from '../kernel/shared-redis';
import { ErrorRateMonitor, type ErrorRateBreach, type ErrorRateSettings } from './error-rate.monitor';
import { type AlertStores, createAlertStores } from './create-throttle-store';
import type { ResolvedAlerts } from './resolve-alerts-options';
import { AlertBudget, type BudgetSummary } from './alert-budget';
import { budgetSummaryMessage, plural } from './budget-summary';
import type { AlertKind, AlertMessage } from './alert.interface';
import { KeyedRates } from './keyed-rates';
import {
  errorRateAlert,
  jobFailureRateAlert,
  readinessAlert,
  serverErrorAlert,
  serverErrorTitle,
  sseErrorRateAlert,
  suspiciousActivityAlert,
} from './watched-alerts';

/** Kinds that describe a storm as one alert: past `max`, the budget's urgent reserve is theirs. */
const RATE_KINDS: readonly AlertKind[] = ['error-rate', 'job-failure-rate', 'sse-error-rate'];

/**
 * Raises alerts and sends them to every channel, throttled by fingerprint. Watches unexpected
 * 5xx failures, `fatal` log lines, suspicious activity and the error rate by itself; anything
 * else (readiness turning false, a job that failed) can be raised with {@link raise}.
 *
 * @example
 * constructor(private readonly alerts: AlertService) {}
 * void this.alerts.raise({ kind: 'readiness', title: 'Readiness turned false', message: 'db down' });
 */
@Injectable()
export class AlertService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly dispatcher: AlertDispatcher | undefined;
  private readonly throttle: AlertThrottle | undefined;
  private readonly stores: AlertStores | undefined;
  private readonly budget: AlertBudget | undefined;
  private readonly rate: ErrorRateMonitor | undefined;
  private readonly messageContext: AlertMessageContext;
  private readonly unsubscribe: (() => void)[] = [];
  /** The failure-rate windows of each job and of each SSE route. */
  private readonly keyedRates: KeyedRates[] = [];
  private suppressedCount = 0;
  /** Alerts between raise() and the queue (asking the throttle store), and who waits for none. */
  private admitting = 0;
  private readonly admitted: (() => void)[] = [];

  constructor(
    @Inject(ALERTS_RUNTIME) private readonly options: ResolvedAlerts | false,
    redactor: Redactor,
    private readonly failures: FailureEvents,
    @Inject(REQUEST_TAP) private readonly tap: RequestTap,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricSources,
    @Inject(USER) private readonly user: (req: unknown) => string | number | undefined,
    private readonly signals: Signals,
    @Optional() @Inject(SHARED_REDIS) redis: SharedRedis | null = null,
  ) {
    const o = options || undefined;
    this.messageContext = {
      redactor,
      service: o?.service ?? 'app',
      environment: o?.environment ?? 'development',
      stackLimit: o?.stackLimit ?? 4000,
      textLimit: o?.textLimit ?? 2000,
    };
    // Nothing is watched, and nothing costs anything, without a channel to send to.
    if (!o?.active) return;
    this.dispatcher = new AlertDispatcher(o.channels, o.dispatch, clock, (text) =>
      redactor.redactString(text),
    );
    this.stores = createAlertStores(o.store, clock, redis);
    this.throttle = new AlertThrottle(
      this.stores.throttle,
      o.repeatLimit,
      o.snoozeSeconds,
      (w) => this.summary(w),
      clock,
    );
    if (o.budget.size > 0) {
      this.budget = new AlertBudget(this.stores.budget, o.budget, (s) => this.budgetSummary(s), clock);
    }
    if (o.errorRate) {
      this.rate = new ErrorRateMonitor(o.errorRate, (b) => void this.raise(errorRateAlert(b)), clock);
    }
  }

  /**
   * Publishes the alert metrics and starts watching: failures, the error rate, `fatal` lines,
   * readiness and suspicious activity, as the options ask.
   */
  onModuleInit(): void {
    const o = this.options;
    if (!o || !this.dispatcher || this.unsubscribe.length > 0) return;
    const signals = this.signals;
    this.metrics.add(...alertMetrics(() => this.stats()));
    const rate = this.rate;
    // Counting a request is one increment, in the request tap that metrics and the shutdown
    // drain hear from too: no listener of its own on each request or on the server.
    if (rate) this.unsubscribe.push(this.tap.onFinish(() => rate.request()));
    if (o.serverErrors || rate) this.unsubscribe.push(this.failures.subscribe((f) => this.onFailure(f)));
    if (o.jobFailureRate) {
      const jobs = this.watchRates(o.jobFailureRate, jobFailureRateAlert);
      this.unsubscribe.push(signals.jobs.add((job, failed) => jobs.count(job, failed)));
    }
    if (o.sseErrorRate) {
      const streams = this.watchRates(o.sseErrorRate, sseErrorRateAlert);
      this.unsubscribe.push(
        signals.streams.add((route, outcome) => streams.count(route, outcome === 'failed')),
      );
    }
    this.unsubscribe.push(signals.onFlush((timeoutMs) => this.flush(timeoutMs)));
    if (o.fatalLogs) {
      this.unsubscribe.push(signals.fatal.add((line) => void this.raise(fatalAlert(line))));
    }
    if (o.readiness) {
      this.unsubscribe.push(
        signals.readiness.add((ready, reason) => {
          // Start-up and shutdown are expected; a failing check is not.
          if (!ready && reason.startsWith('failing')) void this.raise(readinessAlert(reason));
        }),
      );
    }
    if (o.suspiciousActivity) {
      this.unsubscribe.push(
        signals.suspiciousActivity.add((a) => void this.raise(suspiciousActivityAlert(a))),
      );
    }
  }

  /**
   * Raises an alert: it goes to every channel unless its fingerprint has used up its throttle
   * (`repeatLimit` per `snoozeSeconds`), and to each channel whose budget (`budget.max` per
   * `budget.windowSeconds`; more for a `critical` alert) it fits. Never throws and never waits for
   * delivery; resolves with true when the alert was queued for a channel, false when it was held
   * back or alerts are inactive.
   */
  async raise(alert: Alert): Promise<boolean> {
    return this.admit(
      alert.fingerprint ?? `${alert.kind ?? 'custom'} ${alert.title}`,
      alert.title,
      () => alert,
      undefined,
      alert.severity === 'critical' || RATE_KINDS.includes(alert.kind ?? 'custom'),
    );
  }

  /**
   * Asks the throttle, then each channel's budget; the alert is assembled only when it may go
   * out, and queued for the channels whose budget let it through.
   */
  private admit(
    fingerprint: string,
    title: string,
    assemble: () => Alert,
    limit: number | undefined,
    urgent: boolean,
  ): Promise<boolean> {
    return this.tracked(async (dispatcher, throttle) => {
      if (!(await throttle.allow(fingerprint, title, limit))) {
        this.suppressedCount++;
        dispatcher.suppressed();
        return false;
      }
      return this.toChannels(dispatcher, fingerprint, title, urgent, 1, () =>
        buildAlertMessage(assemble(), fingerprint, this.messageContext),
      );
    });
  }

  /** Queues a message for the channels whose budget takes it; `weight` alerts held back otherwise. */
  private async toChannels(
    dispatcher: AlertDispatcher,
    fingerprint: string,
    title: string,
    urgent: boolean,
    weight: number,
    build: () => AlertMessage,
  ): Promise<boolean> {
    const all = dispatcher.channels;
    const to = this.budget ? await this.budget.admit(all, fingerprint, title, urgent, weight) : all;
    if (to.length < all.length) dispatcher.heldBackByBudget(to);
    if (to.length === 0) return false;
    dispatcher.enqueue(build(), to);
    return true;
  }

  /**
   * Runs one alert's way to the queue, counted so that flush() also waits for alerts still asking
   * the stores. Never throws.
   */
  private async tracked(
    work: (dispatcher: AlertDispatcher, throttle: AlertThrottle) => Promise<boolean>,
  ): Promise<boolean> {
    if (!this.throttle || !this.dispatcher) return false;
    this.admitting++;
    try {
      return await work(this.dispatcher, this.throttle);
    } catch {
      // Building the message failed on a hostile value: no alert is better than a crash.
      return false;
    } finally {
      if (--this.admitting === 0 && this.admitted.length > 0) {
        for (const resolve of this.admitted.splice(0)) resolve();
      }
    }
  }

  /** True when alerts are sent: a channel is configured and the environment is not excluded. */
  get active(): boolean {
    return this.dispatcher !== undefined;
  }

  /** Counters for metrics. */
  stats(): AlertStats {
    return {
      channels: this.dispatcher?.stats() ?? {},
      suppressed: this.suppressedCount,
      throttleStoreFallback: this.stores?.fallenBack() ?? false,
    };
  }

  /**
   * Resolves when every alert raised so far went out (or failed), or after `timeoutMs`: alerts
   * still asking the throttle store are waited for, then the queue.
   */
  async flush(timeoutMs = 5000): Promise<boolean> {
    if (!this.dispatcher) return true;
    const deadline = this.clock.now() + timeoutMs;
    await this.admittedAll(timeoutMs);
    return this.dispatcher.drain(Math.max(0, deadline - this.clock.now()));
  }

  /** Resolves when no alert is on its way to the queue, or after `timeoutMs`. */
  private async admittedAll(timeoutMs: number): Promise<void> {
    if (this.admitting === 0) return;
    const admitted = new Promise<void>((resolve) => this.admitted.push(resolve));
    await Promise.race([admitted, sleepOn(this.clock, timeoutMs)]);
  }

  /**
   * Queues now the summary of every throttling window that has held alerts back, then of every
   * channel's budget window that has (the throttle's summaries take from the budgets), instead
   * of waiting for the windows to end (which shutdown does by itself). What a window holds back
   * afterwards is summarised when it ends. Resolves once the summaries are queued (waiting at most
   * `timeoutMs` for the throttle's to pass the budgets); `flush()` then waits for their delivery.
   *
   * @example
   * await alerts.sendSummaries();
   * await alerts.flush();
   */
  async sendSummaries(timeoutMs = 5000): Promise<void> {
    await this.throttle?.flush();
    // The throttle's summaries take from the budgets too: the budgets' summaries come after them.
    await this.admittedAll(timeoutMs);
    await this.budget?.flush();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.stores?.throttle.init?.();
    this.rate?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopWatching();
    if (!this.options || !this.dispatcher || !this.throttle) return;
    const deadline = this.clock.now() + this.options.shutdownTimeoutMs;
    // Open windows get their summary now: the timers would not outlive the process.
    await Promise.race([
      this.sendSummaries(this.options.shutdownTimeoutMs),
      sleepOn(this.clock, this.options.shutdownTimeoutMs),
    ]);
    await this.dispatcher.drain(Math.max(0, deadline - this.clock.now()));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopWatching();
    this.throttle?.cancel();
    this.budget?.cancel();
    await this.dispatcher?.close();
    await this.stores?.throttle.close?.().catch(() => undefined);
  }

  private stopWatching(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.rate?.stop();
    for (const rates of this.keyedRates.splice(0)) rates.stop();
  }

  /** A failure-rate window for each key (job, SSE route), raising `alert` for a key's breach. */
  private watchRates(
    settings: ErrorRateSettings,
    alert: (key: string, b: ErrorRateBreach) => Alert,
  ): KeyedRates {
    const rates = new KeyedRates(settings, (key, b) => void this.raise(alert(key, b)), this.clock);
    this.keyedRates.push(rates);
    return rates;
  }

  private onFailure(f: HandledFailure): void {
    // The request error rate counts HTTP requests: a failure counts once for its request (a
    // GraphQL operation may fail in several fields); a job's, a message's or an event's failure,
    // which no request carries, is not one of them.
    if (f.status >= 500 && f.job === undefined && this.rate && countsForRate(f.request)) this.rate.error();
    if (f.expected || !this.options || !this.options.serverErrors) return;
    const site = failureSite(f);
    const { route, path, fingerprint } = site;
    if (matchesRoute(this.options.excludeRoutes, route === undefined ? [path ?? '-'] : [route, path ?? '-']))
      return;
    const title = serverErrorTitle(f, site);
    // In a storm most failures are held back: their alert (stack, request data, user) is never built.
    void this.admit(
      fingerprint,
      title,
      () => serverErrorAlert(f, site, title, (req) => this.userId(req)),
      // An outage is one event: one alert a window, then the summary of what was held back.
      f.dependency === undefined ? undefined : 1,
      false,
    );
  }

  private userId(req: LoggedRequest): string | number | undefined {
    return safeUserId(req, this.user);
  }

  /** A throttle window's summary: it takes from the channels' budgets like an alert. */
  private summary(w: HeldBackWindow): void {
    void this.tracked((dispatcher) =>
      this.toChannels(dispatcher, w.fingerprint, w.title, false, w.heldBack, () => {
        const message = buildAlertMessage(
          {
            kind: 'summary',
            severity: 'warning',
            title: `${w.heldBack} more alert${plural(w.heldBack)} held back in ${w.windowSeconds} s: ${w.title}`,
            fingerprint: w.fingerprint,
          },
          w.fingerprint,
          this.messageContext,
        );
        message.heldBack = w.heldBack;
        return message;
      }),
    );
  }

  /** A channel's budget summary, to that channel alone: the one message past its budget. */
  private budgetSummary(s: BudgetSummary): void {
    this.dispatcher?.enqueue(budgetSummaryMessage(s, this.messageContext), [s.channel]);
  }
}

/** Requests whose failure the error rate has counted. */
const rateCounted = new WeakSet<object>();

/** True once for each HTTP request that failed; false for a failure without one. */
function countsForRate(request: unknown): boolean {
  if (request === null || typeof request !== 'object' || rateCounted.has(request)) return false;
  rateCounted.add(request);
  return true;
}
