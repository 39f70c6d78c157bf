import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { ManualClock } from '../libs/error-handling/src/kernel/manual-clock.testing';
import { startGraphqlFixture } from './support/graphql-fixture';
import { waitUntil } from './support/wait';

describe('GraphQL resolvers (Apollo, code-first) with Faultline', () => {
  let f: Awaited<ReturnType<typeof startGraphqlFixture>>;
  let peer: HttpPeer;

  beforeAll(async () => {
    peer = await startHttpPeer();
    f = await startGraphqlFixture(
      {
        debug: false,
        audit: false,
        health: false,
        alerts: { webhook: { url: peer.url }, serverErrors: true, excludeEnvironments: [], errorRate: false },
      },
      // Apollo would add a stack trace to every error: Faultline strips it outside debug mode.
      { includeStacktraceInErrorResponses: true },
    );
  });
  afterAll(async () => {
    await f.app.close();
    await peer.close();
  });

  it('keeps partial data: a nullable field that fails is null beside the ones that resolved', async () => {
    const { body, requestId } = await f.gql('query Partial { ok missing }');
    expect(body.data).toEqual({ ok: 'fine', missing: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'Widget not found: 7',
        path: ['missing'],
        extensions: { code: 'NOT_FOUND', status: 404, requestId },
      }),
    ]);
  });

  it('strips Apollo stack traces and never shows a server error message, whatever Apollo is told', async () => {
    const { body, requestId } = await f.gql('query Two { ok broken missing }');
    expect(body.data).toEqual({ ok: 'fine', broken: null, missing: null });
    expect(body.errors?.map((e) => e.extensions)).toEqual([
      { code: 'INTERNAL_ERROR', status: 500, requestId },
      { code: 'NOT_FOUND', status: 404, requestId },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/s3cret|postgres:|stacktrace|\.ts:\d+/);
  });

  it('logs an operation with two failed fields once: the worst failure, and how many there were', async () => {
    const { requestId } = await f.gql('query Two { ok broken missing }');
    const lines = (await f.pino.request(requestId)).filter((l) => l.channel === undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 50,
        route: 'query Two',
        operation: 'Query.broken',
        code: 'INTERNAL_ERROR',
        failures: 2,
      }),
    );
    // Redacted on the line; Nest's own "ExceptionsHandler" line is not written.
    expect(JSON.stringify(lines)).not.toContain('s3cret-pw');
    expect(f.nest.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('answers a validation failure of resolver arguments with VALIDATION_ERROR and field errors', async () => {
    const { body, requestId } = await f.gql(
      'mutation Invite($input: InviteInput!) { invite(input: $input) }',
      { input: { email: 'not-an-email', seats: 99 } },
    );
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors ?? [];
    expect(error.extensions).toEqual(
      expect.objectContaining({ code: 'VALIDATION_ERROR', status: 400, requestId }),
    );
    const fields = error.extensions.errors as { pointer: string; code: string; detail: string }[];
    expect(fields.map((e) => e.pointer).sort()).toEqual(['#/email', '#/seats']);
    // Never the rejected values.
    expect(JSON.stringify(error)).not.toContain('not-an-email');
  });

  it("carries a shown error's details as extensions, never in place of Faultline's own members", async () => {
    const { body, requestId } = await f.gql('query { taken }');
    expect(body.errors?.[0]).toEqual(
      expect.objectContaining({
        message: 'That name is taken',
        extensions: { constraint: 'accounts_name_key', code: 'CONFLICT', status: 409, requestId },
      }),
    );
  });

  it('handles a field graphql-js resolves itself (outside Nest) by the same policy', async () => {
    const { body, requestId } = await f.gql('query Acc { account { name secret } }');
    expect(body.data).toEqual({ account: { name: 'acme', secret: null } });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'An unexpected error occurred.',
        path: ['account', 'secret'],
        extensions: { code: 'INTERNAL_ERROR', status: 500, requestId },
      }),
    ]);
    const lines = (await f.pino.request(requestId)).filter((l) => l.channel === undefined);
    expect(lines).toEqual([expect.objectContaining({ level: 50, code: 'INTERNAL_ERROR' })]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('gives a variable of the wrong type BAD_USER_INPUT with the request id, at warn', async () => {
    const { body, requestId } = await f.gql(
      'mutation Invite($input: InviteInput!) { invite(input: $input) }',
      { input: { email: 'a@example.com', seats: 'many' } },
    );
    expect(body.errors?.[0].extensions).toEqual(
      expect.objectContaining({ code: 'BAD_USER_INPUT', status: 400, requestId }),
    );
    const lines = (await f.pino.request(requestId)).filter((l) => l.channel === undefined);
    expect(lines).toEqual([expect.objectContaining({ level: 40, code: 'BAD_USER_INPUT' })]);
  });

  it('alerts on a resolver server error, naming the field, not the client-chosen operation', async () => {
    await f.gql('query AnyNameAtAll { broken }');
    await waitUntil(
      () => peer.received.some((r) => r.raw.includes('Query.broken')),
      10_000,
      () => `no alert named Query.broken; got ${peer.received.map((r) => r.raw).join('\n')}`,
    );
    const alert = peer.received.find((r) => r.raw.includes('Query.broken'));
    expect(alert?.raw).toContain('graphql Query.broken');
    expect(alert?.raw).not.toContain('AnyNameAtAll');
    expect(alert?.raw).not.toContain('s3cret-pw');
  });
});

describe('GraphQL in debug mode', () => {
  it('adds the redacted debug members to extensions', async () => {
    const f = await startGraphqlFixture({ debug: true, audit: false, health: false, metrics: false });
    try {
      const { body } = await f.gql('query { broken }');
      const debug = body.errors?.[0].extensions.debug as {
        exception: string;
        message: string;
        stack: string[];
      };
      expect(debug.exception).toBe('Error');
      expect(debug.message).toContain('connect failed');
      expect(debug.message).not.toContain('s3cret-pw');
      expect(debug.stack.join('\n')).toContain('FixtureResolver.broken');
    } finally {
      await f.app.close();
    }
  });
});

describe('GraphQL and the request error rate', () => {
  it('counts a request once however many of its fields failed', async () => {
    const peer = await startHttpPeer();
    const clock = new ManualClock();
    const f = await startGraphqlFixture({
      audit: false,
      health: false,
      clock,
      alerts: {
        webhook: { url: peer.url },
        excludeEnvironments: [],
        serverErrors: false,
        errorRate: { threshold: 0.4, windowSeconds: 300, minRequests: 4 },
      },
    });
    try {
      await f.gql('query { ok }');
      await f.gql('query { ok }');
      // Two server errors in each of these two requests (aliases of the same failing field).
      await f.gql('query { a: broken b: broken }');
      await f.gql('query { a: broken b: broken }');
      await clock.advance(30_000);
      const [hook] = await peer.waitFor(1);
      expect(hook.json).toMatchObject({ kind: 'error-rate', details: { errors: 2, requests: 4 } });
    } finally {
      await f.app.close();
      await peer.close();
    }
  });
});
