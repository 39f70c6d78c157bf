import request from 'supertest';
import { ManagementServer } from 'nestjs-faultline';
import { startSample, type SampleHarness } from './support/sample-app';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { describeWith, TEST_REDIS_URL } from './support/services';

describe('sample app probes and metrics (PGlite)', () => {
  let s: SampleHarness;

  beforeAll(async () => {
    s = await startSample({ debug: false, redisUrl: undefined });
  }, 60_000);
  afterAll(() => s?.close());

  it('answers /health 200 and /ready 200 with its database up, and checks no Redis without REDIS_URL', async () => {
    await s.http().get('/health').expect(200, { status: 'ok' });
    const ready = await s.http().get('/ready');
    expect([ready.status, ready.body.info]).toEqual([200, { database: { status: 'up' } }]);
  });

  it('labels /notifications/:id/read by its template: one series for many ids, no raw id', async () => {
    const alice = await s.login('alice');
    for (const id of ['123', '456']) {
      await s.http().post(`/notifications/${id}/read`).set('authorization', `Bearer ${alice}`).expect(404);
    }
    const res = await s.http().get('/metrics').expect(200);
    const samples = parseMetrics(res.text);
    expect(
      samplesOf(samples, 'http_requests_total', { route: '/notifications/:id/read' }).map((x) => [
        x.labels,
        x.value,
      ]),
    ).toEqual([[{ method: 'POST', route: '/notifications/:id/read', status: '404' }, 2]]);
    expect(samplesOf(samples, 'app_errors_total', { code: 'NOT_FOUND', status: '404' })[0]?.value).toBe(2);
    expect(res.text).not.toMatch(/\/notifications\/(123|456)/);
    // The audit trail is on: its queue is served.
    expect(samplesOf(samples, 'faultline_audit_queue_depth')).toHaveLength(1);
  });
});

describe('sample app with MANAGEMENT_PORT and METRICS_TOKEN (PGlite)', () => {
  const token = 'c2FtcGxlLW1ldHJpY3MtdG9rZW4';
  let s: SampleHarness;
  let management: () => ReturnType<typeof request>;

  beforeAll(async () => {
    s = await startSample({ debug: false, redisUrl: undefined, managementPort: 0, metricsToken: token });
    // Ready once the application's server listens.
    await s.app.listen(0, '127.0.0.1');
    management = () => request(`http://127.0.0.1:${s.app.get(ManagementServer).address()!.port}`);
  }, 60_000);
  afterAll(() => s?.close());

  it('serves the probes and the token-guarded metrics on the management port, not on PORT', async () => {
    await management().get('/health').expect(200, { status: 'ok' });
    const ready = await management().get('/ready').expect(200);
    expect(ready.body.info).toEqual({ database: { status: 'up' } });
    await management().get('/metrics').expect(401);
    const metrics = await management().get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(samplesOf(parseMetrics(metrics.text), 'faultline_ready')[0]?.value).toBe(1);
    for (const path of ['/health', '/ready', '/metrics']) await s.http().get(path).expect(404);
    expect(s.logs.raw.join('\n')).not.toContain(token);
  });
});

describeWith('redis')('sample app probes with REDIS_URL set (PGlite, Redis)', () => {
  let s: SampleHarness;

  beforeAll(async () => {
    s = await startSample({ debug: false, redisUrl: TEST_REDIS_URL });
  }, 60_000);
  afterAll(() => s?.close());

  it('answers /health 200 and /ready 200 with its database and Redis up', async () => {
    await s.http().get('/health').expect(200, { status: 'ok' });
    // Also the first probe, while the check's own Redis client may still be connecting.
    const ready = await s.http().get('/ready');
    expect([ready.status, ready.body]).toEqual([
      200,
      expect.objectContaining({ info: { database: { status: 'up' }, redis: { status: 'up' } } }),
    ]);
  });
});
