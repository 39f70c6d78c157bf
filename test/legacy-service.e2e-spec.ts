import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { configureLegacyApp, legacyModule } from './legacy-service/legacy.app';
import { withCapture } from './support/fixture-app';
import { describeOn } from './support/http-adapter';
import { LogCapture } from './support/log-capture';

/**
 * The legacy service's own e2e suite, written against Nest's default bodies: it runs as it is
 * without Faultline, and unchanged with Faultline and `compat: 'nest'`.
 */
function legacySuite(start: () => Promise<INestApplication>): void {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app.close());

  it('GET /api/users/1 answers the user', async () => {
    const res = await http().get('/api/users/1').expect(200);
    expect(res.body).toEqual({ id: 1, email: 'ada@example.com', name: 'Ada' });
  });

  it('GET /api/users/99 answers 404 with Nest’s body', async () => {
    const res = await http().get('/api/users/99').expect(404);
    expect(res.body).toEqual({ statusCode: 404, message: 'User 99 not found', error: 'Not Found' });
  });

  it('GET /api/users/abc answers 400 from ParseIntPipe', async () => {
    const res = await http().get('/api/users/abc').expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      message: 'Validation failed (numeric string is expected)',
      error: 'Bad Request',
    });
  });

  it('POST /api/users with invalid fields answers the 422 contract', async () => {
    const res = await http().post('/api/users').send({ email: 'nope', name: 'A' }).expect(422);
    expect(res.body).toEqual({
      status: 422,
      errors: { email: 'email must be an email', name: 'name must be longer than or equal to 2 characters' },
    });
  });

  it('POST /api/users strips unknown fields instead of rejecting them', async () => {
    const res = await http()
      .post('/api/users')
      .send({ email: 'grace@example.com', name: 'Grace', admin: true })
      .expect(201);
    expect(res.body).toEqual({ id: 2, email: 'grace@example.com', name: 'Grace' });
  });

  it('POST /api/users with a taken email answers the 422 contract', async () => {
    const res = await http().post('/api/users').send({ email: 'ada@example.com', name: 'Ada' }).expect(422);
    expect(res.body).toEqual({ status: 422, errors: { email: 'is already taken' } });
  });

  it('DELETE /api/users/1 answers 403', async () => {
    const res = await http().delete('/api/users/1').expect(403);
    expect(res.body).toEqual({
      statusCode: 403,
      message: 'Only admins can delete users',
      error: 'Forbidden',
    });
  });

  it('an unexpected error answers 500 with Nest’s generic body', async () => {
    const res = await http().get('/api/users/1/avatar').expect(500);
    expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
  });

  it('an unknown route answers 404', async () => {
    const res = await http().get('/api/nothing').expect(404);
    expect(res.body).toEqual({ statusCode: 404, message: 'Cannot GET /api/nothing', error: 'Not Found' });
  });

  it('errors keep CORS and helmet headers', async () => {
    const res = await http().get('/api/users/99').set('Origin', 'https://app.example.com').expect(404);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(res.headers.vary)).toMatch(/Origin/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
}

async function startLegacy(withFaultline: LogCapture | undefined): Promise<INestApplication> {
  const imports = withFaultline
    ? [ErrorHandlingModule.forRoot(withCapture({ compat: 'nest', audit: false }, withFaultline))]
    : [];
  const moduleRef = await Test.createTestingModule({ imports: [legacyModule(imports)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureLegacyApp(app);
  await app.init();
  return app;
}

// The legacy service is an Express app (helmet and its CORS as Express middleware).
describeOn('express', 'the legacy service runs on Express')('a legacy service’s own e2e suite', () => {
  describe('without Faultline', () => legacySuite(() => startLegacy(undefined)));

  describe("with Faultline and compat: 'nest'", () => {
    const logs = new LogCapture();
    legacySuite(() => startLegacy(logs));

    it('logs each failure once with its request id, the 422 contract’s own body on its line, the 500 redacted', async () => {
      // The lines of the suite above, which ran against this app.
      const failed = logs.lines.filter((l) => l.msg === 'request failed');
      expect(failed.map((l) => l.status).sort()).toEqual(
        expect.arrayContaining([400, 403, 404, 404, 422, 422, 500]),
      );
      expect(failed.every((l) => typeof l.requestId === 'string' && l.requestId !== '')).toBe(true);
      const validation = failed.find((l) => l.status === 422 && l.route === '/api/users');
      expect(validation?.err).toEqual(
        expect.objectContaining({ response: expect.objectContaining({ status: 422 }) }),
      );
      const crash = failed.find((l) => l.status === 500);
      expect(crash).toEqual(expect.objectContaining({ level: 50, code: 'INTERNAL_ERROR' }));
      expect(JSON.stringify(crash)).not.toContain('abc123');
    });
  });
});
