import { Injectable, Logger, Optional } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertService, Jobs, NotFoundError } from 'nestjs-faultline';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { parseMetrics, samplesOf } from './support/metrics-text';

const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

/** A service doing its work through Jobs, logging the ways an application does. */
@Injectable()
class Purger {
  private readonly nest = new Logger(Purger.name);

  constructor(
    readonly jobs: Jobs,
    // With `logging: false` there is no PinoLogger.
    @Optional() private readonly pino?: PinoLogger,
  ) {}

  purge(fail?: 'bug' | 'missing', id?: string): Promise<number> {
    return this.jobs.run(
      'purge-read-notifications',
      async (job) => {
        this.pino?.info({ step: 'start', seen: job.id }, 'purging');
        await new Promise((resolve) => setImmediate(resolve));
        this.nest.log('half way');
        if (fail === 'bug') throw new TypeError(`cannot read rows with key ${SECRET}`);
        if (fail === 'missing') throw new NotFoundError('No such folder');
        return 3;
      },
      { id },
    );
  }
}

describe('Jobs: work no request owns', () => {
  let webhook: HttpPeer;
  let fixture: FixtureApp | undefined;

  beforeEach(async () => {
    webhook = await startHttpPeer();
  });

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
    await webhook.close();
  });

  const alerts = (extra: object = {}) => ({
    alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false as const, ...extra },
  });

  it('gives every line of a run its job and jobId, and writes one completed line', async () => {
    // Nest's Logger writes through Faultline's logger here, as in an application.
    fixture = await startFixture([], { ...alerts(), logging: { useAsNestLogger: true } }, undefined, [
      Purger,
    ]);
    const purger = fixture.app.get(Purger);
    await expect(purger.purge(undefined, 'run-ok-1')).resolves.toBe(3);
    const lines = fixture.pino.lines.filter((l) => l.jobId === 'run-ok-1');
    expect(lines.map((l) => l.msg)).toEqual(['purging', 'half way', 'job completed']);
    for (const line of lines)
      expect(line).toMatchObject({ job: 'purge-read-notifications', jobId: 'run-ok-1' });
    expect(lines[2]).toMatchObject({ level: 30, durationMs: expect.any(Number) });
    const metrics = parseMetrics((await fixture.http().get('/metrics').expect(200)).text);
    expect(samplesOf(metrics, 'faultline_jobs_total', { job_name: 'purge-read-notifications' })).toEqual([
      expect.objectContaining({
        labels: { job_name: 'purge-read-notifications', outcome: 'succeeded' },
        value: 1,
      }),
      expect.objectContaining({
        labels: { job_name: 'purge-read-notifications', outcome: 'failed' },
        value: 0,
      }),
    ]);
  });

  it('logs a failed run once, redacted, rejects with its error, counts it and alerts it as the job', async () => {
    fixture = await startFixture([], alerts(), undefined, [Purger]);
    const purger = fixture.app.get(Purger);
    const error = await purger.purge('bug', 'run-bug-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);

    const failed = fixture.pino.lines.filter((l) => l.msg === 'job failed');
    expect(failed).toEqual([
      expect.objectContaining({
        level: 50,
        job: 'purge-read-notifications',
        jobId: 'run-bug-1',
        code: 'INTERNAL_ERROR',
        status: 500,
        err: expect.objectContaining({ type: 'TypeError' }),
      }),
    ]);
    expect(JSON.stringify(fixture.pino.lines)).not.toContain(SECRET);

    const [alert] = await webhook.waitFor(1);
    expect(alert.json).toMatchObject({
      kind: 'server-error',
      title: '500 INTERNAL_ERROR in job purge-read-notifications',
      fingerprint: 'job purge-read-notifications TypeError',
      requestId: 'run-bug-1',
      details: { job: 'purge-read-notifications' },
    });
    expect(alert.raw).not.toContain(SECRET);

    const metrics = parseMetrics((await fixture.http().get('/metrics').expect(200)).text);
    expect(samplesOf(metrics, 'faultline_jobs_total', { outcome: 'failed' })).toEqual([
      expect.objectContaining({ value: 1 }),
    ]);
    expect(samplesOf(metrics, 'app_errors_total', { code: 'INTERNAL_ERROR' })).toEqual([
      expect.objectContaining({ value: 1 }),
    ]);
  });

  it('maps a run that fails with a 4xx-class error by the same registry: a warning, no alert', async () => {
    fixture = await startFixture([], alerts(), undefined, [Purger]);
    await fixture.app
      .get(Purger)
      .purge('missing', 'run-404-1')
      .catch(() => undefined);
    expect(fixture.pino.lines.filter((l) => l.msg === 'job failed')).toEqual([
      expect.objectContaining({ level: 40, code: 'NOT_FOUND', status: 404, jobId: 'run-404-1' }),
    ]);
    // A request's 500 after it: the first alert to arrive is that one, not the job's 404.
    await fixture.app
      .get(Purger)
      .purge('bug')
      .catch(() => undefined);
    const [first] = await webhook.waitFor(1);
    expect(first.json).toMatchObject({ code: 'INTERNAL_ERROR' });
  });

  it('treats a 5xx listed in expectedErrors as expected, as a request does: a warning, no alert', async () => {
    fixture = await startFixture([], { ...alerts(), expectedErrors: [TypeError] }, undefined, [Purger]);
    await fixture.app
      .get(Purger)
      .purge('bug', 'run-expected-1')
      .catch(() => undefined);
    expect(fixture.pino.lines.filter((l) => l.msg === 'job failed')).toEqual([
      expect.objectContaining({ level: 40, code: 'INTERNAL_ERROR', jobId: 'run-expected-1' }),
    ]);
    // An alert raised after it is the first and only one to arrive: the job's failure raised none.
    await fixture.app.get(AlertService).raise({ title: 'marker', fingerprint: 'marker' });
    const [first] = await webhook.waitFor(1);
    expect(first.json).toMatchObject({ title: 'marker' });
    expect(webhook.received).toHaveLength(1);
  });

  it("alerts when a job's failure rate passes the threshold with enough runs, once per job", async () => {
    const clock = new ManualClock();
    fixture = await startFixture(
      [],
      {
        ...alerts({
          serverErrors: false,
          jobFailureRate: { threshold: 0.05, windowSeconds: 100, minRuns: 10 },
        }),
        clock,
      },
      undefined,
      [Purger],
    );
    const purger = fixture.app.get(Purger);
    // 1 failure in 9 runs: under minRuns when the bucket turns.
    for (let i = 0; i < 8; i++) await purger.purge();
    await purger.purge('bug').catch(() => undefined);
    await clock.advance(10_000);
    for (let i = 0; i < 10; i++) await purger.purge();
    await purger.purge('bug').catch(() => undefined);
    await clock.advance(10_000);
    const [hook] = await webhook.waitFor(1);
    expect(hook.json).toMatchObject({
      kind: 'job-failure-rate',
      fingerprint: 'job-failure-rate purge-read-notifications',
      title: 'Job purge-read-notifications failing: 10.00 % of 20 runs in the last 100 s',
      details: { job: 'purge-read-notifications', failed: 2, runs: 20 },
    });
  });

  it("without Faultline's logging, writes the failure through Nest's Logger", async () => {
    fixture = await startFixture([], { logging: false, metrics: false }, undefined, [Purger]);
    await fixture.app
      .get(Purger)
      .purge('bug', 'run-nest-1')
      .catch(() => undefined);
    const entry = fixture.logs.entries.find((e) =>
      e.message.startsWith('job purge-read-notifications failed'),
    );
    expect(entry?.message).toMatch(/failed 500 INTERNAL_ERROR jobId=run-nest-1 TypeError: cannot read rows/);
    expect(entry?.message).not.toContain(SECRET);
  });

  it('refuses a job name that would not make a metric label', async () => {
    fixture = await startFixture([], {}, undefined, [Purger]);
    const jobs = fixture.app.get(Jobs);
    await expect(jobs.run('purge notifications\n', () => 1)).rejects.toThrow(/job name/);
  });
});
