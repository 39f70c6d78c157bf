import { Controller, Get, Optional, Param } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertService, type AlertsOptions } from 'nestjs-faultline';
import { startHttpPeer, startSmtpPeer, type HttpPeer, type SmtpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { stormErrors } from './support/storm-errors';
import { waitUntil } from './support/wait';

jest.setTimeout(60_000);

/** One error class per index: `GET /storm/:n` fails with a fingerprint of its own for each n. */
const STORM = stormErrors(200);

@Controller()
class StormController {
  constructor(@Optional() private readonly logger?: PinoLogger) {}

  @Get('storm/:n')
  storm(@Param('n') n: string): never {
    throw new STORM[Number(n) % STORM.length]('the upstream timed out');
  }

  @Get('fatal')
  fatal() {
    this.logger?.fatal('cannot write the journal');
    return { ok: true };
  }
}

/** Sends GET `paths` 50 at a time; every answer must be a 500. */
async function storm(base: string, paths: string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += 50) {
    const statuses = await Promise.all(
      paths.slice(i, i + 50).map((p) => fetch(base + p).then((r) => r.status)),
    );
    expect(new Set(statuses)).toEqual(new Set([500]));
  }
}

describe('the global alert budget per channel', () => {
  let slack: HttpPeer;
  let webhook: HttpPeer;
  let smtp: SmtpPeer;
  let fixture: FixtureApp | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    [slack, webhook, smtp] = await Promise.all([startHttpPeer(), startHttpPeer(), startSmtpPeer()]);
    clock = new ManualClock();
  });
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
    await Promise.all([slack.close(), webhook.close(), smtp.close()]);
  });

  async function start(options: AlertsOptions): Promise<{ base: string; service: AlertService }> {
    fixture = await startFixture([StormController], {
      alerts: {
        slack: { webhookUrl: slack.url },
        webhook: { url: webhook.url },
        email: { smtpUrl: smtp.url, to: 'oncall@example.com' },
        excludeEnvironments: [],
        errorRate: false,
        service: 'orders',
        ...options,
      },
      clock,
    });
    await fixture.app.listen(0, '127.0.0.1');
    const base = (await fixture.app.getUrl()).replace('[::1]', '127.0.0.1');
    return { base, service: fixture.app.get(AlertService) };
  }

  /** Waits until `n` alerts were held back by the budget on each of `channels`, then for delivery. */
  async function heldBack(service: AlertService, n: Record<string, number>): Promise<void> {
    const seen = () =>
      Object.fromEntries(Object.keys(n).map((c) => [c, service.stats().channels[c]?.heldBackByBudget]));
    await waitUntil(
      () => Object.entries(n).every(([c, count]) => seen()[c] === count),
      30_000,
      () => `held back by the budget: ${JSON.stringify(seen())}`,
    );
    expect(await service.flush(20_000)).toBe(true);
  }

  it('sends at most the budget and one summary per channel for a storm over 200 fingerprints', async () => {
    const { base, service } = await start({
      repeatLimit: 10,
      snoozeSeconds: 3600,
      budget: { max: 20, windowSeconds: 600 },
    });
    // 200 fingerprints once each, and one of them ten times: 209 alerts pass the throttle.
    const paths = [...STORM.keys()].map((n) => `/storm/${n}`);
    await storm(base, [...paths, ...Array.from({ length: 9 }, () => '/storm/7')]);
    await heldBack(service, { slack: 189, webhook: 189, email: 189 });
    expect([slack.received.length, webhook.received.length, smtp.mails.length]).toEqual([20, 20, 20]);
    expect(new Set(webhook.received.map((r) => r.json.kind))).toEqual(new Set(['server-error']));

    // The window ends 600 s after the first alert: then one summary per channel, not before.
    await clock.advance(599_000);
    expect(await service.flush()).toBe(true);
    expect(webhook.received).toHaveLength(20);
    await clock.advance(1_100);
    await Promise.all([slack.waitFor(21, 20_000), webhook.waitFor(21, 20_000), smtp.waitFor(21, 20_000)]);
    expect(await service.flush()).toBe(true);
    expect([slack.received.length, webhook.received.length, smtp.mails.length]).toEqual([21, 21, 21]);

    const summary = webhook.received[20].json;
    expect(summary).toMatchObject({
      kind: 'summary',
      severity: 'warning',
      fingerprint: 'alert-budget webhook',
      heldBack: 189,
      title:
        'Alert budget of webhook used up: 189 more alerts held back in 600 s, of more than 100 fingerprints',
      details: { channel: 'webhook', fingerprints: 'more than 100' },
    });
    const top = summary.heldBackTop as { fingerprint: string; title: string; count: number }[];
    expect(top).toHaveLength(5);
    expect(top[0]).toMatchObject({
      fingerprint: 'GET /storm/:n Storm7Error',
      title: '500 INTERNAL_ERROR on GET /storm/:n',
    });
    expect(top[0].count).toBeGreaterThanOrEqual(9);
    expect(String(slack.received[20].json.text)).toMatch(
      /^\*\[orders\] summary: Alert budget of slack used up: 189 more alerts held back in 600 s/,
    );
    expect(String(slack.received[20].json.text)).toContain('*Top 1:* ');
    expect(smtp.mails[20].subject).toMatch(
      /^\[orders\] summary: Alert budget of email used up: 189 more alerts/,
    );
    expect(smtp.mails[20].body).toMatch(
      /Top 1: \d+ held back: 500 INTERNAL_ERROR on GET \/storm\/:n \[GET \/storm\/:n Storm7Error\]/,
    );

    const metrics = parseMetrics(await fetch(`${base}/metrics`).then((r) => r.text()));
    for (const channel of ['slack', 'webhook', 'email']) {
      expect(samplesOf(metrics, 'faultline_alerts_budget_held_back_total', { channel })[0]?.value).toBe(189);
      expect(samplesOf(metrics, 'faultline_alerts_sent_total', { channel })[0]?.value).toBe(21);
    }
  });

  it('keeps a reserve for urgent alerts, a budget per channel, and takes throttle summaries from it', async () => {
    const { base, service } = await start({
      repeatLimit: 1,
      snoozeSeconds: 600,
      budget: {
        max: 5,
        windowSeconds: 3600,
        urgentReserve: 1,
        channels: { email: { max: 2 }, slack: false },
      },
    });
    // 30 fingerprints twice: 30 alerts pass the throttle, 30 are held back by it.
    const paths = Array.from({ length: 30 }, (_, n) => `/storm/${n}`);
    await storm(base, [...paths, ...paths]);
    await heldBack(service, { webhook: 25, email: 28 });
    // A fatal line in the middle of the storm still reaches the channels whose budget is spent.
    expect((await fetch(`${base}/fatal`)).status).toBe(200);
    const fatal = await webhook.waitFor(6);
    expect(fatal[5].json).toMatchObject({ kind: 'fatal-log', severity: 'critical' });
    await smtp.waitFor(3);
    expect(smtp.mails[2].subject).toBe('[orders] critical: Fatal: cannot write the journal');
    // Slack has no budget: every alert the throttle let through.
    await slack.waitFor(31);

    // The throttle's windows end first (600 s): their 30 summaries take from the budgets, which
    // are spent, so they are counted into the budgets' summaries (slack gets them all).
    await clock.advance(600_100);
    await heldBack(service, { webhook: 55, email: 58 });
    await slack.waitFor(61);
    await clock.advance(3_000_000);
    const [hooks, mails] = await Promise.all([webhook.waitFor(7, 20_000), smtp.waitFor(4, 20_000)]);
    expect(await service.flush()).toBe(true);
    expect(hooks).toHaveLength(7);
    expect(hooks[6].json).toMatchObject({ fingerprint: 'alert-budget webhook', heldBack: 55 });
    expect(mails).toHaveLength(4);
    expect(mails[3].subject).toMatch(
      /Alert budget of email used up: 58 more alerts held back in 3600 s, of 30 fingerprints$/,
    );
    expect(slack.received.filter((r) => /summary: Alert budget/.test(String(r.json.text)))).toHaveLength(0);
  });
});
