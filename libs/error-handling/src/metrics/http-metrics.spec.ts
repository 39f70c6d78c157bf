import { type Metric, Registry } from 'prom-client';
import type { MetricSample } from '../kernel/metric-sources';
import { registerIn } from './collected-metric';
import { FailureCounts, HttpMetrics, UNMATCHED_ROUTE } from './http-metrics';

/** The two series as prom-client's registry serves them. */
async function samples(metrics: HttpMetrics) {
  const registry = new Registry();
  registerIn(registry, metrics.requests);
  registerIn(registry, metrics.duration);
  const served = (name: string) =>
    (registry.getSingleMetric(name) as Metric).get() as Promise<{
      values: (MetricSample & { labels: Record<string, string | number> })[];
    }>;
  const [requests, duration] = await Promise.all([
    served('http_requests_total'),
    served('http_request_duration_seconds'),
  ]);
  return { requests: requests.values, duration: duration.values };
}

describe('HttpMetrics', () => {
  it('counts by method, route template and status; one series however many ids', async () => {
    const m = new HttpMetrics([0.1, 1]);
    for (let i = 0; i < 1000; i++) m.observe({ method: 'GET', route: { path: '/items/:id' } }, 200, 5);
    m.observe({ method: 'GET', route: { path: '/items/:id' } }, 404, 5);
    const { requests } = await samples(m);
    expect(requests).toEqual([
      { labels: { method: 'GET', route: '/items/:id', status: '200' }, value: 1000, metricName: undefined },
      { labels: { method: 'GET', route: '/items/:id', status: '404' }, value: 1, metricName: undefined },
    ]);
  });

  it('prefixes the router mount point and puts requests no route handled under one label', async () => {
    const m = new HttpMetrics([1]);
    m.observe({ method: 'GET', baseUrl: '/v1', route: { path: '/items/:id' } }, 200, 1);
    m.observe({ method: 'GET', url: '/nope/1' }, 404, 1);
    m.observe({ method: 'GET', url: '/nope/2', route: { path: '/{*path}' } }, 404, 1);
    const { requests } = await samples(m);
    expect(requests.map((s) => [s.labels.route, s.value])).toEqual([
      ['/v1/items/:id', 1],
      [UNMATCHED_ROUTE, 2],
    ]);
  });

  it('fills cumulative buckets, a value on a bound counting in that bucket, with sum and count', async () => {
    const m = new HttpMetrics([0.01, 0.1, 1]);
    const req = { method: 'POST', route: { path: '/x' } };
    for (const ms of [5, 10, 50, 100, 2000]) m.observe(req, 201, ms);
    const { duration } = await samples(m);
    const buckets = duration
      .filter((s) => s.metricName === 'http_request_duration_seconds_bucket')
      .map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      [0.01, 2],
      [0.1, 4],
      [1, 4],
      ['+Inf', 5],
    ]);
    const sum = duration.find((s) => s.metricName === 'http_request_duration_seconds_sum');
    const count = duration.find((s) => s.metricName === 'http_request_duration_seconds_count');
    expect(sum?.value).toBeCloseTo(2.165, 6);
    expect(count?.value).toBe(5);
  });
});

describe('FailureCounts', () => {
  it('counts failures by code and status, and unexpected ones by code only', () => {
    const counts = new FailureCounts();
    counts.count('NOT_FOUND', 404, true);
    counts.count('NOT_FOUND', 404, true);
    counts.count('INTERNAL_ERROR', 500, false);
    counts.count('DEPENDENCY_UNAVAILABLE', 503, true);
    counts.count('INTERNAL_ERROR', 502, false);
    expect(counts.samples()).toEqual([
      { labels: { code: 'NOT_FOUND', status: '404' }, value: 2 },
      { labels: { code: 'INTERNAL_ERROR', status: '500' }, value: 1 },
      { labels: { code: 'INTERNAL_ERROR', status: '502' }, value: 1 },
      { labels: { code: 'DEPENDENCY_UNAVAILABLE', status: '503' }, value: 1 },
    ]);
    expect(counts.unexpectedSamples()).toEqual([{ labels: { code: 'INTERNAL_ERROR' }, value: 2 }]);
  });

  it('has no samples before the first failure', () => {
    const counts = new FailureCounts();
    expect(counts.samples()).toEqual([]);
    expect(counts.unexpectedSamples()).toEqual([]);
  });
});
