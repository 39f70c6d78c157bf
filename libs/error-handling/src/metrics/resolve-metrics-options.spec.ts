import { configErrorOf } from '../kernel/config-error.testing';
import { resolveMetrics } from './resolve-metrics-options';

describe('resolveMetrics', () => {
  it('defaults to /metrics, a registry of its own, default metrics and prom-client buckets', () => {
    expect(resolveMetrics({})).toEqual({
      path: '/metrics',
      useGlobalPrefix: false,
      bearerTokens: [],
      guard: undefined,
      registry: undefined,
      defaultMetrics: true,
      durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    expect(resolveMetrics(false)).toBe(false);
  });

  it('takes one bearer token, or several while they are rotated', () => {
    const token = 'a'.repeat(16);
    const next = 'dGhpcyBpcyBhIHRva2Vu.-_~+/==';
    expect(resolveMetrics({ bearerToken: token })).toMatchObject({ bearerTokens: [token] });
    expect(resolveMetrics({ bearerToken: [next, token] })).toMatchObject({ bearerTokens: [next, token] });
  });

  it.each([
    [{ defaultMetrics: 'yes' }, 'metrics.defaultMetrics'],
    [{ durationBuckets: [] }, 'metrics.durationBuckets'],
    [{ durationBuckets: [0, 1] }, 'metrics.durationBuckets'],
    [{ registry: { metrics: () => '' } }, 'metrics.registry'],
    [{ useGlobalPrefix: 1 }, 'metrics.useGlobalPrefix'],
    [{ guard: true }, 'metrics.guard'],
    [{ bearerToken: '' }, 'metrics.bearerToken'],
    [{ bearerToken: 'short-token' }, 'metrics.bearerToken'],
    [{ bearerToken: 'has spaces in the middle' }, 'metrics.bearerToken'],
    [{ bearerToken: [] }, 'metrics.bearerToken'],
    [{ bearerToken: ['a'.repeat(16), 42] }, 'metrics.bearerToken[1]'],
  ])('rejects %j naming %s', (input, option) => {
    expect(configErrorOf(() => resolveMetrics(input)).option).toBe(option);
  });

  it('never shows the token in the start-up error', () => {
    const message = configErrorOf(() => resolveMetrics({ bearerToken: 'zebra kangaroo' })).message;
    expect(message).not.toMatch(/zebra|kangaroo/);
  });
});
