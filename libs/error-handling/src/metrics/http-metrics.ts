import { routeTemplate } from '../kernel/http-exchange';
import type { LoggedRequest } from '../kernel/request-context';
import type { MetricSample, MetricSource } from '../kernel/metric-sources';

/** The `route` label of requests that no route handled (unknown paths, bodies rejected before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; cumulated when scraped. */
  buckets: Float64Array;
}

/**
 * `http_requests_total` and `http_request_duration_seconds`, kept in plain fields: one series
 * object per method, route template and status, found through nested maps of strings that are
 * the same objects request after request (the route template is the router's own string), so
 * a request costs a few lookups and additions. prom-client's labelled children would hash the
 * labels on every observation.
 */
export class HttpMetrics {
  readonly requests: MetricSource;
  readonly duration: MetricSource;
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();
  private readonly all: Series[] = [];

  constructor(private readonly bounds: readonly number[]) {
    this.requests = {
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      type: 'counter',
      read: () => this.all.map((s) => ({ labels: s.labels, value: s.count })),
    };
    this.duration = {
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route template and status',
      type: 'histogram',
      read: () => this.histogramSamples(),
    };
  }

  /** Records one finished request. */
  observe(req: LoggedRequest & { baseUrl?: string }, status: number, durationMs: number): void {
    // Express's `req.route`, or the Fastify request linked to this Node request.
    const template = routeTemplate(req);
    const route = template === undefined ? UNMATCHED_ROUTE : req.baseUrl ? req.baseUrl + template : template;
    const method = req.method ?? 'UNKNOWN';
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) byStatus.set(status, (series = this.create(method, route, status)));
    const seconds = durationMs / 1000;
    series.count++;
    series.sum += seconds;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    if (i < bounds.length) series.buckets[i]++;
  }

  private create(method: string, route: string, status: number): Series {
    const series: Series = {
      labels: { method, route, status: String(status) },
      count: 0,
      sum: 0,
      buckets: new Float64Array(this.bounds.length),
    };
    this.all.push(series);
    return series;
  }

  private histogramSamples(): MetricSample[] {
    const out: MetricSample[] = [];
    const name = this.duration.name;
    for (const s of this.all) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.buckets[i];
        out.push({
          metricName: `${name}_bucket`,
          labels: { ...s.labels, le: this.bounds[i] },
          value: cumulative,
        });
      }
      out.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      out.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
      out.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
    }
    return out;
  }
}

/**
 * `app_errors_total` (by code and status) and `faultline_unexpected_errors_total` (by code), in
 * plain fields like {@link HttpMetrics}: a failure costs two map lookups and two additions.
 */
export class FailureCounts {
  /** `app_errors_total`. */
  readonly errors: MetricSource = {
    name: 'app_errors_total',
    help: 'Failures answered by the exception filter, by error code and status',
    type: 'counter',
    read: () => this.samples(),
  };
  /** `faultline_unexpected_errors_total`. */
  readonly unexpected: MetricSource = {
    name: 'faultline_unexpected_errors_total',
    help: 'Unexpected failures (unhandled exceptions: 5xx not listed as expected), by error code',
    type: 'counter',
    read: () => this.unexpectedSamples(),
  };
  /** `faultline_dependency_unavailable_total`. */
  readonly dependencies: MetricSource = {
    name: 'faultline_dependency_unavailable_total',
    help: 'Failures answered 503 DEPENDENCY_UNAVAILABLE, by the dependency that could not be reached',
    type: 'counter',
    read: () => [...this.byDependency].map(([dependency, value]) => ({ labels: { dependency }, value })),
  };
  private readonly byCode = new Map<string, { unexpected: number; byStatus: Map<number, number> }>();
  private readonly byDependency = new Map<string, number>();

  count(code: string, status: number, expected: boolean, dependency?: string): void {
    let entry = this.byCode.get(code);
    if (!entry) this.byCode.set(code, (entry = { unexpected: 0, byStatus: new Map() }));
    entry.byStatus.set(status, (entry.byStatus.get(status) ?? 0) + 1);
    if (!expected) entry.unexpected++;
    if (dependency !== undefined)
      this.byDependency.set(dependency, (this.byDependency.get(dependency) ?? 0) + 1);
  }

  /** Samples of `app_errors_total`. */
  samples(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const [code, entry] of this.byCode) {
      for (const [status, value] of entry.byStatus)
        out.push({ labels: { code, status: String(status) }, value });
    }
    return out;
  }

  /** Samples of `faultline_unexpected_errors_total`: codes that were unexpected at least once. */
  unexpectedSamples(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const [code, entry] of this.byCode)
      if (entry.unexpected > 0) out.push({ labels: { code }, value: entry.unexpected });
    return out;
  }
}
