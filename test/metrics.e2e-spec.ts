import { Controller, Get, Optional, Param, Post } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter, Registry } from 'prom-client';
import { NotFoundError, FaultlineConfigError } from 'nestjs-faultline';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { type MetricSample, parseMetrics, samplesOf } from './support/metrics-text';

@Controller('notifications')
class NotificationsController {
  @Post(':id/read')
  read(@Param('id') id: string) {
    if (id === '404') throw new NotFoundError('Notification', id);
    return { id };
  }

  @Get('boom')
  boom(): never {
    throw new Error('kaboom');
  }
}

@Controller('ops')
class OpsController {
  // With `logging: false` Faultline loads no LoggerModule, so there is no PinoLogger to inject.
  constructor(@Optional() private readonly logger?: PinoLogger) {}

  @Get('fatal')
  fatal() {
    this.logger?.fatal('the disk is on fire');
    this.logger?.error('only an error');
    return { logged: true };
  }
}

function labelValues(samples: MetricSample[]): string[] {
  return samples.flatMap((s) => Object.values(s.labels));
}

async function scrape(fixture: FixtureApp, path = '/metrics') {
  const res = await fixture.http().get(path);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return { text: res.text, samples: parseMetrics(res.text) };
}

describe('metrics', () => {
  let fixture: FixtureApp | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it.each([
    ['with Faultline request logging', {}],
    ['with logging off', { logging: false as const }],
  ])('labels requests by route template, never by raw id (%s)', async (_name, options) => {
    fixture = await startFixture([NotificationsController], options);
    await fixture.http().post('/notifications/123/read').expect(201);
    await fixture.http().post('/notifications/456/read').expect(201);
    const { text, samples } = await scrape(fixture);
    const series = samplesOf(samples, 'http_requests_total', { method: 'POST' });
    expect(series).toEqual([
      {
        name: 'http_requests_total',
        labels: { method: 'POST', route: '/notifications/:id/read', status: '201' },
        value: 2,
      },
    ]);
    expect(text).not.toMatch(/\/notifications\/(123|456)/);
    expect(labelValues(samples).filter((v) => /123|456/.test(v))).toEqual([]);
    const count = samplesOf(samples, 'http_request_duration_seconds_count', {
      route: '/notifications/:id/read',
    });
    expect(count.map((s) => s.value)).toEqual([2]);
    const inf = samplesOf(samples, 'http_request_duration_seconds_bucket', { le: '+Inf', method: 'POST' });
    expect(inf.map((s) => s.value)).toEqual([2]);
  });

  it('counts each failure once by code and status, and unexpected ones apart', async () => {
    fixture = await startFixture([NotificationsController]);
    await fixture.http().post('/notifications/404/read').expect(404);
    let { samples } = await scrape(fixture);
    expect(samplesOf(samples, 'app_errors_total', { code: 'NOT_FOUND', status: '404' })[0]?.value).toBe(1);
    await fixture.http().post('/notifications/404/read').expect(404);
    await fixture.http().get('/notifications/boom').expect(500);
    ({ samples } = await scrape(fixture));
    expect(samplesOf(samples, 'app_errors_total', { code: 'NOT_FOUND', status: '404' })[0]?.value).toBe(2);
    expect(samplesOf(samples, 'app_errors_total', { code: 'INTERNAL_ERROR', status: '500' })[0]?.value).toBe(
      1,
    );
    expect(
      samplesOf(samples, 'faultline_unexpected_errors_total').map((s) => [s.labels.code, s.value]),
    ).toEqual([['INTERNAL_ERROR', 1]]);
  });

  it('puts every unmatched path under one route label', async () => {
    fixture = await startFixture([NotificationsController]);
    for (const path of ['/nope/1', '/nope/2', '/other/path']) await fixture.http().get(path).expect(404);
    const { text, samples } = await scrape(fixture);
    expect(samplesOf(samples, 'http_requests_total', { method: 'GET', status: '404' })).toEqual([
      { name: 'http_requests_total', labels: { method: 'GET', route: 'unmatched', status: '404' }, value: 3 },
    ]);
    expect(text).not.toMatch(/\/nope|\/other/);
    expect(labelValues(samples).filter((v) => /nope|other/.test(v))).toEqual([]);
  });

  it('serves the readiness gauge, fatal log lines, the audit queue and Node default metrics', async () => {
    fixture = await startFixture([NotificationsController]);
    await fixture.http().get('/ready').expect(200);
    const { samples } = await scrape(fixture);
    expect(samplesOf(samples, 'faultline_ready')[0]?.value).toBe(1);
    expect(samplesOf(samples, 'faultline_fatal_logs_total')[0]?.value).toBe(0);
    expect(samplesOf(samples, 'faultline_audit_queue_depth')[0]?.value).toBe(0);
    expect(
      samplesOf(samples, 'faultline_audit_events_total')
        .map((s) => s.labels.outcome)
        .sort(),
    ).toEqual(['spilled_overflow', 'spilled_shutdown', 'written']);
    expect(samplesOf(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
  });

  it('counts log lines written at fatal level', async () => {
    fixture = await startFixture([OpsController]);
    await fixture.http().get('/ops/fatal').expect(200);
    await fixture.http().get('/ops/fatal').expect(200);
    const { samples } = await scrape(fixture);
    expect(samplesOf(samples, 'faultline_fatal_logs_total')[0]?.value).toBe(2);
    expect(fixture.pino.lines.filter((l) => l.level === 60)).toHaveLength(2);
  });

  it('registers in a registry the application passes, next to its own metrics', async () => {
    const registry = new Registry();
    const mine = new Counter({ name: 'exports_total', help: 'Exports', registers: [registry] });
    mine.inc(3);
    fixture = await startFixture([NotificationsController], {
      metrics: { registry, path: '/internal/metrics', defaultMetrics: false },
    });
    await fixture.http().post('/notifications/1/read').expect(201);
    await fixture.http().get('/metrics').expect(404);
    const { samples } = await scrape(fixture, '/internal/metrics');
    expect(samplesOf(samples, 'exports_total')[0]?.value).toBe(3);
    expect(samplesOf(samples, 'process_cpu_user_seconds_total')).toHaveLength(0);
    const own = await registry.getSingleMetricAsString('http_requests_total');
    expect(own).toContain('route="/notifications/:id/read"');
  });

  it('serves nothing at /metrics when metrics are off', async () => {
    fixture = await startFixture([NotificationsController], { metrics: false });
    await fixture.http().get('/metrics').expect(404);
  });

  it.each([
    [{ metrics: { registry: {} } }, 'metrics.registry'],
    [{ metrics: { path: 'metrics' } }, 'metrics.path'],
    [{ metrics: { durationBuckets: [1, 0.5] } }, 'metrics.durationBuckets'],
    [{ metrics: { prefix: 'x_' } }, 'metrics.prefix'],
    [{ health: { redis: { url: 'http://127.0.0.1:6379' } } }, 'health.redis.url'],
    [{ health: { readinessPath: '/health' } }, 'health.readinessPath'],
    [{ health: { database: { executor: {} } } }, 'health.database.executor'],
    [{ health: { disk: { thresholdPercent: 90 } } }, 'health.disk.thresholdPercent'],
    [{ health: { shutdownGraceMs: -1 } }, 'health.shutdownGraceMs'],
    // @nestjs/typeorm and typeorm are not installed here
    [{ health: { database: { typeorm: true } } }, 'health.database.typeorm'],
  ])('stops start-up on a wrong option, naming it (%j)', async (options, option) => {
    const started = startFixture([NotificationsController], options as never);
    await expect(started).rejects.toThrow(FaultlineConfigError);
    await expect(started).rejects.toThrow(
      new RegExp(`^FAULTLINE_INVALID_OPTION: ${option.replace(/\./g, '\\.')} `),
    );
  });

  it('stops start-up when the registry already has a metric of the same name', async () => {
    const registry = new Registry();
    new Counter({ name: 'http_requests_total', help: 'mine', registers: [registry] });
    await expect(startFixture([NotificationsController], { metrics: { registry } })).rejects.toThrow(
      /FAULTLINE_INVALID_OPTION: metrics\.registry already has a metric named http_requests_total/,
    );
  });
});
