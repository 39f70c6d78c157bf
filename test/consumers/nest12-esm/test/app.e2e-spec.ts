import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { AuditService } from 'nestjs-faultline';
import { AppModule } from './../src/app.module.js';

describe('AppController (e2e)', () => {
  let app: INestApplication<App>;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer()).get('/').expect(200).expect('Hello World!');
  });

  it('answers a NotFoundError with a problem body and the request id', async () => {
    const res = await request(app.getHttpServer())
      .get('/things/42')
      .set('X-Request-Id', 'consumer-e2e-1')
      .expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('consumer-e2e-1');
    // toMatchObject: under NODE_ENV=test (set by the test runner) debug mode adds the stack.
    expect(res.body).toMatchObject({
      type: 'https://errors.example.com/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'Thing not found: 42',
      instance: '/things/42',
      code: 'NOT_FOUND',
      requestId: 'consumer-e2e-1',
    });
  });

  it('answers an unknown route with a problem body', async () => {
    const res = await request(app.getHttpServer()).get('/no-such-route').expect(404);
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('audits a call of an @Audit() handler', async () => {
    await request(app.getHttpServer()).post('/things/7/archive').expect(201);
    const audit = app.get(AuditService);
    expect(await audit.flush()).toBe(true);
    const { items } = await audit.query({ action: 'THING_ARCHIVE' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      action: 'THING_ARCHIVE',
      outcome: 'success',
      resourceType: 'thing',
      resourceId: '7',
      status: 201,
    });
  });

  it('serves /health, /ready and /metrics', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    await request(app.getHttpServer()).get('/ready').expect(200);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^http_requests_total\{/m);
  });

  afterEach(async () => {
    await app.close();
  });
});
