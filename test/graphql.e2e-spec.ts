import { AuditService } from 'nestjs-faultline';
import { startSample, type SampleHarness } from './support/sample-app';
import { parseMetrics, samplesOf } from './support/metrics-text';

interface GraphQLError {
  message: string;
  path?: (string | number)[];
  locations?: unknown;
  extensions: Record<string, unknown>;
}
interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

/** Nothing of a server error's message, stack or source files. */
const INTERNALS = /Kaboom|hunter2|secret-module|\/srv\/|\bat .*\.(ts|js):\d+|node_modules/;

describe('GraphQL on the sample app (POST /graphql)', () => {
  let s: SampleHarness;
  let alice: string;

  beforeAll(async () => {
    s = await startSample({ debug: false });
    alice = await s.login('alice');
  });
  afterAll(() => s.close());

  async function gql(
    query: string,
    variables: Record<string, unknown> = {},
    token: string | null = alice,
    operationName?: string,
  ): Promise<{ status: number; body: GraphQLBody; requestId: string }> {
    const req = s.http().post('/graphql').set('Content-Type', 'application/json');
    if (token) req.set('Authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables, operationName });
    return {
      status: res.status,
      body: res.body as GraphQLBody,
      requestId: String(res.headers['x-request-id']),
    };
  }

  async function metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = (await s.http().get('/metrics').expect(200)).text;
    return samplesOf(parseMetrics(text), name, labels).reduce((sum, m) => sum + m.value, 0);
  }

  it('answers a query that succeeds with its data and no errors', async () => {
    const { status, body } = await gql('query Mine { notifications { id title readAt } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(Array.isArray(body.data?.notifications)).toBe(true);
  });

  it('turns a NotFoundError into NOT_FOUND with the request id, its message shown, no stack trace', async () => {
    const { status, body, requestId } = await gql(
      'query GetOne($id: Int!) { notification(id: $id) { id } }',
      { id: 424242 },
    );
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      {
        message: 'Notification not found: 424242',
        locations: expect.any(Array),
        path: ['notification'],
        extensions: { code: 'NOT_FOUND', status: 404, requestId },
      },
    ]);
  });

  it('logs a failed operation once, at info for a 404, with the operation name as the route', async () => {
    const { requestId } = await gql('query GetOne($id: Int!) { notification(id: $id) { id } }', {
      id: 424243,
    });
    const lines = await s.logs.request(requestId);
    const request = lines.filter((l) => l.channel === undefined);
    expect(request).toEqual([
      expect.objectContaining({
        msg: 'request failed',
        level: 30,
        method: 'POST',
        route: 'query GetOne',
        transport: 'graphql',
        operation: 'Query.notification',
        status: 200,
        failureStatus: 404,
        code: 'NOT_FOUND',
      }),
    ]);
  });

  it('hides an unexpected error: INTERNAL_ERROR, a fixed message, the request id; logged at error with its stack', async () => {
    const { body, requestId } = await gql('query Boom { demoBoom }');
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors as GraphQLError[];
    expect(error.message).toBe('An unexpected error occurred.');
    expect(error.extensions).toEqual({ code: 'INTERNAL_ERROR', status: 500, requestId });
    expect(JSON.stringify(body)).not.toMatch(INTERNALS);
    const lines = (await s.logs.request(requestId)).filter((l) => l.channel === undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(
      expect.objectContaining({ level: 50, route: 'query Boom', code: 'INTERNAL_ERROR' }),
    );
    const err = lines[0].err as { message: string; stack: string };
    expect(err.stack).toContain('DemoResolver.demoBoom');
    // The line keeps the message, with the secret redacted.
    expect(err.message).toContain('Kaboom');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('keeps partial data: the fields that resolved are answered beside the one that failed', async () => {
    const { body, requestId } = await gql('query Mixed { notifications { id } demoBoom }');
    // demoBoom is non-null: graphql-js nulls the whole data, as the spec says; a nullable sibling
    // is kept, which the next operation shows.
    expect(body.errors?.[0].extensions).toEqual({ code: 'INTERNAL_ERROR', status: 500, requestId });
    const partial = await gql(
      'query Partial { notifications { id } missing: notification(id: 987654) { id } }',
    );
    expect(partial.body.data).toBeNull();
    expect(partial.body.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
  });

  it('gives a guard rejection UNAUTHENTICATED with the request id, recorded as a failed audit event', async () => {
    const { body, requestId } = await gql('mutation Read { markRead(id: 1) { id } }', {}, null);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'A bearer token is required',
        path: ['markRead'],
        extensions: { code: 'UNAUTHENTICATED', status: 401, requestId },
      }),
    ]);
    const audit = await s.logs.waitFor((lines) =>
      lines.some((l) => l.channel === 'audit' && l.requestId === requestId),
    );
    expect(audit.filter((l) => l.channel === 'audit' && l.requestId === requestId)).toEqual([
      expect.objectContaining({
        action: 'NOTIFICATION_MARK_READ',
        outcome: 'failure',
        status: 401,
        errorCode: 'UNAUTHENTICATED',
        route: 'Mutation.markRead',
        resourceId: '1',
      }),
    ]);
  });

  it('audits markRead under @Audit(): a success and a NOT_FOUND failure, each once, stored', async () => {
    const created = await s
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${await s.login('admin')}`)
      .send({ recipientId: 1, title: 'graphql', body: 'mark me read' });
    const mine = await gql('query { notifications { id } }');
    const id = created.status === 201 ? (created.body as { id: number }).id : undefined;
    const target = id ?? ((mine.body.data?.notifications as { id: number }[])[0]?.id as number);
    const ok = await gql('mutation Read($id: Int!) { markRead(id: $id) { id readAt } }', { id: target });
    const missing = await gql('mutation Read($id: Int!) { markRead(id: $id) { id } }', { id: 555555 });
    expect(missing.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    await s.logs.waitFor((lines) =>
      [ok.requestId, missing.requestId].every((id) =>
        lines.some((l) => l.channel === 'audit' && l.requestId === id),
      ),
    );
    const audit = s.logs.lines.filter(
      (l) => l.channel === 'audit' && (l.requestId === ok.requestId || l.requestId === missing.requestId),
    );
    expect(audit).toHaveLength(2);
    expect(audit.find((l) => l.requestId === ok.requestId)).toEqual(
      expect.objectContaining({ outcome: 'success', resourceId: String(target), route: 'Mutation.markRead' }),
    );
    expect(audit.find((l) => l.requestId === missing.requestId)).toEqual(
      expect.objectContaining({ outcome: 'failure', errorCode: 'NOT_FOUND', resourceId: '555555' }),
    );
    // And the rows the audit store keeps, once the queue is written out.
    const service = s.app.get(AuditService);
    expect(await service.flush()).toBe(true);
    const page = await service.query({ action: 'NOTIFICATION_MARK_READ', limit: 500 });
    const rows = page.items.filter((e) => e.requestId === ok.requestId || e.requestId === missing.requestId);
    expect(rows).toHaveLength(2);
    expect(rows.find((e) => e.requestId === ok.requestId)).toEqual(
      expect.objectContaining({
        kind: 'audit',
        outcome: 'success',
        route: 'Mutation.markRead',
        method: 'POST',
        resourceType: 'notification',
        resourceId: String(target),
        actorId: expect.any(String),
      }),
    );
    expect(rows.find((e) => e.requestId === missing.requestId)).toEqual(
      expect.objectContaining({
        outcome: 'failure',
        errorCode: 'NOT_FOUND',
        status: 404,
        resourceId: '555555',
      }),
    );
  });

  it('adds the request id to errors no resolver threw (a query that does not validate) and logs them', async () => {
    const { status, body, requestId } = await gql('query Bad { nope }');
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', requestId, status: 400 }),
      }),
    ]);
    expect(body.errors?.[0].extensions).not.toHaveProperty('stacktrace');
    const lines = (await s.logs.request(requestId)).filter((l) => l.channel === undefined);
    expect(lines).toEqual([expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', level: 40 })]);
  });

  it('counts resolver failures in app_errors_total by code', async () => {
    const before = await metric('app_errors_total', { code: 'NOT_FOUND' });
    await gql('query { notification(id: 777777) { id } }');
    expect(await metric('app_errors_total', { code: 'NOT_FOUND' })).toBe(before + 1);
  });
});
