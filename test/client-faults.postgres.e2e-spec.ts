import { LEVEL } from './support/log-capture';
import { startSample, type SampleHarness } from './support/sample-app';
import { describeWith, TEST_DATABASE_URL } from './support/services';

// The client faults of client-faults.e2e-spec.ts that reach the database, on real PostgreSQL
// through `pg`: the same SQLSTATEs, the same 400 answers as on PGlite.

describeWith('postgres')('client faults on PostgreSQL (sample app)', () => {
  let s: SampleHarness;
  let alice: string;
  let admin: string;

  beforeAll(async () => {
    s = await startSample({ debug: false, databaseUrl: TEST_DATABASE_URL });
    alice = await s.login('alice');
    admin = await s.login('admin');
  });
  afterAll(() => s?.close());

  it('answers POST /notifications/99999999999/read (beyond int4, SQLSTATE 22003) with 400, logged at warn', async () => {
    const res = await s
      .http()
      .post('/notifications/99999999999/read')
      .set('Authorization', `Bearer ${alice}`);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      expect.objectContaining({ status: 400, code: 'VALIDATION_ERROR', detail: 'A number is out of range' }),
    );
    expect(JSON.stringify({ ...res.body, instance: undefined })).not.toMatch(
      /99999999999|out of range for type|UPDATE|127\.0\.0\.1|5432/,
    );
    const requestId = res.headers['x-request-id'] as string;
    const lines = await s.logs.waitFor((all) =>
      all.some((l) => l.requestId === requestId && l.code === 'VALIDATION_ERROR'),
    );
    const own = lines.filter((l) => l.requestId === requestId);
    expect(own.filter((l) => l.level >= LEVEL.error)).toEqual([]);
    expect(own.find((l) => l.code === 'VALIDATION_ERROR')?.level).toBe(LEVEL.warn);
  });

  it.each(['since=2024-02-30', 'until=0000-01-01', 'limit=1e2', 'cursor=WyIyMDI0LTAyLTMwIl0'])(
    'answers GET /admin/audit?%s with a 400 field error before anything reaches SQL',
    async (query) => {
      const res = await s.http().get(`/admin/audit?${query}`).set('Authorization', `Bearer ${admin}`);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: query.split('=')[0] })]);
    },
  );
});
