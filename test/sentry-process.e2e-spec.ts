import { join } from 'node:path';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startSampleProcess, type SampleProcess } from './support/sample-process';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';
jest.setTimeout(120_000);

let markers = 0;

/**
 * Sends a request that does produce a Sentry event (an unexpected TypeError, its message its own:
 * Sentry drops an event that repeats the one before it) and waits for its event. Events are sent
 * in the order they were captured: once this one has arrived, every event captured before it has
 * too. Returns the events that arrived before it.
 */
async function eventsBeforeMarker(
  app: SampleProcess,
  sentry: SentryReceiver,
): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${app.baseUrl}/demo/throw?kind=marker-${++markers}`);
  expect(res.status).toBe(500);
  const requestId = res.headers.get('x-request-id');
  const isMarker = (e: Record<string, unknown>) =>
    (e.tags as { requestId?: string } | undefined)?.requestId === requestId;
  const events = await sentry.waitForEvent(isMarker);
  return events.slice(0, events.findIndex(isMarker));
}

/** Secrets from test/redaction-canary.e2e-spec.ts. */
const CANARIES = {
  cookie: 'CANARY-COOKIE-5c1e',
  apiKeyHeader: 'CANARY-APIKEY-HDR-77aa',
  query: 'CANARY-QUERY-TOKEN-2e9b',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlktSldUIn0.c2lnbmF0dXJlLWNhbmFyeS1qd3Q',
};

// Sentry initialises process-globally: the built sample app runs as a real process.
describe('Sentry in the built sample app (SENTRY_DSN set)', () => {
  let sentry: SentryReceiver;
  let webhook: HttpPeer;
  let app: SampleProcess;

  beforeAll(async () => {
    [sentry, webhook] = await Promise.all([startSentryReceiver('42'), startHttpPeer()]);
    app = await startSampleProcess({
      SENTRY_DSN: sentry.dsn,
      DEMO_FAULTS: '1',
      LOG_FORMAT: 'json',
      ALERT_WEBHOOK_URL: webhook.url,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([sentry?.close(), webhook?.close()]);
  });

  it('sends one event for one /demo/boom, tagged, with its id in the log line and the alert', async () => {
    const res = await fetch(`${app.baseUrl}/demo/boom?token=${CANARIES.query}`, {
      headers: {
        cookie: `session=${CANARIES.cookie}`,
        'x-api-key': CANARIES.apiKeyHeader,
        authorization: `Bearer ${CANARIES.jwt}`,
      },
    });
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id');
    const [event] = await sentry.waitForEvents(1);
    expect(event.tags).toMatchObject({ code: 'INTERNAL_ERROR', requestId });
    const exception = (event.exception as { values: { type: string }[] }).values[0];
    expect(exception.type).toBe('Error');

    const line = await app.waitForLine((l) => l.requestId === requestId && l.msg === 'request failed');
    expect(line).toMatchObject({ code: 'INTERNAL_ERROR', sentryEventId: event.event_id });

    const [alert] = await webhook.waitFor(1);
    expect(alert.json).toMatchObject({ kind: 'server-error', requestId, sentryEventId: event.event_id });

    // Exactly one event for the request: none arrived before a later request's.
    expect(await eventsBeforeMarker(app, sentry)).toEqual([event]);
  });

  it('sends no event for ten 404s', async () => {
    const before = sentry.events().length;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${app.baseUrl}/nowhere/${i}`);
      expect(res.status).toBe(404);
    }
    const unauthorised = await fetch(`${app.baseUrl}/notifications`);
    expect(unauthorised.status).toBe(401);
    expect(await eventsBeforeMarker(app, sentry)).toHaveLength(before);
  });

  it('lets no canary secret into any envelope', () => {
    const everything = sentry.raw.join('\n');
    expect(everything.length).toBeGreaterThan(0);
    for (const [name, canary] of Object.entries(CANARIES)) {
      expect({ name, found: everything.includes(canary) }).toEqual({ name, found: false });
    }
  });
});

describe('the built sample app without SENTRY_DSN', () => {
  it('loads nothing of Sentry', async () => {
    const app = await startSampleProcess({
      SENTRY_DSN: '',
      DEMO_FAULTS: '1',
      NODE_OPTIONS: `--require ${join(__dirname, 'support', 'report-sentry-loaded.js')}`,
    });
    const res = await fetch(`${app.baseUrl}/demo/boom`);
    expect(res.status).toBe(500);
    expect(await app.stop()).toBe(0);
    expect(app.stdout()).toContain('SENTRY_LOADED=false');
  });
});
