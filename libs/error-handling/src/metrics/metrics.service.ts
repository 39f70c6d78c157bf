import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { loadPeer } from '../kernel/peer-require';
import { FailureEvents } from '../kernel/failure-events';
import { REQUEST_TAP } from '../logging/logging.internal-constants';
import { MetricSources, singleMetric } from '../kernel/metric-sources';
import type { RequestTap } from '../kernel/request-tap';
import { OpsEndpoints } from '../kernel/ops-endpoints';
import { bearerTokenAdmission } from './bearer-token';
import { registerIn } from './collected-metric';
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
export class MetricsService implements OnModuleInit, OnApplicationBootstrap {
  private ownRegistry: Registry | undefined;
  private http: HttpMetrics | undefined;
  private readonly errors = new FailureCounts();

  constructor(
    @Inject(METRICS_RUNTIME) private readonly options: ResolvedMetrics | false,
    @Inject(REQUEST_TAP) private readonly tap: RequestTap,
    private readonly failures: FailureEvents,
    private readonly endpoints: OpsEndpoints,
    private readonly sources: MetricSources,
  ) {
    if (!options) return;
    const prom = loadPromClient();
    const registry = options.registry ?? new prom.Registry();
    this.ownRegistry = registry;
    const http = new HttpMetrics(options.durationBuckets);
    this.http = http;
    registerIn(registry, http.requests);
    registerIn(registry, http.duration);
    registerIn(registry, this.errors.errors);
    registerIn(registry, this.errors.unexpected);
    registerIn(registry, this.errors.dependencies);
    registerIn(
      registry,
      singleMetric('faultline_http_requests_in_flight', 'HTTP requests being served', 'gauge', () =>
        Math.max(0, tap.inFlight),
      ),
    );
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

  /** Counts requests and failures, and serves the metrics path. */
  onModuleInit(): void {
    const http = this.http;
    const options = this.options;
    if (!options || !http) return;
    this.tap.onFinish((req, status, durationMs) => http.observe(req, status, durationMs));
    const errors = this.errors;
    this.failures.subscribe((failure) =>
      errors.count(failure.code, failure.status, failure.expected, failure.dependency),
    );
    const registry = this.registry;
    this.endpoints.serve({
      feature: 'metrics',
      option: 'metrics.path',
      path: options.path,
      useGlobalPrefix: options.useGlobalPrefix,
      admit: options.bearerTokens.length > 0 ? bearerTokenAdmission(options.bearerTokens) : undefined,
      guard: options.guard,
      answer: () =>
        registry.metrics().then(
          (text) => ({ status: 200, body: text, headers: { 'Content-Type': registry.contentType } }),
          () => ({ status: 500, body: { status: 'error' } }),
        ),
    });
  }

  /** Serves what the features published in their own init hooks, which have all run by now. */
  onApplicationBootstrap(): void {
    if (!this.options) return;
    for (const source of this.sources.all) registerIn(this.registry, source);
  }
}
