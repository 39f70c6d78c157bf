import { configErrorOf } from '../kernel/config-error.testing';
import { resolveMetrics } from './resolve-metrics-options';

describe('resolveMetrics', () => {
  it('defaults to /metrics, a registry of its own, default metrics and prom-client buckets', () => {
    expect(resolveMetrics({})).toEqual({
      path: '/metrics',
      registry: undefined,
      defaultMetrics: true,
      durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    expect(resolveMetrics(false)).toBe(false);
  });

  it.each([
    [{ defaultMetrics: 'yes' }, 'metrics.defaultMetrics'],
    [{ durationBuckets: [] }, 'metrics.durationBuckets'],
    [{ durationBuckets: [0, 1] }, 'metrics.durationBuckets'],
    [{ registry: { metrics: () => '' } }, 'metrics.registry'],
  ])('rejects %j naming %s', (input, option) => {
    expect(configErrorOf(() => resolveMetrics(input)).option).toBe(option);
  });
});
