import { AuditService } from 'nestjs-faultline';
import { startSample, type SampleHarness } from './support/sample-app';

const CANARIES = {
  cookie: 'CANARY-COOKIE-5c1e',
  apiKeyHeader: 'CANARY-APIKEY-HDR-77aa',
  password: 'CANARY-PASSWORD-9f2d',
  token: 'CANARY-TOKEN-3b8e',
  apiKey: 'CANARY-APIKEY-BODY-41c0',
  deep: 'CANARY-DEEP-SECRET-a7d3',
  query: 'CANARY-QUERY-TOKEN-2e9b',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlktSldUIn0.c2lnbmF0dXJlLWNhbmFyeS1qd3Q',
  card: '4111 1111 1111 1111',
  cardDigits: '4111111111111111',
};

/**
 * Fake tokens of the formats the value detectors know, built from parts (no real token, nothing a
 * secret scanner would flag in this file). Each is sent where no key marks it as secret: in a
 * body field, a path, a header and a query value; only the value detectors can catch it.
 */
const TOKENS = {
  awsKey: ['AK', 'IA', 'CANARY7AWSKEY234'].join(''),
  githubToken: ['gh', 'p_', 'CanaryGithubToken0123456789abcdefghi'].join(''),
  slackToken: ['xo', 'xb-', '1234567890-1234567890123-CanarySlackTokenAbc'].join(''),
  slackWebhookPath: ['T0CANARY1', '/B0CANARY2/', 'CanarySlackWebhook123456'].join(''),
  stripeKey: ['sk', '_live_', 'CanaryStripeKey1234567890'].join(''),
  googleKey: ['AI', 'za', 'CanaryGoogleApiKey_abcdefghijklmnop'].join(''),
  urlPassword: 'CanaryUrlPw-9c1e',
};
const webhook = `https://hooks.slack.com/services/${TOKENS.slackWebhookPath}`;
const databaseUrl = `postgres://app:${TOKENS.urlPassword}@db.internal:5432/app`;

/** `{ nested: [[[…[{ secret }]…]]] }`, the secret ten levels down inside arrays. */
function deep(secret: string): unknown {
  let value: unknown = { secret, keep: 'deep-ordinary' };
  for (let i = 0; i < 10; i++) value = [value];
  return { nested: value };
}

describe('no secret reaches a log line or a response body (sample app, JSON logs)', () => {
  let s: SampleHarness;
  let admin: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    s = await startSample({ debug: false, logRequestDetails: 'all-errors' });
    admin = await s.login('admin');
  });
  afterAll(() => s.close());

  const secretHeaders = () => ({
    Cookie: `session=${CANARIES.cookie}`,
    'X-Api-Key': CANARIES.apiKeyHeader,
    'User-Agent': 'canary-test-agent',
  });

  it('sends the canaries to login, notification creation, a validation failure and a 500', async () => {
    const login = await s
      .http()
      .post(`/auth/login?token=${CANARIES.query}`)
      .set(secretHeaders())
      .send({ username: 'alice', password: CANARIES.password });
    expect(login.status).toBe(401);
    bodies.push(login.text);

    const created = await s
      .http()
      .post(`/notifications?token=${CANARIES.query}`)
      .set(secretHeaders())
      .set('Authorization', `Bearer ${admin}`)
      .send({ recipientId: 1, title: 'Ordinary title', body: 'Ordinary body' });
    expect(created.status).toBe(201);
    expect(created.body.title).toBe('Ordinary title');
    bodies.push(created.text);

    const invalid = await s
      .http()
      .post(`/notifications?token=${CANARIES.query}&page=2`)
      .set(secretHeaders())
      .set('Authorization', `Bearer ${admin}`)
      .send({
        recipientId: 1,
        title: 'Ordinary title',
        body: 'Ordinary body',
        password: CANARIES.password,
        token: CANARIES.token,
        apiKey: CANARIES.apiKey,
        ...(deep(CANARIES.deep) as object),
        note: `please use ${CANARIES.jwt} for the export`,
        reference: CANARIES.card,
      });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['password', 'token', 'apiKey', 'nested', 'note', 'reference']),
    );
    bodies.push(invalid.text);

    // recipientId out of the integer range: PostgreSQL's message quotes the value (a 400 since
    // SQLSTATE class 22 maps to VALIDATION_ERROR, a 500 before).
    const failed = await s
      .http()
      .post('/notifications')
      .set(secretHeaders())
      .set('Authorization', `Bearer ${admin}`)
      .send({ recipientId: Number(CANARIES.cardDigits), title: 'Ordinary title', body: 'Ordinary body' });
    expect([400, 500]).toContain(failed.status);
    bodies.push(failed.text);

    const requestIds = [login, created, invalid, failed].map((r) => r.headers['x-request-id'] as string);
    for (const id of requestIds) await s.logs.request(id);

    // The audit trail keeps the NOTIFICATION_CREATE attempts with their (captured) bodies.
    const audit = s.app.get(AuditService);
    await audit.flush();
    const stored = [
      ...(await audit.query({ kind: 'audit', limit: 500 })).items,
      ...(await audit.query({ kind: 'security', limit: 500 })).items,
    ];
    expect(stored.filter((e) => e.action === 'NOTIFICATION_CREATE').length).toBeGreaterThanOrEqual(3);
    const everything = [...s.logs.raw, ...bodies, JSON.stringify(stored)].join('\n');
    for (const [name, canary] of Object.entries(CANARIES)) {
      expect({ name, found: everything.includes(canary) }).toEqual({ name, found: false });
    }
    expect(everything).not.toContain(admin);

    // Nothing ordinary was lost on the way.
    const invalidLine = s.logs.forRequest(requestIds[2]).find((l) => l.msg === 'request failed');
    const logged = invalidLine?.request as {
      headers: Record<string, unknown>;
      query: Record<string, unknown>;
      body: Record<string, unknown>;
    };
    expect(logged.headers['user-agent']).toBe('canary-test-agent');
    expect(logged.headers.cookie).toBe('[REDACTED]');
    expect(logged.headers['x-api-key']).toBe('[REDACTED]');
    expect(logged.headers.authorization).toBe('[REDACTED]');
    expect(logged.query).toEqual({ token: '[REDACTED]', page: '2' });
    expect(logged.body).toEqual(
      expect.objectContaining({
        title: 'Ordinary title',
        body: 'Ordinary body',
        recipientId: 1,
        note: 'please use [REDACTED] for the export',
        reference: '[REDACTED]',
      }),
    );
    expect(JSON.stringify(logged.body)).toContain('deep-ordinary');
    const failedLine = s.logs.forRequest(requestIds[3]).find((l) => l.msg === 'request failed');
    expect(['INTERNAL_ERROR', 'VALIDATION_ERROR']).toContain(failedLine?.code);
    expect((failedLine?.err as { message: string }).message).toContain('out of range');
  });

  it('keeps tokens of every detected format out of logs, bodies and the audit trail, from a body, a path, a header and a query', async () => {
    const sent: string[] = [];
    const note = [
      `aws ${TOKENS.awsKey}`,
      `github ${TOKENS.githubToken}`,
      `slack ${TOKENS.slackToken}`,
      `hook ${webhook}`,
      `stripe ${TOKENS.stripeKey}`,
      `google ${TOKENS.googleKey}`,
      `db ${databaseUrl}`,
    ].join('\n');
    const headers = {
      'X-Trace-Note': `${TOKENS.slackToken} ${TOKENS.stripeKey} ${TOKENS.awsKey}`,
      'X-Upstream': databaseUrl,
      'X-Callback': webhook,
    };
    const query = `q=${encodeURIComponent(`find ${TOKENS.googleKey} and ${TOKENS.githubToken}`)}&next=${encodeURIComponent(databaseUrl)}`;

    // A body field (a validation failure logs the body), a header, a query value.
    const invalid = await s
      .http()
      .post(`/notifications?${query}`)
      .set(headers)
      .set('Authorization', `Bearer ${admin}`)
      .send({ recipientId: 1, title: 'Ordinary title', body: 'Ordinary body', note });
    expect(invalid.status).toBe(400);
    sent.push(invalid.text);

    // Paths: the request line's URL and the audit record's resource id.
    for (const token of [
      TOKENS.awsKey,
      TOKENS.githubToken,
      TOKENS.stripeKey,
      TOKENS.googleKey,
      TOKENS.slackToken,
    ]) {
      const res = await s
        .http()
        .post(`/notifications/${token}/read?${query}`)
        .set(headers)
        .set('Authorization', `Bearer ${admin}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      sent.push(res.text);
      await s.logs.request(res.headers['x-request-id'] as string);
    }
    // A path holding credentials in a URL, percent-encoded.
    const encodedUrl = await s
      .http()
      .get(`/notifications/${encodeURIComponent(databaseUrl)}`)
      .set('Authorization', `Bearer ${admin}`);
    sent.push(encodedUrl.text);
    await s.logs.request(invalid.headers['x-request-id'] as string);
    await s.logs.request(encodedUrl.headers['x-request-id'] as string);

    const audit = s.app.get(AuditService);
    await audit.flush();
    const stored = (await audit.query({ kind: 'audit', limit: 500 })).items;
    const everything = [...s.logs.raw, ...sent, JSON.stringify(stored)].join('\n');
    for (const [name, token] of Object.entries(TOKENS)) {
      expect({ name, found: everything.includes(token) }).toEqual({ name, found: false });
    }

    // The rest stays readable: the header and the text around the tokens are logged.
    const line = s.logs
      .forRequest(invalid.headers['x-request-id'] as string)
      .find((l) => l.msg === 'request failed');
    const logged = line?.request as { headers: Record<string, string>; body: Record<string, string> };
    expect(logged.headers['x-upstream']).toBe('postgres://app:[REDACTED]@db.internal:5432/app');
    expect(logged.headers['x-callback']).toBe('https://hooks.slack.com/services/[REDACTED]');
    expect(logged.body.note).toContain('github [REDACTED]');
  });
});
