import { startGraphqlFixture } from './support/graphql-fixture';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';

// Sentry initialises process-globally: this file's app is its only user of a DSN.
describe('GraphQL resolver failures reach Sentry as a route failure does', () => {
  let sentry: SentryReceiver;
  let f: Awaited<ReturnType<typeof startGraphqlFixture>>;

  beforeAll(async () => {
    sentry = await startSentryReceiver('9');
    f = await startGraphqlFixture({ sentry: { dsn: sentry.dsn }, audit: false, health: false });
  });
  afterAll(async () => {
    await f.app.close();
    const sdk = (await import('@sentry/nestjs')) as { close(timeout?: number): Promise<boolean> };
    await sdk.close(1000);
    await sentry.close();
  });

  it('captures an unexpected resolver error once, tagged with the field, and the line carries its event id', async () => {
    const { requestId } = await f.gql('query Anything { ok broken missing }');
    const events = await sentry.waitForEvent(
      (e) => (e.tags as { requestId?: string }).requestId === requestId,
    );
    // The 404 of `missing` is expected: not captured.
    const mine = events.filter((e) => (e.tags as { requestId?: string }).requestId === requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      tags: { code: 'INTERNAL_ERROR', requestId, transport: 'graphql', operation: 'Query.broken' },
    });
    expect(JSON.stringify(mine[0])).not.toContain('s3cret-pw');
    const [line] = (await f.pino.request(requestId)).filter((l) => l.channel === undefined);
    expect(line).toMatchObject({ sentryEventId: mine[0].event_id, code: 'INTERNAL_ERROR' });
  });
});
