import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { LEVEL } from './support/log-capture';
import { startSampleProcess, type JsonLine, type SampleProcess } from './support/sample-process';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';

// Each test starts the built sample app (PGlite in memory) as a process of its own, and most
// end it: a few seconds each on a busy machine.
jest.setTimeout(120_000);

/** The secret in the message of the demo crash (`GET /demo/crash`). */
const SECRET = 'demo-crash-secret-0f3a';

/** Asks for the crash; answers 202 before the process crashes. Returns the request id. */
async function crash(app: SampleProcess, kind: 'exception' | 'rejection'): Promise<string> {
  const res = await fetch(`${app.baseUrl}/demo/crash?kind=${kind}`);
  expect(res.status).toBe(202);
  await res.arrayBuffer();
  return res.headers.get('x-request-id') as string;
}

const fatal = (msg: string) => (l: JsonLine) => l.level === LEVEL.fatal && l.msg === msg;

describe('errors outside any request handler, in the built sample app', () => {
  let webhook: HttpPeer;
  let sentry: SentryReceiver;
  let app: SampleProcess | undefined;

  beforeEach(async () => {
    [webhook, sentry] = await Promise.all([startHttpPeer(), startSentryReceiver('42')]);
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await Promise.all([webhook.close(), sentry.close()]);
  });

  const start = (env: Record<string, string> = {}) =>
    startSampleProcess({
      DEMO_FAULTS: '1',
      LOG_FORMAT: 'json',
      ALERT_WEBHOOK_URL: webhook.url,
      SENTRY_DSN: sentry.dsn,
      ...env,
    });

  it('an uncaught exception: one fatal line with the requestId, an alert, a Sentry event, then exit code 1', async () => {
    app = await start();
    const requestId = await crash(app, 'exception');

    const line = await app.waitForLine(fatal('uncaught exception'));
    expect(line).toMatchObject({
      context: 'Faultline',
      requestId,
      err: { type: 'Error', message: 'demo exception: upstream refused Authorization: Bearer [REDACTED]' },
    });
    // The alert and the Sentry event went out before the process ended.
    expect(await app.exited).toBe(1);
    expect(webhook.received.map((r) => r.json)).toEqual([
      expect.objectContaining({
        kind: 'fatal-log',
        severity: 'critical',
        title: 'Fatal: uncaught exception',
        errorClass: 'Error',
        requestId,
      }),
    ]);
    const events = await sentry.waitForEvents(1);
    expect(events).toEqual([expect.objectContaining({ level: 'fatal' })]);

    expect(app.jsonLines().filter(fatal('uncaught exception'))).toHaveLength(1);
    expect(app.stdout()).not.toContain(SECRET);
    expect(app.stderr()).not.toContain(SECRET);
    expect(webhook.received[0].raw).not.toContain(SECRET);
    expect(sentry.raw.join('\n')).not.toContain(SECRET);
  });

  it("an unhandled rejection (Node's default mode): one fatal line, an alert, a Sentry event, then exit code 1", async () => {
    app = await start();
    const requestId = await crash(app, 'rejection');

    const line = await app.waitForLine(fatal('unhandled rejection'));
    expect(line).toMatchObject({ requestId, err: { type: 'Error' } });
    expect(await app.exited).toBe(1);
    expect(webhook.received.map((r) => r.json)).toEqual([
      expect.objectContaining({ kind: 'fatal-log', title: 'Fatal: unhandled rejection', requestId }),
    ]);
    await sentry.waitForEvents(1);

    expect(app.jsonLines().filter((l) => (l.level ?? 0) >= LEVEL.error)).toHaveLength(1);
    expect(app.stdout()).not.toContain(SECRET);
    expect(webhook.received[0].raw).not.toContain(SECRET);
    expect(sentry.raw.join('\n')).not.toContain(SECRET);
    // (Sentry's own rejection handler, in its default `warn` mode, prints the raw stack to stderr.)
  });

  it('an unhandled rejection under --unhandled-rejections=warn: one error line, and the process serves on', async () => {
    app = await start({ NODE_OPTIONS: '--unhandled-rejections=warn', SENTRY_DSN: '' });
    const requestId = await crash(app, 'rejection');

    const line = await app.waitForLine((l) => l.msg === 'unhandled rejection');
    expect(line).toMatchObject({ level: LEVEL.error, requestId });
    expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
    expect(app.child.exitCode).toBeNull();
    expect(webhook.received).toEqual([]);

    expect(await app.stop()).toBe(0);
    expect(app.stdout()).not.toContain(SECRET);
  });
});
