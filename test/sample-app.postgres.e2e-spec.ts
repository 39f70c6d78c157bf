import { describeWith, TEST_DATABASE_URL } from './support/services';
import { startSample, type SampleHarness } from './support/sample-app';

describeWith('postgres')('sample app on PostgreSQL', () => {
  let s: SampleHarness;

  beforeAll(async () => {
    s = await startSample({ debug: false, databaseUrl: TEST_DATABASE_URL });
  });
  afterAll(() => s?.close());

  it('returns 409 CONFLICT from a real unique violation, naming only the constraint', async () => {
    const res = await s.http().get('/demo/conflict');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(
      expect.objectContaining({
        status: 409,
        code: 'CONFLICT',
        detail: 'Unique constraint violated: demo_items_key_unique',
        constraint: 'demo_items_key_unique',
      }),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/demo-[0-9a-f-]{36}|duplicate key|INSERT|127\.0\.0\.1|5432/);
  });

  it('creates the schema idempotently and serves the notification routes', async () => {
    const admin = await s.login('admin');
    const alice = await s.login('alice');
    const aliceId = JSON.parse(Buffer.from(alice.split('.')[1], 'base64url').toString()).sub as number;
    const created = await s
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${admin}`)
      .send({ recipientId: aliceId, title: 'pg', body: 'on postgres' })
      .expect(201);
    const read = await s
      .http()
      .post(`/notifications/${created.body.id}/read`)
      .set('Authorization', `Bearer ${alice}`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    const other = await s
      .http()
      .post(`/notifications/${created.body.id}/read`)
      .set('Authorization', `Bearer ${admin}`);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
  });

  it('returns 409 for an unknown recipient (a real foreign-key violation)', async () => {
    const admin = await s.login('admin');
    const res = await s
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${admin}`)
      .send({ recipientId: 2147480000, title: 't', body: 'b' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('Foreign key constraint violated: notifications_recipient_id_fkey');
  });
});
