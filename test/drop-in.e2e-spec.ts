import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  HttpException,
  NotFoundException,
  Post,
  UnprocessableEntityException,
  ValidationPipe,
} from '@nestjs/common';
import { IsEmail, IsString } from 'class-validator';
import {
  AppError,
  type ErrorHandlingModuleOptions,
  NotFoundError,
  PermissionDeniedError,
} from 'nestjs-faultline';
import { startFixture, type FixtureApp } from './support/fixture-app';

class SignupDto {
  @IsEmail()
  email!: string;

  @IsString()
  name!: string;
}

/** Routes shaped like an existing service's. */
@Controller()
class LegacyController {
  @Get('missing')
  missing(): never {
    throw new NotFoundError('Order', 7);
  }

  @Get('nest-missing')
  nestMissing(): never {
    throw new NotFoundException('Order 7 does not exist');
  }

  @Get('boom')
  boom(): never {
    throw new Error('db password=hunter2 failed');
  }

  @Get('nest-boom')
  nestBoom(): never {
    throw new HttpException('upstream leaked password=hunter2', 502);
  }

  @Get('quota')
  quota(): never {
    throw new AppError('Monthly quota reached', 'QUOTA_EXCEEDED', { status: 403 });
  }

  @Get('forbidden')
  forbidden(): never {
    throw new PermissionDeniedError();
  }

  @Get('nest-forbidden')
  nestForbidden(): never {
    throw new ForbiddenException();
  }

  @Get('cached')
  @Header('Cache-Control', 'public, max-age=60')
  cached(): never {
    throw new NotFoundError('Page');
  }

  @Post('contract')
  contract(): never {
    throw new UnprocessableEntityException({ status: 422, errors: { email: 'is already taken' } });
  }

  @Post('signup')
  @HttpCode(201)
  signup(@Body() dto: SignupDto): { email: string } {
    return { email: dto.email };
  }
}

describe('dropping into an existing service', () => {
  let f: FixtureApp | undefined;
  const start = async (
    options: ErrorHandlingModuleOptions,
    setup?: Parameters<typeof startFixture>[4],
  ): Promise<FixtureApp> => {
    f = await startFixture(
      [LegacyController],
      { audit: false, health: false, ...options },
      undefined,
      [],
      setup,
    );
    return f;
  };
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  describe('headers', () => {
    it("merges into the application's Vary (CORS's Origin), never overwriting it", async () => {
      // More than one origin: the answer varies by Origin (with Express's cors and @fastify/cors).
      const app = await start({}, (a) =>
        a.enableCors({ origin: ['https://shop.example', 'https://admin.example'] }),
      );
      const res = await app.http().get('/missing').set('Origin', 'https://shop.example');
      expect(res.status).toBe(404);
      const vary = String(res.headers.vary)
        .split(',')
        .map((t) => t.trim().toLowerCase());
      expect(vary).toEqual(expect.arrayContaining(['origin', 'accept', 'accept-language']));
      expect(vary.filter((t) => t === 'origin')).toHaveLength(1);
      expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    });

    it('varies by nothing it does not negotiate: one format and one language leave Vary alone', async () => {
      const app = await start({ formats: ['json'], catalogs: {}, defaultLanguage: 'en' });
      const res = await app.http().get('/missing');
      // Two catalogs ship (en, ko): the language is negotiated; the format is not.
      expect(res.headers.vary).toBe('Accept-Language');
    });

    it('sends Content-Language only for a body whose every text is in that language', async () => {
      const app = await start({ debug: false });
      // A hidden server error: title and detail both from the Korean catalog.
      const hidden = await app.http().get('/boom').set('Accept-Language', 'ko');
      expect(hidden.status).toBe(500);
      expect(hidden.headers['content-language']).toBe('ko');
      expect(hidden.body.title).not.toBe('Internal Server Error');
      // The application's own message is in whatever language it wrote it.
      const own = await app.http().get('/quota').set('Accept-Language', 'ko');
      expect(own.body.detail).toBe('Monthly quota reached');
      expect(own.headers['content-language']).toBeUndefined();
      const english = await app.http().get('/boom');
      expect(english.headers['content-language']).toBe('en');
    });

    it('sends no-store by default, the configured Cache-Control, or leaves the application its own', async () => {
      let app = await start({});
      expect((await app.http().get('/missing')).headers['cache-control']).toBe('no-store');
      await app.close();
      app = await start({ cacheControl: 'no-cache, private' });
      expect((await app.http().get('/missing')).headers['cache-control']).toBe('no-cache, private');
      await app.close();
      app = await start({ cacheControl: false });
      expect((await app.http().get('/cached')).headers['cache-control']).toBe('public, max-age=60');
      expect((await app.http().get('/missing')).headers['cache-control']).toBeUndefined();
    });

    it('stops start-up on a Cache-Control that is not a header value, naming the option', async () => {
      await expect(start({ cacheControl: 'no-store\r\nSet-Cookie: x=1' })).rejects.toThrow(/cacheControl/);
    });
  });

  describe('formats', () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

    it("answers a browser with JSON when formats is ['json']", async () => {
      const app = await start({ formats: ['json'] });
      const res = await app.http().get('/missing').set('Accept', browser);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('answers JSON only with a responseFormatter, unless formats says otherwise', async () => {
      const formatter = (p: { detail: string; code: string }) => ({ error: p.detail, code: p.code });
      let app = await start({ responseFormatter: formatter });
      const json = await app.http().get('/missing').set('Accept', browser);
      expect(json.body).toEqual({ error: 'Order not found: 7', code: 'NOT_FOUND' });
      expect((await app.http().get('/missing').set('Accept', 'text/plain')).body).toEqual({
        error: 'Order not found: 7',
        code: 'NOT_FOUND',
      });
      await app.close();
      app = await start({ responseFormatter: formatter, formats: ['json', 'html'] });
      expect((await app.http().get('/missing').set('Accept', browser)).headers['content-type']).toMatch(
        /^text\/html/,
      );
    });

    it("serves the application's own HTML page with Faultline's headers", async () => {
      const app = await start({
        htmlRenderer: (p, ctx) => `<!doctype html><h1>Oops ${p.status}</h1><p>${ctx.language}</p>`,
      });
      const res = await app.http().get('/missing').set('Accept', browser);
      expect(res.status).toBe(404);
      expect(res.text).toBe('<!doctype html><h1>Oops 404</h1><p>en</p>');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      expect(res.headers['content-security-policy']).toEqual(expect.any(String));
    });
  });

  describe("compat: 'nest'", () => {
    it("answers in Nest's own shape, with the request id header and one log line", async () => {
      const app = await start({ compat: 'nest', debug: false });
      const nest = await app.http().get('/nest-missing');
      expect(nest.status).toBe(404);
      expect(nest.headers['content-type']).toMatch(/^application\/json/);
      expect(nest.body).toEqual({ statusCode: 404, message: 'Order 7 does not exist', error: 'Not Found' });
      const requestId = String(nest.headers['x-request-id']);
      const lines = await app.pino.request(requestId);
      expect(lines.filter((l) => l.msg === 'request failed')).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', status: 404 }),
      ]);
      const own = await app.http().get('/missing');
      expect(own.body).toEqual({ statusCode: 404, message: 'Order not found: 7', error: 'Not Found' });
      const route = await app.http().get('/no-such-route?token=s3cret');
      expect(route.body).toEqual({
        statusCode: 404,
        message: 'Cannot GET /no-such-route',
        error: 'Not Found',
      });
    });

    it('still shows nothing of a server error', async () => {
      const app = await start({ compat: 'nest', debug: false });
      expect((await app.http().get('/boom')).body).toEqual({
        statusCode: 500,
        message: 'Internal server error',
      });
      const upstream = await app.http().get('/nest-boom');
      expect(upstream.status).toBe(502);
      expect(upstream.body).toEqual({ statusCode: 502, message: 'Internal server error' });
      expect(upstream.text).not.toContain('hunter2');
    });

    it("keeps the application's own ValidationPipe and its 422 contract, stepping its own pipe aside", async () => {
      const app = await start({ compat: 'nest' }, (a) =>
        a.useGlobalPipes(new ValidationPipe({ whitelist: true, errorHttpStatusCode: 422 })),
      );
      const bad = await app.http().post('/signup').send({ email: 'nope', name: 'x' });
      expect(bad.status).toBe(422);
      expect(bad.body).toEqual({
        statusCode: 422,
        message: ['email must be an email'],
        error: 'Unprocessable Entity',
      });
      // Unknown fields are stripped by the application's pipe, not rejected by Faultline's.
      const ok = await app.http().post('/signup').send({ email: 'a@example.com', name: 'x', extra: 1 });
      expect(ok.status).toBe(201);
      expect(
        app.logs.entries.filter((e) => e.message.includes("Faultline's validation pipe steps aside")),
      ).toHaveLength(1);
    });
  });

  describe("compat: 'http-exception-body'", () => {
    it("sends an HttpException's own body and a problem body for the rest", async () => {
      const app = await start({ compat: 'http-exception-body', debug: false });
      // A detail the client got in its language, not the error's own message: on the line as `detail`.
      const hidden = await app.http().get('/missing').set('Accept-Language', 'ko');
      const [hiddenLine] = (await app.pino.request(String(hidden.headers['x-request-id']))).filter(
        (l) => l.msg === 'request failed',
      );
      expect(hidden.body.detail).not.toBe('Order not found: 7');
      expect(hiddenLine.detail).toBe(hidden.body.detail);
      const contract = await app.http().post('/contract');
      expect(contract.status).toBe(422);
      expect(contract.body).toEqual({ status: 422, errors: { email: 'is already taken' } });
      const own = await app.http().get('/missing');
      expect(own.body).toEqual(
        expect.objectContaining({ type: 'about:blank', code: 'NOT_FOUND', status: 404 }),
      );
    });
  });

  describe('validation', () => {
    it('answers 422 with errorStatus: 422, the code staying VALIDATION_ERROR', async () => {
      const app = await start({ validation: { errorStatus: 422 } });
      const res = await app.http().post('/signup').send({ email: 'nope', name: 'x' });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(expect.objectContaining({ code: 'VALIDATION_ERROR', status: 422 }));
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['#/email']);
    });

    it('runs both pipes when validation is set explicitly, and says so', async () => {
      const app = await start({ validation: {} }, (a) =>
        a.useGlobalPipes(new ValidationPipe({ whitelist: true })),
      );
      const res = await app.http().post('/signup').send({ email: 'a@example.com', name: 'x', extra: 1 });
      // Faultline's pipe forbids unknown fields and runs first.
      expect(res.status).toBe(400);
      expect(
        app.logs.entries.filter((e) => e.level === 'warn' && e.message.includes('both run')),
      ).toHaveLength(1);
    });

    it('stops start-up on an errorStatus other than 400 or 422', async () => {
      await expect(start({ validation: { errorStatus: 418 as 422 } })).rejects.toThrow(
        /validation\.errorStatus/,
      );
    });
  });

  describe('security events by code', () => {
    const securityLines = (app: FixtureApp, requestId: string) =>
      app.pino.lines.filter((l) => l.channel === 'security' && l.requestId === requestId);

    it('records PERMISSION_DENIED and a Nest 403, not a business 403 such as QUOTA_EXCEEDED', async () => {
      const app = await start({ audit: {} });
      const denied = await app.http().get('/forbidden');
      const nest = await app.http().get('/nest-forbidden');
      const quota = await app.http().get('/quota');
      expect([denied.status, nest.status, quota.status]).toEqual([403, 403, 403]);
      for (const res of [denied, nest]) {
        const id = String(res.headers['x-request-id']);
        await app.pino.waitFor(() => securityLines(app, id).length > 0);
        expect(securityLines(app, id)).toEqual([expect.objectContaining({ action: 'PERMISSION_DENIED' })]);
      }
      // The quota's request line is written after its security event would have been.
      const quotaId = String(quota.headers['x-request-id']);
      await app.pino.request(quotaId);
      expect(securityLines(app, quotaId)).toEqual([]);
    });

    it("records the application's own codes it marks, and not a built-in one it takes off", async () => {
      const app = await start({
        audit: { security: { codes: { QUOTA_EXCEEDED: 'RATE_LIMIT_HIT', PERMISSION_DENIED: null } } },
      });
      const quota = await app.http().get('/quota');
      const quotaId = String(quota.headers['x-request-id']);
      await app.pino.waitFor(() => securityLines(app, quotaId).length > 0);
      expect(securityLines(app, quotaId)).toEqual([
        expect.objectContaining({ action: 'RATE_LIMIT_HIT', errorCode: 'QUOTA_EXCEEDED', status: 403 }),
      ]);
      const denied = await app.http().get('/forbidden');
      const deniedId = String(denied.headers['x-request-id']);
      await app.pino.request(deniedId);
      expect(securityLines(app, deniedId)).toEqual([]);
    });

    it('stops start-up on a kind it does not know, naming the code', async () => {
      await expect(
        start({ audit: { security: { codes: { QUOTA_EXCEEDED: 'QUOTA' as 'RATE_LIMIT_HIT' } } } }),
      ).rejects.toThrow(/audit\.security\.codes\.QUOTA_EXCEEDED/);
    });
  });

  describe('the failure line of an expected 4xx', () => {
    it('carries the detail and field errors the client was told, and an HttpException body of its own, redacted', async () => {
      const app = await start({});
      const invalid = await app.http().post('/signup').send({ email: 'nope', name: 'x' });
      const [line] = (await app.pino.request(String(invalid.headers['x-request-id']))).filter(
        (l) => l.msg === 'request failed',
      );
      expect(line).toEqual(
        expect.objectContaining({
          level: 40,
          code: 'VALIDATION_ERROR',
          // The detail is the error's own message here: on the line once, as err.message.
          err: expect.objectContaining({ message: invalid.body.detail }),
          errors: [expect.objectContaining({ pointer: '#/email', code: 'isEmail' })],
        }),
      );
      // A detail the client got in its language, not the error's own message: on the line as `detail`.
      const hidden = await app.http().get('/missing').set('Accept-Language', 'ko');
      const [hiddenLine] = (await app.pino.request(String(hidden.headers['x-request-id']))).filter(
        (l) => l.msg === 'request failed',
      );
      expect(hidden.body.detail).not.toBe('Order not found: 7');
      expect(hiddenLine.detail).toBe(hidden.body.detail);
      const contract = await app.http().post('/contract');
      const [contractLine] = (await app.pino.request(String(contract.headers['x-request-id']))).filter(
        (l) => l.msg === 'request failed',
      );
      expect(contractLine.err).toEqual(
        expect.objectContaining({ response: { status: 422, errors: { email: 'is already taken' } } }),
      );
    });
  });
});
