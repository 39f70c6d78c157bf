import { startSample, type SampleHarness } from './support/sample-app';
import { itOn } from './support/http-adapter';

const PROBLEM_JSON = /^application\/problem\+json/;

/** The members every problem body has, with the status and code expected. */
function expectProblem(body: Record<string, unknown>, status: number, code: string) {
  expect(body).toEqual(
    expect.objectContaining({
      type: 'about:blank',
      status,
      code,
      title: expect.any(String),
      detail: expect.any(String),
      instance: expect.stringMatching(/^\//),
      requestId: expect.any(String),
    }),
  );
  expect(body).not.toHaveProperty('debug');
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

describe('sample app (PGlite, production error bodies)', () => {
  let s: SampleHarness;
  let alice: string;
  let admin: string;
  let aliceId: number;
  let adminId: number;

  beforeAll(async () => {
    s = await startSample({ debug: false });
    alice = await s.login('alice');
    admin = await s.login('admin');
    aliceId = JSON.parse(Buffer.from(alice.split('.')[1], 'base64url').toString()).sub;
    adminId = JSON.parse(Buffer.from(admin.split('.')[1], 'base64url').toString()).sub;
  });
  afterAll(() => s.close());

  describe('POST /auth/login', () => {
    it('returns a bearer token for a seeded user', async () => {
      const res = await s.http().post('/auth/login').send({ username: 'alice', password: 'alice-password' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        token: expect.stringMatching(/^eyJ/),
        tokenType: 'Bearer',
        expiresIn: 3600,
      });
    });

    it('returns 401 INVALID_CREDENTIALS for a wrong password without saying which part was wrong', async () => {
      const res = await s.http().post('/auth/login').send({ username: 'alice', password: 'nope' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expectProblem(res.body, 401, 'INVALID_CREDENTIALS');
      expect(res.body.detail).toBe('Invalid username or password');
      const unknown = await s.http().post('/auth/login').send({ username: 'mallory', password: 'nope' });
      expect(unknown.body.detail).toBe(res.body.detail);
    });

    it('returns 400 VALIDATION_ERROR with pointers when fields are missing', async () => {
      const res = await s.http().post('/auth/login').send({ username: '' });
      expectProblem(res.body, 400, 'VALIDATION_ERROR');
      const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['#/username', '#/password']));
    });
  });

  describe('GET /notifications', () => {
    it('returns 401 problem+json without a token', async () => {
      const res = await s.http().get('/notifications');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expectProblem(res.body, 401, 'UNAUTHENTICATED');
      expect(res.body.instance).toBe('/notifications');
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    });

    it('returns 401 for a forged token', async () => {
      const forged = `${alice.slice(0, -4)}AAAA`;
      const res = await s.http().get('/notifications').set('Authorization', `Bearer ${forged}`);
      expectProblem(res.body, 401, 'UNAUTHENTICATED');
      expect(res.body.detail).toBe('The bearer token is invalid or expired');
    });

    it("lists only the caller's notifications", async () => {
      await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: aliceId, title: 'for alice', body: 'hello' })
        .expect(201);
      await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: adminId, title: 'for admin', body: 'hello' })
        .expect(201);
      const res = await s.http().get('/notifications').set('Authorization', `Bearer ${alice}`).expect(200);
      const titles = (res.body as { title: string; recipientId: number }[]).map((n) => n.title);
      expect(titles).toContain('for alice');
      expect(titles).not.toContain('for admin');
    });
  });

  describe('POST /notifications', () => {
    it('returns 403 PERMISSION_DENIED for a non-admin', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${alice}`)
        .send({ recipientId: aliceId, title: 't', body: 'b' });
      expect(res.status).toBe(403);
      expectProblem(res.body, 403, 'PERMISSION_DENIED');
    });

    it('creates a notification for an admin', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: aliceId, title: 'Welcome', body: 'Hi Alice' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          recipientId: aliceId,
          title: 'Welcome',
          readAt: null,
        }),
      );
    });

    it('returns 400 with field errors, JSON pointers and no rejected value', async () => {
      const secretish = 'VALUE-THAT-MUST-NOT-ECHO-123';
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: secretish, title: '', body: 42 });
      expect(res.status).toBe(400);
      expectProblem(res.body, 400, 'VALIDATION_ERROR');
      const errors = res.body.errors as { pointer: string; field: string; code: string; detail: string }[];
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ pointer: '#/recipientId', field: 'recipientId', code: 'isInt' }),
          expect.objectContaining({ pointer: '#/title', field: 'title', code: 'isNotEmpty' }),
          expect.objectContaining({ pointer: '#/body', field: 'body', code: 'isString' }),
        ]),
      );
      expect(JSON.stringify(res.body)).not.toContain(secretish);
    });

    it('rejects unknown properties', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: aliceId, title: 't', body: 'b', isAdmin: true });
      expectProblem(res.body, 400, 'VALIDATION_ERROR');
      expect(res.body.errors).toEqual([
        expect.objectContaining({ pointer: '#/isAdmin', code: 'whitelistValidation' }),
      ]);
    });

    it('returns 409 CONFLICT from a real foreign-key violation for an unknown recipient', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: 999999, title: 't', body: 'b' });
      expect(res.status).toBe(409);
      expectProblem(res.body, 409, 'CONFLICT');
      expect(res.body.detail).toBe('Foreign key constraint violated: notifications_recipient_id_fkey');
      expect(JSON.stringify(res.body)).not.toMatch(/999999|INSERT|Key \(/);
    });

    it('returns 400 MALFORMED_BODY for malformed JSON', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send('{"title": "x",');
      expect(res.status).toBe(400);
      expectProblem(res.body, 400, 'MALFORMED_BODY');
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    });

    it('returns 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ recipientId: aliceId, title: 't', body: 'x'.repeat(200_000) }));
      expect(res.status).toBe(413);
      expectProblem(res.body, 413, 'PAYLOAD_TOO_LARGE');
    });

    // Fastify's JSON parser reads every body as UTF-8, whatever its charset parameter says.
    itOn('express', "Fastify's JSON parser ignores the charset parameter")(
      'returns 415 for an unsupported charset',
      async () => {
        const res = await s
          .http()
          .post('/notifications')
          .set('Authorization', `Bearer ${admin}`)
          .set('Content-Type', 'application/json; charset=klingon')
          .send('{}');
        expect(res.status).toBe(415);
        expectProblem(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE');
      },
    );
  });

  describe('POST /notifications/:id/read and read-all', () => {
    let mine: number;
    let theirs: number;
    beforeAll(async () => {
      const a = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: aliceId, title: 'mine', body: 'b' });
      const b = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: adminId, title: 'theirs', body: 'b' });
      mine = a.body.id;
      theirs = b.body.id;
    });

    it("marks the caller's notification read", async () => {
      const res = await s.http().post(`/notifications/${mine}/read`).set('Authorization', `Bearer ${alice}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ id: mine, readAt: expect.any(String) }));
    });

    it('returns 404 problem body for an unknown notification', async () => {
      const res = await s.http().post('/notifications/987654/read').set('Authorization', `Bearer ${alice}`);
      expect(res.status).toBe(404);
      expectProblem(res.body, 404, 'NOT_FOUND');
      expect(res.body.detail).toBe('Notification not found: 987654');
    });

    it("returns 404 problem body for another user's notification", async () => {
      const res = await s
        .http()
        .post(`/notifications/${theirs}/read`)
        .set('Authorization', `Bearer ${alice}`);
      expect(res.status).toBe(404);
      expectProblem(res.body, 404, 'NOT_FOUND');
    });

    it('returns 400 for a non-numeric id', async () => {
      const res = await s.http().post('/notifications/abc/read').set('Authorization', `Bearer ${alice}`);
      expectProblem(res.body, 400, 'BAD_REQUEST');
    });

    it('marks all read and returns the count', async () => {
      await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .send({ recipientId: aliceId, title: 'unread', body: 'b' })
        .expect(201);
      const res = await s.http().post('/notifications/read-all').set('Authorization', `Bearer ${alice}`);
      expect(res.status).toBe(200);
      expect(res.body.count).toBeGreaterThanOrEqual(1);
      const again = await s.http().post('/notifications/read-all').set('Authorization', `Bearer ${alice}`);
      expect(again.body).toEqual({ count: 0 });
    });
  });

  describe('unknown routes and demo faults', () => {
    it('returns 404 NOT_FOUND for an unknown route, with a request id', async () => {
      const res = await s.http().get('/no/such/route');
      expect(res.status).toBe(404);
      expectProblem(res.body, 404, 'NOT_FOUND');
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    });

    it('returns 409 CONFLICT from a real unique violation on PGlite, naming only the constraint', async () => {
      const res = await s.http().get('/demo/conflict');
      expect(res.status).toBe(409);
      expectProblem(res.body, 409, 'CONFLICT');
      expect(res.body.constraint).toBe('demo_items_key_unique');
      expect(JSON.stringify(res.body)).not.toMatch(/demo-[0-9a-f-]{36}|duplicate key|INSERT/);
    });

    it('returns 500 with a fixed detail and nothing of the thrown message for /demo/boom', async () => {
      const res = await s.http().get('/demo/boom');
      expect(res.status).toBe(500);
      expectProblem(res.body, 500, 'INTERNAL_ERROR');
      expect(res.body.detail).toBe('An unexpected error occurred.');
      expect(JSON.stringify(res.body)).not.toMatch(/Kaboom|SELECT|secret-module|\/srv\//);
    });

    it('logs a 500 once at error with its stack, and a 404 never at error', async () => {
      const boom = await s.http().get('/demo/boom');
      const lines = await s.logs.request(boom.body.requestId);
      expect(lines).toHaveLength(1);
      expect(lines[0].channel).toBeUndefined();
      expect(lines[0].level).toBe(50);
      expect((lines[0].err as { stack: string }).stack).toContain('DemoController.boom');
      const missing = await s
        .http()
        .post('/notifications/424242/read')
        .set('Authorization', `Bearer ${alice}`);
      const notFound = await s.logs.request(missing.body.requestId);
      // The request line, and the audit channel's record of the failed NOTIFICATION_MARK_READ.
      expect(notFound.filter((l) => l.channel === undefined)).toHaveLength(1);
      expect(notFound.map((l) => l.channel ?? 'request')).toEqual(['audit', 'request']);
      expect(notFound.every((l) => l.level < 50)).toBe(true);
    });

    it('runs the purge job through Jobs: a failed run is logged once as the job, redacted, and counted', async () => {
      const ok = await s.http().post('/demo/job').expect(200);
      expect(ok.body).toEqual({ job: 'purge-read-notifications', outcome: 'succeeded' });
      const failed = await s.http().post('/demo/job?fail=1').expect(200);
      expect(failed.body).toEqual({ job: 'purge-read-notifications', outcome: 'failed' });
      await s.logs.waitFor((lines) => lines.some((l) => l.msg === 'job failed'));
      const jobLines = s.logs.lines.filter((l) => l.msg === 'job failed');
      expect(jobLines).toEqual([
        expect.objectContaining({
          level: 50,
          job: 'purge-read-notifications',
          jobId: expect.any(String),
          code: 'INTERNAL_ERROR',
        }),
      ]);
      expect(JSON.stringify(s.logs.lines)).not.toContain('demo-job-secret-7c1e');
      const metrics = await s.http().get('/metrics').expect(200);
      expect(metrics.text).toContain(
        'faultline_jobs_total{job_name="purge-read-notifications",outcome="failed"} 1',
      );
      expect(metrics.text).toContain(
        'faultline_jobs_total{job_name="purge-read-notifications",outcome="succeeded"} 1',
      );
    });

    it.each(['string', 'null', 'object', 'circular', 'getter'])(
      'answers a thrown %s with a 500 problem body',
      async (kind) => {
        const res = await s.http().get(`/demo/throw?kind=${kind}`);
        expect(res.status).toBe(500);
        expectProblem(res.body, 500, 'INTERNAL_ERROR');
        expect(JSON.stringify(res.body)).not.toMatch(/passwd|looks like|getter exploded/);
      },
    );

    it('answers GET /demo/slow after the wait', async () => {
      const res = await s.http().get('/demo/slow?ms=50');
      expect(res.body).toEqual({ sleptMs: 50 });
    });
  });

  describe('request ids', () => {
    it('keeps a sane incoming X-Request-Id', async () => {
      const res = await s.http().get('/notifications').set('X-Request-Id', 'abc-123._XYZ');
      expect(res.headers['x-request-id']).toBe('abc-123._XYZ');
      expect(res.body.requestId).toBe('abc-123._XYZ');
    });

    it('replaces an incoming X-Request-Id of bad shape', async () => {
      const res = await s.http().get('/notifications').set('X-Request-Id', 'bad id <script>');
      expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const long = await s.http().get('/notifications').set('X-Request-Id', 'a'.repeat(129));
      expect(long.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('sets X-Request-Id on successful responses too', async () => {
      const res = await s
        .http()
        .get('/notifications')
        .set('Authorization', `Bearer ${alice}`)
        .set('X-Request-Id', 'ok-1');
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe('ok-1');
    });
  });

  describe('content negotiation and languages', () => {
    it('answers a browser with an HTML page, escaped', async () => {
      const res = await s
        .http()
        .get('/no/<script>alert(1)</script>')
        .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<h1>Not Found');
      expect(res.text).toContain('NOT_FOUND');
      expect(res.text).not.toContain('<script>alert(1)</script>');
    });

    it('answers text/plain with a text page', async () => {
      const res = await s.http().get('/notifications').set('Accept', 'text/plain');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^401 Unauthorized\n/);
      expect(res.text).toContain('UNAUTHENTICATED');
    });

    it('answers Accept-Language: ko with Korean titles and fixed details', async () => {
      const res = await s.http().get('/notifications').set('Accept-Language', 'ko-KR,ko;q=0.9,en;q=0.5');
      expect(res.body.title).toBe('인증 필요');
      // The sample guard's own message ("A bearer token is required") is the app's English:
      // the body is not all Korean, so no Content-Language says it is.
      expect(res.body.detail).toBe('A bearer token is required');
      expect(res.headers['content-language']).toBeUndefined();
      const boom = await s.http().get('/demo/boom').set('Accept-Language', 'ko');
      expect(boom.body.title).toBe('내부 서버 오류');
      expect(boom.body.detail).toBe('예기치 않은 오류가 발생했습니다.');
      expect(boom.headers['content-language']).toBe('ko');
    });

    it('falls back to English for an unknown language', async () => {
      const res = await s.http().get('/notifications').set('Accept-Language', 'fr-CH, fr;q=0.9');
      expect(res.body.title).toBe('Unauthorized');
    });
  });
});

describe('sample app in debug mode', () => {
  let s: SampleHarness;
  beforeAll(async () => {
    s = await startSample({ debug: true });
  });
  afterAll(() => s.close());

  it('adds the stack, cause chain and redacted request to JSON bodies', async () => {
    const res = await s
      .http()
      .get('/demo/boom?token=abc123secret')
      .set('Authorization', 'Bearer abc.def.ghi');
    expect(res.status).toBe(500);
    expect(res.body.detail).toBe('An unexpected error occurred.');
    expect(res.body.debug.message).toContain('Kaboom');
    expect(res.body.debug.stack.join('\n')).toContain('DemoController.boom');
    expect(res.body.debug.request.headers.authorization).toBe('[REDACTED]');
    expect(res.body.debug.request.query.token).toBe('[REDACTED]');
    expect(JSON.stringify(res.body)).not.toContain('abc123secret');
  });

  it('shows a debug page to browsers', async () => {
    const res = await s.http().get('/demo/boom').set('Accept', 'text/html');
    expect(res.text).toContain('Debug information');
    expect(res.text).toContain('Kaboom');
  });
});
