import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Registry } from 'prom-client';
import { AlertService } from '../alerts/alert.service';
import type { AlertChannelStats } from '../alerts/alert-dispatcher';
import { AuditService } from '../audit/audit.service';
import { loadPeer } from '../kernel/peer-require';
import { FailureEvents } from '../kernel/failure-events';
import { Readiness } from '../health/readiness.service';
import { LOGGING_RUNTIME, REQUEST_TAP } from '../logging/logging.internal-constants';
import type { LogOutputStats } from '../logging/log-destination';
import type { LoggingRuntime } from '../logging/logging-runtime';
import type { RequestTap } from '../kernel/request-tap';
import { CollectedMetric, registerIn } from './collected-metric';
import { FailureCounts, HttpMetrics } from './http-metrics';
import { METRICS_RUNTIME } from './metrics.internal-constants';
import type { ResolvedMetrics } from './resolve-metrics-options';

/**
 * Faultline's Prometheus metrics and the registry that serves them at `GET /metrics`. Other
 * features (and the application) register their own metrics in {@link MetricsService.registry}.
 *
 * @example
 * constructor(metrics: MetricsService) {
 *   this.exports = new Counter({ name: 'exports_total', help: 'Exports', registers: [metrics.registry] });
 * }
 */
type PromClient = typeof import('prom-client');

/**
 * prom-client, an optional peer: loaded when metrics are on, so that an application with
 * `metrics: false` does not need it. Missing, it stops start-up naming `metrics`.
 */
function loadPromClient(): PromClient {
  return loadPeer<PromClient>('prom-client', 'metrics', 'set metrics: false');
}

@Injectable()
export class MetricsService implements OnModuleInit {
  private ownRegistry: Registry | undefined;

  constructor(
    @Inject(METRICS_RUNTIME) private readonly options: ResolvedMetrics | false,
    @Inject(REQUEST_TAP) tap: RequestTap,
    @Inject(LOGGING_RUNTIME) logging: LoggingRuntime | null,
    failures: FailureEvents,
    private readonly adapterHost: HttpAdapterHost,
    @Optional() audit?: AuditService,
    @Optional() readiness?: Readiness,
    @Optional() alerts?: AlertService,
  ) {
    if (!options) return;
    const prom = loadPromClient();
    const registry = options.registry ?? new prom.Registry();
    this.ownRegistry = registry;
    const http = new HttpMetrics(options.durationBuckets);
    registerIn(registry, http.requests);
    registerIn(registry, http.duration);
    tap.onFinish((req, status, durationMs) => http.observe(req, status, durationMs));

    const errors = new FailureCounts();
    registerIn(
      registry,
      new CollectedMetric(
        'app_errors_total',
        'Failures answered by the exception filter, by error code and status',
        'counter',
        () => errors.samples(),
      ),
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_unexpected_errors_total',
        'Unexpected failures (unhandled exceptions: 5xx not listed as expected), by error code',
        'counter',
        () => errors.unexpectedSamples(),
      ),
    );
    failures.subscribe((failure) => errors.count(failure.code, failure.status, failure.expected));

    const fatal = logging?.fatal;
    registerIn(
      registry,
      new CollectedMetric('faultline_fatal_logs_total', 'Log lines written at fatal level', 'counter', () =>
        fatal ? [{ value: fatal.count }] : [{ value: 0 }],
      ),
    );
    this.registerLogOutput(registry, logging?.output);
    registerIn(
      registry,
      new CollectedMetric('faultline_http_requests_in_flight', 'HTTP requests being served', 'gauge', () => [
        { value: Math.max(0, tap.inFlight) },
      ]),
    );
    if (readiness) {
      registerIn(
        registry,
        new CollectedMetric(
          'faultline_ready',
          '1 when the instance is ready for traffic, else 0',
          'gauge',
          () => [{ value: readiness.isReady() ? 1 : 0 }],
        ),
      );
    }
    if (audit?.enabled) this.registerAudit(registry, audit);
    if (alerts?.active) this.registerAlerts(registry, alerts);
    if (options.defaultMetrics && !registry.getSingleMetric('process_cpu_user_seconds_total')) {
      prom.collectDefaultMetrics({ register: registry });
    }
  }

  /**
   * The registry served at the metrics path (the one given as `metrics.registry`, if any). With
   * metrics off, a registry of its own made when first read, which nothing serves.
   */
  get registry(): Registry {
    this.ownRegistry ??= new (loadPromClient().Registry)();
    return this.ownRegistry;
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.options || !adapter) return;
    const registry = this.registry;
    adapter.get(this.options.path, (_req: unknown, res: unknown) => {
      registry.metrics().then(
        (text) => {
          adapter.setHeader(res, 'Content-Type', registry.contentType);
          adapter.setHeader(res, 'Cache-Control', 'no-store');
          adapter.reply(res, text, 200);
        },
        () => adapter.reply(res, { status: 'error' }, 500),
      );
    });
  }

  /**
   * The log backlog of Faultline's destination, read when scraped; zero when lines go to a
   * stream of the application's (or logging is off).
   */
  private registerLogOutput(registry: Registry, output: LogOutputStats | undefined): void {
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_log_lines_dropped_total',
        "Log lines dropped because the log backlog was full (logging.overflow: 'drop')",
        'counter',
        () => [{ value: output?.droppedLines ?? 0 }],
      ),
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_log_buffer_bytes',
        'Bytes of log lines waiting to be written to the log output',
        'gauge',
        () => [{ value: output?.bufferedBytes ?? 0 }],
      ),
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_log_blocked_seconds_total',
        "Seconds the application waited for the log output because the backlog was full (logging.overflow: 'block')",
        'counter',
        () => [{ value: output?.blockedSeconds ?? 0 }],
      ),
    );
  }

  /** The audit queue, read when scraped: nothing is counted on the request path. */
  private registerAudit(registry: Registry, audit: AuditService): void {
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_audit_queue_depth',
        'Audit events waiting to be written to the store',
        'gauge',
        () => [{ value: audit.stats.queued }],
      ),
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_audit_events_total',
        'Audit events by outcome: written to the store, or kept in the log only (queue full, store unreachable at shutdown)',
        'counter',
        () => {
          const s = audit.stats;
          return [
            { labels: { outcome: 'written' }, value: s.written },
            { labels: { outcome: 'spilled_overflow' }, value: s.spilledOverflow },
            { labels: { outcome: 'spilled_shutdown' }, value: s.spilledShutdown },
          ];
        },
      ),
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_audit_write_failures_total',
        'Failed audit store writes (each is retried)',
        'counter',
        () => [{ value: audit.stats.writeFailures }],
      ),
    );
  }

  /** Alert delivery by channel, read when scraped. */
  private registerAlerts(registry: Registry, alerts: AlertService): void {
    const byChannel = (name: string, help: string, pick: (s: AlertChannelStats) => number) =>
      registerIn(
        registry,
        new CollectedMetric(name, help, 'counter', () =>
          Object.entries(alerts.stats().channels).map(([channel, s]) => ({
            labels: { channel },
            value: pick(s),
          })),
        ),
      );
    byChannel('faultline_alerts_sent_total', 'Alerts a channel accepted', (s) => s.sent);
    byChannel(
      'faultline_alerts_failed_total',
      'Alerts a channel did not accept after every retry, or that timed out',
      (s) => s.failed,
    );
    byChannel(
      'faultline_alerts_dropped_total',
      "Alerts dropped because a channel's queue was full",
      (s) => s.dropped,
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_alerts_suppressed_total',
        'Alerts held back by throttling (repeatLimit per snoozeSeconds)',
        'counter',
        () => [{ value: alerts.stats().suppressed }],
      ),
    );
    registerIn(
      registry,
      new CollectedMetric(
        'faultline_alerts_throttle_fallback',
        '1 while the shared throttle store is unreachable and throttling is in-process',
        'gauge',
        () => [{ value: alerts.stats().throttleStoreFallback ? 1 : 0 }],
      ),
    );
  }
}
