import { createHmac } from 'node:crypto';
import { Controller, Get, HttpException, Optional, UnauthorizedException } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertService, type AlertsOptions, Readiness, WEBHOOK_SIGNATURE_HEADER } from 'nestjs-faultline';
import { startHttpPeer, startSmtpPeer, type HttpPeer, type SmtpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { waitUntil } from './support/wait';

/** Secrets from test/redaction-canary.e2e-spec.ts: none may reach a channel. */
const CANARY = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlktSldUIn0.c2lnbmF0dXJlLWNhbmFyeS1qd3Q';
const CARD = '4111 1111 1111 1111';

@Controller()
class AlertFixtureController {
  // With `logging: false` Faultline loads no LoggerModule, so there is no PinoLogger to inject.
  constructor(@Optional() private readonly logger?: PinoLogger) {}

  @Get('ok')
  ok() {
    return { ok: true };
  }

  @Get('orders/:id/pay')
  pay(): never {
    throw new TypeError(`card <b>declined</b> & "retried"\nBcc: evil@example.com ${CANARY} ${CARD}`);
  }

  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }

  @Get('teapot')
  teapot(): never {
    throw new HttpException('bad gateway upstream', 502);
  }

  @Get('missing')
  missing(): never {
    throw new HttpException('nope', 404);
  }

  @Get('private')
  private(): never {
    throw new UnauthorizedException();
  }

  @Get('fatal')
  fatal() {
    this.logger?.fatal({ err: new Error(`disk full ${CANARY}`) }, 'cannot write the journal');
    return { ok: true };
  }

  @Get('internal/job')
  job(): never {
    throw new Error('excluded');
  }
}

/** Alerts on in a test run (NODE_ENV=test is excluded by default). */
function alerts(options: AlertsOptions): { alerts: AlertsOptions } {
  return { alerts: { excludeEnvironments: [], errorRate: false, service: 'orders', ...options } };
}

/** Makes the fixture listen on 127.0.0.1 (many requests are cheaper than supertest's listen per request). */
async function listen(f: FixtureApp): Promise<string> {
  await f.app.listen(0, '127.0.0.1');
  return f.app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1'));
}

describe('alerts with real peers', () => {
  let slack: HttpPeer;
  let webhook: HttpPeer;
  let smtp: SmtpPeer;
  let fixture: FixtureApp | undefined;

  beforeEach(async () => {
    [slack, webhook, smtp] = await Promise.all([startHttpPeer(), startHttpPeer(), startSmtpPeer()]);
  });
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
    await Promise.all([slack.close(), webhook.close(), smtp.close()]);
  });

  it('sends one unexpected 5xx to Slack, the signed webhook and e-mail, redacted and escaped', async () => {
    fixture = await startFixture(
      [AlertFixtureController],
      alerts({
        slack: { webhookUrl: slack.url },
        webhook: { url: webhook.url, secret: 'hook-secret' },
        email: { smtpUrl: smtp.url, to: 'oncall@example.com', from: 'alerts@example.com' },
        stackLimit: 1000,
      }),
    );
    const res = await fixture
      .http()
      .get('/orders/42/pay?token=CANARY-QUERY-TOKEN-2e9b')
      .set('authorization', 'Bearer abc.def.ghi')
      .set('cookie', 'session=CANARY-COOKIE-5c1e')
      .set('x-api-key', 'CANARY-APIKEY-HDR-77aa')
      .expect(500);
    const requestId = res.headers['x-request-id'] as string;

    const [hook] = await webhook.waitFor(1);
    const expected = `sha256=${createHmac('sha256', 'hook-secret').update(hook.raw).digest('hex')}`;
    expect(hook.headers[WEBHOOK_SIGNATURE_HEADER]).toBe(expected);
    expect(hook.json).toMatchObject({
      kind: 'server-error',
      code: 'INTERNAL_ERROR',
      errorClass: 'TypeError',
      method: 'GET',
      route: '/orders/:id/pay',
      status: 500,
      requestId,
      fingerprint: 'GET /orders/:id/pay TypeError',
    });
    const stack = String(hook.json.stack);
    expect(stack).toMatch(/^TypeError: card/);
    // The stack (Jest keeps 100 frames) is longer than stackLimit: it is cut, keeping its end.
    expect(stack).toMatch(/…\[\d+ chars cut\]/);
    expect(stack.length).toBeLessThanOrEqual(1000 + 40);

    const [post] = await slack.waitFor(1);
    const text = String(post.json.text);
    expect(text).toContain('card &lt;b&gt;declined&lt;/b&gt; &amp; "retried" Bcc: evil@example.com');
    expect(text).not.toContain('<b>');
    expect(text).toContain(`*Request id:* ${requestId}`);

    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['oncall@example.com']);
    expect(mail.subject).toBe('[orders] error: 500 INTERNAL_ERROR on GET /orders/:id/pay');
    expect(mail.body).toContain('Message: card <b>declined</b> & "retried" Bcc: evil@example.com');
    expect(mail.body).toContain('card &lt;b&gt;declined&lt;/b&gt; &amp; &quot;retried&quot;');
    expect(mail.headers).not.toMatch(/^Bcc:/im);

    for (const raw of [hook.raw, post.raw, mail.headers + mail.body]) {
      expect(raw).not.toContain(CANARY);
      expect(raw).not.toContain(CARD);
      for (const secret of [
        'abc.def.ghi',
        'CANARY-QUERY-TOKEN-2e9b',
        'CANARY-COOKIE-5c1e',
        'CANARY-APIKEY-HDR-77aa',
      ]) {
        expect(raw).not.toContain(secret);
      }
    }
    const service = fixture.app.get(AlertService);
    expect(await service.flush()).toBe(true);
    expect(service.stats().channels).toMatchObject({
      slack: { sent: 1, failed: 0 },
      webhook: { sent: 1, failed: 0 },
      email: { sent: 1, failed: 0 },
    });
  });

  it('keeps a subject on one line whatever the alert title holds', async () => {
    fixture = await startFixture(
      [AlertFixtureController],
      alerts({ email: { smtpUrl: smtp.url, to: 'oncall@example.com' } }),
    );
    await fixture.app
      .get(AlertService)
      .raise({ title: 'disk\r\nBcc: evil@example.com\r\nX-Injected: 1', message: 'line1\nline2' });
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['oncall@example.com']);
    expect(mail.headers).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(mail.subject).toBe('[orders] error: disk Bcc: evil@example.com X-Injected: 1');
  });

  it('does not alert for expected failures, excluded routes, or under an excluded NODE_ENV', async () => {
    fixture = await startFixture(
      [AlertFixtureController],
      alerts({ webhook: { url: webhook.url }, excludeRoutes: ['/internal/*'] }),
    );
    await fixture.http().get('/missing').expect(404);
    await fixture.http().get('/private').expect(401);
    await fixture.http().get('/nowhere').expect(404);
    await fixture.http().get('/internal/job').expect(500);
    await fixture.http().get('/teapot').expect(502);
    // A later failure that does alert: alerts go out in the order the failures came, so once it
    // is here, any alert of the requests before it would be here too.
    await fixture.http().get('/boom').expect(500);
    const got = await webhook.waitFor(2);
    expect(got.map((r) => [r.json.status, r.json.errorClass])).toEqual([
      [502, 'HttpException'],
      [500, 'Error'],
    ]);
    await fixture.close();

    // NODE_ENV=test (as under Jest) is excluded by default: nothing is watched, nothing queued.
    fixture = await startFixture([AlertFixtureController], { alerts: { webhook: { url: webhook.url } } });
    const service = fixture.app.get(AlertService);
    expect(service.active).toBe(false);
    await fixture.http().get('/boom').expect(500);
    expect(await service.raise({ title: 'by hand' })).toBe(false);
    expect(service.stats()).toEqual({ channels: {}, suppressed: 0, throttleStoreFallback: false });
    expect(webhook.received).toHaveLength(2);
  });

  it('sends at most repeatLimit alerts for a storm of 1,000 identical failures, then one summary when the window ends', async () => {
    const clock = new ManualClock();
    fixture = await startFixture([AlertFixtureController], {
      ...alerts({ webhook: { url: webhook.url }, repeatLimit: 3, snoozeSeconds: 600 }),
      clock,
    });
    const base = await listen(fixture);
    for (let i = 0; i < 1000; i += 50) {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, (_, j) => fetch(`${base}/orders/${i + j}/pay`).then((r) => r.status)),
      );
      expect(new Set(statuses)).toEqual(new Set([500]));
    }
    const service = fixture.app.get(AlertService);
    // Every failure has been through the throttle, and the three it let through are delivered.
    await waitUntil(
      () => service.stats().suppressed === 997,
      20_000,
      () => `suppressed: ${JSON.stringify(service.stats())}`,
    );
    expect(await service.flush()).toBe(true);
    expect(webhook.received.map((r) => r.json.kind)).toEqual([
      'server-error',
      'server-error',
      'server-error',
    ]);

    // The window ends 600 s after its first alert: then the summary goes out, once.
    await clock.advance(599_000);
    expect(await service.flush()).toBe(true);
    expect(webhook.received).toHaveLength(3);
    await clock.advance(1_100);
    const got = await webhook.waitFor(4, 20_000);
    expect(await service.flush()).toBe(true);
    expect(got.map((r) => r.json.kind)).toEqual(['server-error', 'server-error', 'server-error', 'summary']);
    expect(got[3].json).toMatchObject({ heldBack: 997, fingerprint: 'GET /orders/:id/pay TypeError' });
    expect(service.stats()).toMatchObject({
      suppressed: 997,
      channels: { webhook: { sent: 4, suppressed: 997, failed: 0 } },
    });
  });

  it('sends the summary of what was held back on demand, before the window ends', async () => {
    fixture = await startFixture(
      [AlertFixtureController],
      alerts({ webhook: { url: webhook.url }, repeatLimit: 2, snoozeSeconds: 3600 }),
    );
    for (let i = 0; i < 7; i++) await fixture.http().get(`/orders/${i}/pay`).expect(500);
    const service = fixture.app.get(AlertService);
    await waitUntil(
      () => service.stats().suppressed === 5,
      10_000,
      () => JSON.stringify(service.stats()),
    );
    await service.sendSummaries();
    expect(await service.flush()).toBe(true);
    expect(webhook.received.map((r) => [r.json.kind, r.json.heldBack])).toEqual([
      ['server-error', undefined],
      ['server-error', undefined],
      ['summary', 5],
    ]);
  });

  it('answers requests without waiting for a webhook that answers 500 or never answers; failures logged at warn and counted', async () => {
    const failing = await startHttpPeer({ status: 500 });
    const silent = await startHttpPeer({ never: true });
    // Delivery timeouts and retry backoff run on this clock: until the test moves it, an attempt
    // on the silent peer waits for ever, so a request that waited for delivery would never end.
    const clock = new ManualClock();
    try {
      fixture = await startFixture([AlertFixtureController], {
        ...alerts({
          channels: [],
          webhook: { url: failing.url },
          slack: { webhookUrl: silent.url },
          timeoutMs: 300,
          retries: 1,
          retryBaseMs: 50,
        }),
        clock,
      });
      // Three failures, three alerts (repeatLimit): none held back, so shutdown has no summary
      // to deliver on this clock.
      for (let i = 0; i < 3; i++) await fixture.http().get(`/orders/${i}/pay`).expect(500);
      await fixture.http().get('/ok').expect(200);
      const service = fixture.app.get(AlertService);
      // Three alerts are queued for each channel; none has been delivered.
      await silent.waitFor(1);
      expect(service.stats().channels).toMatchObject({
        webhook: { sent: 0 },
        slack: { sent: 0, failed: 0, pending: 3 },
      });
      // Time moves on: each attempt on the silent peer times out, each retry follows its backoff.
      await waitUntil(
        async () => {
          await clock.advance(50);
          const { webhook, slack } = service.stats().channels;
          return webhook.pending === 0 && slack.pending === 0;
        },
        30_000,
        () => JSON.stringify(service.stats()),
      );
      expect(service.stats().channels).toMatchObject({
        webhook: { sent: 0, failed: 3 },
        slack: { sent: 0, failed: 3 },
      });
      expect(failing.received).toHaveLength(6);
      expect(silent.received).toHaveLength(6);
      const warnings = fixture.logs.entries.filter(
        (e) => e.level === 'warn' && /alert delivery to channel (webhook|slack) failed/.test(e.message),
      );
      expect(warnings).toHaveLength(6);
      expect(warnings.some((w) => /timed out after 300 ms/.test(w.message))).toBe(true);
      expect(warnings.some((w) => /answered 500/.test(w.message))).toBe(true);
      expect(warnings.map((w) => w.message).join('\n')).not.toContain('secret-path');
      await fixture.http().get('/ok').expect(200);
      const metrics = parseMetrics((await fixture.http().get('/metrics').expect(200)).text);
      for (const channel of ['webhook', 'slack']) {
        expect(samplesOf(metrics, 'faultline_alerts_failed_total', { channel })[0]?.value).toBe(3);
        expect(samplesOf(metrics, 'faultline_alerts_sent_total', { channel })[0]?.value).toBe(0);
      }
    } finally {
      await Promise.all([failing.close(), silent.close()]);
    }
  });

  it('alerts on a fatal log line, redacted', async () => {
    fixture = await startFixture([AlertFixtureController], alerts({ webhook: { url: webhook.url } }));
    await fixture.http().get('/fatal').expect(200);
    const [hook] = await webhook.waitFor(1);
    expect(hook.json).toMatchObject({
      kind: 'fatal-log',
      severity: 'critical',
      title: 'Fatal: cannot write the journal',
      errorClass: 'Error',
    });
    expect(hook.raw).not.toContain(CANARY);
  });

  it('alerts once when a readiness check turns /ready to 503, not for start-up or shutdown', async () => {
    let down = false;
    // A database adapter whose driver fails the way pg does when the server is gone.
    const database = {
      query: async () => {
        if (down) throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (user "billing")');
        return { rows: [{ '?column?': 1 }] };
      },
    };
    fixture = await startFixture([AlertFixtureController], {
      ...alerts({ webhook: { url: webhook.url } }),
      health: { database: { executor: database } },
    });
    const base = await listen(fixture);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    down = true;
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    const [hook] = await webhook.waitFor(1);
    expect(hook.json).toMatchObject({
      kind: 'readiness',
      severity: 'critical',
      title: 'Readiness turned false: failing: database',
      fingerprint: 'readiness failing: database',
    });
    expect(hook.raw).not.toMatch(/10\.1\.2\.3|5432|billing|ECONNREFUSED/);
    down = false;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    // Shutdown turns readiness false too, which is expected: no alert. A marker raised after it
    // arrives after anything the shutdown would have raised.
    await fixture.app.get(Readiness).drain(0);
    await fixture.app.get(AlertService).raise({ title: 'marker' });
    const got = await webhook.waitFor(2);
    expect(got.map((r) => r.json.title)).toEqual(['Readiness turned false: failing: database', 'marker']);
  });

  it('alerts on suspicious activity from the security events', async () => {
    fixture = await startFixture([AlertFixtureController], {
      ...alerts({ webhook: { url: webhook.url } }),
      audit: { security: { threshold: 2 } },
    });
    for (let i = 0; i < 3; i++) await fixture.http().get('/private').expect(401);
    const [hook] = await webhook.waitFor(1);
    expect(hook.json).toMatchObject({
      kind: 'suspicious-activity',
      severity: 'warning',
      title: expect.stringMatching(/^Suspicious activity: AUTH_REQUIRED from /),
      details: { count: 3, threshold: 2 },
    });
  });

  it.each([
    ["with Faultline's logging", {}],
    ['with logging, metrics and probes off', { logging: false, metrics: false, health: false } as const],
  ])(
    'alerts when the error rate passes the threshold with enough requests, not before (%s)',
    async (_label, rest) => {
      const clock = new ManualClock();
      fixture = await startFixture([AlertFixtureController], {
        ...rest,
        ...alerts({
          webhook: { url: webhook.url },
          serverErrors: false,
          errorRate: { threshold: 0.1, windowSeconds: 300, minRequests: 20 },
        }),
        clock,
      });
      // One error in three requests: under minRequests when the first bucket turns.
      await fixture.http().get('/ok').expect(200);
      await fixture.http().get('/ok').expect(200);
      await fixture.http().get('/boom').expect(500);
      await clock.advance(30_000);

      for (let i = 0; i < 20; i++) await fixture.http().get('/ok').expect(200);
      for (let i = 0; i < 5; i++) await fixture.http().get('/boom').expect(500);
      await clock.advance(30_000);
      // The first alert counts the whole window: had the first turn alerted, its alert (3
      // requests) would have come first.
      const [hook] = await webhook.waitFor(1);
      expect(hook.json).toMatchObject({
        kind: 'error-rate',
        fingerprint: 'error-rate',
        details: { errors: 6, requests: 28, windowSeconds: 300 },
      });
      expect(String(hook.json.title)).toBe('Error rate 21.43 % over 10.00 % in the last 300 s');
    },
  );

  it('gives pending alerts a bounded chance to go out at shutdown', async () => {
    const slow = await startHttpPeer({ delayMs: 300 });
    try {
      fixture = await startFixture([AlertFixtureController], alerts({ webhook: { url: slow.url } }));
      const service = fixture.app.get(AlertService);
      await service.raise({ title: 'one' });
      await service.raise({ title: 'two' });
      await fixture.close();
      fixture = undefined;
      expect(slow.received.map((r) => r.json.title)).toEqual(['one', 'two']);
    } finally {
      await slow.close();
    }
  });
});
