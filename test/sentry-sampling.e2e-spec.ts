import { Controller, Get, Param, Query } from '@nestjs/common';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { SentryReporter } from '../libs/error-handling/src/sentry/sentry.reporter';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import type { LogRecord } from './support/log-capture';
import { waitUntil } from './support/wait';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';

/** An error class named `name`: each is a fingerprint of its own on one route. */
const errorClass = (name: string) => ({ [name]: class extends Error {} })[name];

@Controller()
class SamplingController {
  @Get('boom')
  boom(@Query('n') n: string): never {
    // A message of its own each time: Sentry's Dedupe drops only a repeat of the event before.
    throw new Error(`boom ${n}`);
  }

  @Get('same')
  same(): never {
    throw new Error('always the same');
  }

  @Get('storm/:n')
  storm(@Param('n') n: string): never {
    throw new (errorClass(`Storm${n}Error`))(`storm ${n}`);
  }

  @Get('marker')
  marker(@Query('id') id: string): never {
    throw new TypeError(`marker ${id}`);
  }
}

type SentryEvent = Record<string, unknown> & { tags?: Record<string, string>; message?: string };

// Sentry initialises process-globally: this file is the only in-process user of its DSN.
describe('Sentry sampling per fingerprint (fixture app, local envelope receiver)', () => {
  let sentry: SentryReceiver;
  let fixture: FixtureApp;
  let webhook: HttpPeer;
  const clock = new ManualClock();

  beforeAll(async () => {
    sentry = await startSentryReceiver('19');
    webhook = await startHttpPeer();
    fixture = await startFixture([SamplingController], {
      sentry: { dsn: sentry.dsn, sample: { perFingerprint: 2, windowSeconds: 60, maxFingerprints: 5 } },
      // Alerts too (NODE_ENV=test is excluded by default): they carry the id on the line's terms.
      alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
      clock,
    });
  });

  let closed = false;
  afterAll(async () => {
    if (!closed) await fixture.close();
    const sdk = (await import('@sentry/nestjs')) as { close(timeout?: number): Promise<boolean> };
    await sdk.close(1000);
    await sentry.close();
    await webhook.close();
  });

  // Each test starts a window of its own.
  beforeEach(() => clock.advance(60_000));

  const events = () => sentry.events() as SentryEvent[];
  const byRequest = (requestId: string) => events().filter((e) => e.tags?.requestId === requestId);

  /** Sends the request and returns its request line. */
  const failedLine = async (path: string, requestId: string): Promise<LogRecord> => {
    await fixture.http().get(path).set('x-request-id', requestId).expect(500);
    const lines = await fixture.pino.request(requestId);
    return lines.find((l) => l.msg === 'request failed')!;
  };

  /** A failure of a fingerprint of its own; once its event arrives, every event before it has. */
  const marker = async (id: string) => {
    await failedLine(`/marker?id=${id}`, id);
    return sentry.waitForEvent((e) => (e.tags as { requestId?: string }).requestId === id);
  };

  /** Ends the window and waits for the summary whose message contains `text`. */
  const summary = async (text: string): Promise<SentryEvent> => {
    await clock.advance(60_000);
    await sentry.waitForEvent((e) => typeof e.message === 'string' && e.message.includes(text));
    return events().find((e) => e.message?.includes(text))!;
  };

  it('sends the first events of a fingerprint, logs the rest as sampled out and summarises them when the window ends', async () => {
    const lines: LogRecord[] = [];
    for (let i = 1; i <= 5; i++) lines.push(await failedLine(`/boom?n=${i}`, `boom-${i}`));
    await marker('marker-1');

    for (const [i, line] of lines.slice(0, 2).entries()) {
      const [event] = byRequest(`boom-${i + 1}`);
      expect(event).toBeDefined();
      expect(line.sentryEventId).toBe(event.event_id);
      expect(line.sentry).toBeUndefined();
    }
    for (const [i, line] of lines.slice(2).entries()) {
      expect(byRequest(`boom-${i + 3}`)).toEqual([]);
      expect(line).toMatchObject({ sentry: 'sampled-out', code: 'INTERNAL_ERROR' });
      expect(line.sentryEventId).toBeUndefined();
    }

    const sampledOut = await summary('left out 3 events of GET /boom Error');
    expect(sampledOut).toMatchObject({
      level: 'warning',
      message: 'Sentry sampling left out 3 events of GET /boom Error in 60 s',
      tags: { sampledOut: '3' },
      fingerprint: ['faultline-sampled-out', 'GET /boom Error'],
      extra: { fingerprint: 'GET /boom Error', sampledOut: 3, windowSeconds: 60 },
    });
    // The next window sends the fingerprint again.
    const line = await failedLine('/boom?n=6', 'boom-6');
    await marker('marker-2');
    expect(line.sentryEventId).toBe(byRequest('boom-6')[0].event_id);
  });

  it("does not log or alert an id for an event Sentry's Dedupe dropped (the same failure twice in a row)", async () => {
    const first = await failedLine('/same', 'same-1');
    const second = await failedLine('/same', 'same-2');
    await marker('marker-3');

    expect(first.sentryEventId).toBe(byRequest('same-1')[0].event_id);
    // captureException returned an id for it, yet nothing was sent: the line says so.
    expect(byRequest('same-2')).toEqual([]);
    expect(second.sentryEventId).toBeUndefined();
    expect(second.sentry).toBe('dropped');
    // The alerts of the same failures: an id for the first, none for the one Sentry dropped.
    const alertOf = async (requestId: string) => {
      await waitUntil(
        () => webhook.received.some((r) => r.json.requestId === requestId),
        10_000,
        () => `no alert for ${requestId}`,
      );
      return webhook.received.find((r) => r.json.requestId === requestId)!.json;
    };
    expect((await alertOf('same-1')).sentryEventId).toBe(first.sentryEventId);
    const dropped = await alertOf('same-2');
    expect(dropped).toMatchObject({ kind: 'server-error', fingerprint: 'GET /same Error' });
    expect(dropped.sentryEventId).toBeUndefined();
  });

  it('tracks at most maxFingerprints under a storm of distinct fingerprints; the rest share one allowance', async () => {
    const before = events().length;
    const lines: LogRecord[] = [];
    for (let n = 0; n < 30; n++) lines.push(await failedLine(`/storm/${n}`, `storm-${n}`));
    expect(fixture.app.get(SentryReporter).trackedFingerprints).toBe(6);
    // No marker (its fingerprint would be one past the cap too): the summary, captured after
    // every storm event, is the last to arrive.
    const other = await summary('fingerprints past sentry.sample.maxFingerprints');
    expect(other).toMatchObject({ tags: { sampledOut: '23' } });
    expect(fixture.app.get(SentryReporter).trackedFingerprints).toBe(0);

    // The 5 fingerprints tracked, then 2 of the 25 past them; every other line says sampled out.
    const sent = events()
      .slice(before)
      .filter((e) => e.tags?.requestId?.startsWith('storm-'))
      .map((e) => e.tags!.requestId);
    expect(sent).toEqual(['storm-0', 'storm-1', 'storm-2', 'storm-3', 'storm-4', 'storm-5', 'storm-6']);
    expect(lines.filter((l) => l.sentry === 'sampled-out')).toHaveLength(23);
    expect(lines.filter((l) => typeof l.sentryEventId === 'string')).toHaveLength(7);
  });

  // Last: it closes the app.
  it('summarises the window so far when the application shuts down', async () => {
    for (let i = 1; i <= 4; i++) await failedLine(`/boom?n=shutdown-${i}`, `shutdown-${i}`);
    closed = true;
    await fixture.close();
    await sentry.waitForEvent(
      (e) => e.message === 'Sentry sampling left out 2 events of GET /boom Error in 60 s',
    );
  });
});
