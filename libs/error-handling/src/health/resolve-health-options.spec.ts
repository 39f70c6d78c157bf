import { configErrorOf } from '../kernel/config-error.testing';
import { resolveHealth } from './resolve-health-options';

describe('resolveHealth', () => {
  it('defaults to /health and /ready, the audit store as database, 1 s checks and a 10 s grace', () => {
    expect(resolveHealth(undefined)).toEqual({
      livenessPath: '/health',
      readinessPath: '/ready',
      useGlobalPrefix: false,
      guard: undefined,
      database: undefined,
      redis: undefined,
      memoryHeap: undefined,
      disk: undefined,
      eventLoopLag: undefined,
      indicators: [],
      timeoutMs: 1000,
      shutdownGraceMs: 10_000,
    });
    expect(resolveHealth(false)).toBe(false);
  });

  it('gives each check the common timeout unless it has its own', () => {
    const executor = { query: async () => undefined };
    const client = { ping: async () => 'PONG' };
    const resolved = resolveHealth({
      timeoutMs: 300,
      database: { executor },
      redis: { client, timeoutMs: 50 },
      disk: { thresholdPercent: 0.9 },
    });
    expect(resolved).toMatchObject({
      database: { executor, typeorm: false, timeoutMs: 300 },
      redis: { client, timeoutMs: 50 },
      disk: { path: '/', thresholdPercent: 0.9 },
    });
    expect(resolveHealth({ database: false })).toMatchObject({ database: false });
  });

  it.each([
    [{ database: { executor: { query: () => 1 }, typeorm: true } }, 'health.database'],
    [{ redis: {} }, 'health.redis'],
    [{ redis: { client: {} } }, 'health.redis.client'],
    [{ memoryHeap: {} }, 'health.memoryHeap.maxBytes'],
    [{ eventLoopLag: { maxMs: 0 } }, 'health.eventLoopLag.maxMs'],
    [{ indicators: ['x'] }, 'health.indicators[0]'],
    [{ livenessPath: '/a b' }, 'health.livenessPath'],
    [{ timeoutMs: 1.5 }, 'health.timeoutMs'],
    [{ useGlobalPrefix: 'yes' }, 'health.useGlobalPrefix'],
    [{ guard: 'x-probe-key' }, 'health.guard'],
    ['yes', 'health'],
  ])('rejects %j naming %s', (input, option) => {
    expect(configErrorOf(() => resolveHealth(input)).option).toBe(option);
  });
});
