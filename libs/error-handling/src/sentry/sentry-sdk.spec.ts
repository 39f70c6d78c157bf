// @sentry/nestjs stands in as a recorder of what Faultline passes to init().
const inits: Record<string, unknown>[] = [];
jest.mock('../kernel/peer-require', () => ({
  loadPeer: () => ({
    init: (options: Record<string, unknown>) => inits.push(options),
    getClient: () => undefined,
    captureException: () => '',
    flush: async () => true,
  }),
}));

import { eventFates } from './event-fates';
import { initSentry } from './sentry-sdk';

const TOKEN = ['gh', 'p_', 'SentrySpanCanary0123456789abcdefghijk'].join('');

type Hook = (value: unknown) => unknown;

describe('initSentry hooks', () => {
  beforeEach(() => (inits.length = 0));

  it('in errors-only mode redacts events and breadcrumbs and sets no transaction hook', () => {
    expect(initSentry({ dsn: 'http://key@127.0.0.1:1/1' })).toBe(true);
    const options = inits[0];
    expect(options.beforeSendTransaction).toBeUndefined();
    expect(options.beforeSendSpan).toBeUndefined();
    const event = (options.beforeSend as Hook)({ message: `failed with ${TOKEN}` });
    expect(JSON.stringify(event)).not.toContain(TOKEN);
    const crumb = (options.beforeBreadcrumb as Hook)({ message: `GET /x?token=${TOKEN}` });
    expect(JSON.stringify(crumb)).not.toContain(TOKEN);
  });

  it('with tracing redacts transactions (Sentry 10) and each streamed span (Sentry 11)', () => {
    expect(initSentry({ dsn: 'http://key@127.0.0.1:1/1', tracesSampleRate: 1 })).toBe(true);
    const options = inits[0];
    const span = (options.beforeSendSpan as Hook)({
      description: `GET /export?token=${TOKEN}`,
      data: { 'url.full': `http://127.0.0.1/export?q=${TOKEN}` },
    }) as { description: string };
    expect(JSON.stringify(span)).not.toContain(TOKEN);
    expect(span.description).toContain('/export');
    const transaction = (options.beforeSendTransaction as Hook)({ transaction: `GET ${TOKEN}` });
    expect(JSON.stringify(transaction)).not.toContain(TOKEN);
  });

  it("draws sampleRate itself: not Sentry's (after the event is built), beforeSend for events Faultline did not capture", () => {
    expect(initSentry({ dsn: 'http://key@127.0.0.1:1/1', sampleRate: 0 })).toBe(true);
    const options = inits[0];
    expect(options.sampleRate).toBeUndefined();
    const beforeSend = options.beforeSend as Hook;
    // An uncaught exception's event, captured by Sentry itself: drawn here.
    expect(beforeSend({ event_id: 'sdk-1', message: 'uncaught' })).toBeNull();
    // One Faultline captured (its failure was drawn before capture): passes.
    eventFates.expect('faultline-1', () => undefined);
    expect(beforeSend({ event_id: 'faultline-1', message: 'boom' })).toMatchObject({ message: 'boom' });
  });
});
