import { AuditService, SecurityEvents, type AuditEvent, type SuspiciousActivity } from 'nestjs-faultline';
import { startSample, type SampleHarness } from './support/sample-app';

async function flushed(s: SampleHarness): Promise<void> {
  await s.app.get(AuditService).flush();
}

function subOf(token: string): number {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as number;
}

describe('audit trail and security events (sample app on PGlite)', () => {
  let s: SampleHarness;
  let admin: string;
  let alice: string;

  beforeAll(async () => {
    s = await startSample({ debug: false });
    admin = await s.login('admin');
    alice = await s.login('alice');
  });
  afterAll(() => s.close());

  const auditRows = async (query: string): Promise<{ items: AuditEvent[]; nextCursor?: string }> => {
    await flushed(s);
    const res = await s.http().get(`/admin/audit?${query}`).set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('records a successful NOTIFICATION_CREATE with actor, resource, request and captured body', async () => {
    const res = await s
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${admin}`)
      .set('User-Agent', 'audit-test')
      .send({ recipientId: subOf(alice), title: 'Audited', body: 'hello' });
    expect(res.status).toBe(201);
    const { items } = await auditRows('action=NOTIFICATION_CREATE&limit=5');
    const row = items.find((e) => e.requestId === res.headers['x-request-id']);
    expect(row).toEqual(
      expect.objectContaining({
        kind: 'audit',
        action: 'NOTIFICATION_CREATE',
        outcome: 'success',
        status: 201,
        actorId: String(subOf(admin)),
        resourceType: 'notification',
        resourceId: String(res.body.id),
        method: 'POST',
        route: '/notifications',
        userAgent: 'audit-test',
        ip: expect.any(String),
        durationMs: expect.any(Number),
        data: { body: { recipientId: subOf(alice), title: 'Audited', body: 'hello' } },
      }),
    );
  });

  it("records alice's POST /notifications, rejected by the admin guard, as a NOTIFICATION_CREATE failure", async () => {
    const res = await s
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${alice}`)
      .send({ recipientId: 1, title: 't', body: 'b' });
    expect(res.status).toBe(403);
    const { items } = await auditRows(`action=NOTIFICATION_CREATE&actorId=${subOf(alice)}`);
    expect(items).toEqual([
      expect.objectContaining({
        outcome: 'failure',
        status: 403,
        errorCode: 'PERMISSION_DENIED',
        requestId: res.headers['x-request-id'],
        actorId: String(subOf(alice)),
      }),
    ]);
    // The attempted body is kept (redacted), to show what was tried.
    expect(items[0].data).toEqual({ body: { recipientId: 1, title: 't', body: 'b' } });
  });

  it('records a 404 as a NOTIFICATION_MARK_READ failure with the resource id', async () => {
    const res = await s.http().post('/notifications/999111/read').set('Authorization', `Bearer ${alice}`);
    expect(res.status).toBe(404);
    const { items } = await auditRows('action=NOTIFICATION_MARK_READ');
    expect(items.find((e) => e.requestId === res.headers['x-request-id'])).toEqual(
      expect.objectContaining({
        outcome: 'failure',
        status: 404,
        errorCode: 'NOT_FOUND',
        resourceId: '999111',
      }),
    );
  });

  it('records a 401 as an AUTH_REQUIRED security event, and logins as LOGIN_SUCCESS / LOGIN_FAILED without the password', async () => {
    const unauthenticated = await s.http().post('/notifications/read-all');
    expect(unauthenticated.status).toBe(401);
    const failedLogin = await s
      .http()
      .post('/auth/login')
      .send({ username: 'alice', password: 'not-her-password-xyz' });
    expect(failedLogin.status).toBe(401);
    await flushed(s);
    const res = await s.http().get('/admin/security-events?limit=50').set('Authorization', `Bearer ${admin}`);
    const events = res.body.items as AuditEvent[];
    expect(events.every((e) => e.kind === 'security')).toBe(true);
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['AUTH_REQUIRED', 'LOGIN_FAILED', 'LOGIN_SUCCESS']));
    const authRequired = events.find((e) => e.requestId === unauthenticated.headers['x-request-id']);
    expect(authRequired).toEqual(
      expect.objectContaining({ action: 'AUTH_REQUIRED', outcome: 'failure', status: 401 }),
    );
    const failed = events.find((e) => e.requestId === failedLogin.headers['x-request-id']);
    expect(failed).toEqual(
      expect.objectContaining({ action: 'LOGIN_FAILED', outcome: 'failure', data: { username: 'alice' } }),
    );
    expect(JSON.stringify(events)).not.toContain('not-her-password-xyz');
    // The unauthenticated MARK_ALL_READ is an audit failure too.
    const { items } = await auditRows('action=MARK_ALL_READ');
    expect(items.find((e) => e.requestId === unauthenticated.headers['x-request-id'])).toEqual(
      expect.objectContaining({ outcome: 'failure', status: 401, errorCode: 'UNAUTHENTICATED' }),
    );
  });

  it('pages through the audit trail with a cursor, newest first, and filters by time', async () => {
    for (let i = 0; i < 5; i++) {
      await s.http().post('/notifications/read-all').set('Authorization', `Bearer ${alice}`).expect(200);
    }
    const first = await auditRows(`action=MARK_ALL_READ&actorId=${subOf(alice)}&limit=2`);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await auditRows(
      `action=MARK_ALL_READ&actorId=${subOf(alice)}&limit=2&cursor=${first.nextCursor}`,
    );
    const ids = [...first.items, ...second.items].map((e) => e.id);
    expect(new Set(ids).size).toBe(4);
    const times = [...first.items, ...second.items].map((e) => new Date(e.timestamp).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const future = await auditRows(
      `since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.items).toEqual([]);
  });

  it('answers 403 to a non-admin and 400 to a bad query', async () => {
    expect((await s.http().get('/admin/audit').set('Authorization', `Bearer ${alice}`)).status).toBe(403);
    const bad = await s.http().get('/admin/audit?limit=100000').set('Authorization', `Bearer ${admin}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('#/limit');
  });

  it('writes every event to the audit / security log channels too', async () => {
    const res = await s.http().post('/notifications/read-all').set('Authorization', `Bearer ${alice}`);
    const lines = await s.logs.waitFor((all) =>
      all.some((l) => l.channel === 'audit' && l.requestId === res.headers['x-request-id']),
    );
    const line = lines.find((l) => l.channel === 'audit' && l.requestId === res.headers['x-request-id']);
    expect(line).toEqual(
      expect.objectContaining({ action: 'MARK_ALL_READ', outcome: 'success', msg: 'audit event' }),
    );
  });

  it('flags more than 10 failed logins from one ip in the window as suspicious, once', async () => {
    const seen: SuspiciousActivity[] = [];
    const stop = s.app.get(SecurityEvents).onSuspiciousActivity((a) => seen.push(a));
    for (let i = 0; i < 13; i++) {
      await s
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', '198.51.100.1')
        .send({ username: 'nobody', password: 'x' });
    }
    stop();
    await s.logs.waitFor((all) =>
      all.some((l) => l.msg === 'suspicious activity' && l.kind === 'LOGIN_FAILED'),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual(expect.objectContaining({ kind: 'LOGIN_FAILED', threshold: 10, count: 11 }));
    expect(
      s.logs.lines.filter((l) => l.msg === 'suspicious activity' && l.channel === 'security'),
    ).toHaveLength(1);
  });
});

describe('client ip behind a proxy', () => {
  it.each([
    [false, false],
    ['loopback', true],
  ] as const)(
    'with TRUST_PROXY=%s records X-Forwarded-For only when trusted',
    async (trustProxy, trusted) => {
      const s = await startSample({ debug: false, trustProxy });
      try {
        const res = await s.http().post('/notifications/read-all').set('X-Forwarded-For', '203.0.113.9');
        expect(res.status).toBe(401);
        await s.app.get(AuditService).flush();
        const { items } = await s.app.get(AuditService).query({ action: 'AUTH_REQUIRED', kind: 'security' });
        expect(items).toHaveLength(1);
        if (trusted) expect(items[0].ip).toBe('203.0.113.9');
        else expect(items[0].ip).toMatch(/127\.0\.0\.1|::1/);
      } finally {
        await s.close();
      }
    },
  );
});
