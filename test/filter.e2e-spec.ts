import type { ServerResponse } from 'node:http';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  Post,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import { IsString } from 'class-validator';
import {
  AppError,
  ERROR_HANDLING_MODULE_OPTIONS,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  FaultlineConfigError,
  RateLimitedError,
  ServiceUnavailableError,
} from 'nestjs-faultline';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { LogCapture } from './support/log-capture';

const quietLogging = () => ({
  format: 'json' as const,
  useAsNestLogger: false,
  destination: new LogCapture(),
});

class UpstreamError extends Error {}
class MaintenanceError extends AppError {
  constructor() {
    super('Down for maintenance until 10:00', 'MAINTENANCE', { status: 503, retryAfterSeconds: 600 });
  }
}

class NoteDto {
  @IsString()
  text!: string;
}

@Controller()
class FixtureController {
  @Get('rate-limited')
  rateLimited(): never {
    throw new RateLimitedError(30);
  }
  @Get('unavailable')
  unavailable(): never {
    throw new ServiceUnavailableError();
  }
  @Get('maintenance')
  maintenance(): never {
    throw new MaintenanceError();
  }
  @Get('http-503')
  http503(): never {
    throw new ServiceUnavailableException('db host pg-primary.internal:5432 is down');
  }
  @Get('status-like')
  statusLike(): never {
    throw { status: 400, statusCode: 400, message: 'I look like an HttpException' };
  }
  @Get('upstream')
  upstream(): never {
    throw new UpstreamError('socket hang up at 10.0.0.7');
  }
  @Get('with-cause')
  withCause(): never {
    throw new Error('outer failure', {
      cause: new Error('inner cause', { cause: new TypeError('root cause') }),
    });
  }
  @Get('coded-http')
  codedHttp(): never {
    throw new BadRequestException({ code: 'COUPON_EXPIRED', message: 'The coupon has expired' });
  }
  @Get('half-written')
  halfWritten(@Res() res: Response | { raw: ServerResponse }): void {
    // Straight to Node's response (Fastify's reply wraps it).
    const raw: ServerResponse = 'raw' in res ? res.raw : res;
    raw.statusCode = 200;
    raw.setHeader('Content-Type', 'application/json');
    raw.write('{"items":[');
    throw new Error('failed mid-stream');
  }
  @Post('notes')
  note(@Body() dto: NoteDto) {
    return { text: dto.text, isNoteDto: dto instanceof NoteDto };
  }
}

describe('exception filter on a fixture app', () => {
  describe('with default options in production mode', () => {
    let f: FixtureApp;
    beforeAll(async () => {
      f = await startFixture([FixtureController], { debug: false });
    });
    afterAll(() => f.close());

    it('sends Retry-After from RateLimitedError on a 429', async () => {
      const res = await f.http().get('/rate-limited');
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body.code).toBe('RATE_LIMITED');
    });

    it('sends the default Retry-After on a 503 that gives none, with a fixed detail', async () => {
      const res = await f.http().get('/unavailable');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.detail).toBe('The service is temporarily unavailable. Try again later.');
    });

    it('does not echo the message of a 5xx HttpException', async () => {
      const res = await f.http().get('/http-503');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toMatch(/pg-primary|5432/);
      const lines = await f.pino.request(res.body.requestId);
      expect(lines.map((l) => l.level)).toEqual([50]);
      expect(lines[0].err).toEqual(expect.objectContaining({ type: 'ServiceUnavailableException' }));
    });

    it('treats an object with status and message as unexpected: 500, message not echoed', async () => {
      const res = await f.http().get('/status-like');
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('INTERNAL_ERROR');
      expect(JSON.stringify(res.body)).not.toContain('I look like');
    });

    it('keeps an UPPER_SNAKE code from an HttpException response object', async () => {
      const res = await f.http().get('/coded-http');
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        expect.objectContaining({ code: 'COUPON_EXPIRED', detail: 'The coupon has expired' }),
      );
    });

    it('cuts a response short when the error comes after headers were sent, and logs it once', async () => {
      const err = await f
        .http()
        .get('/half-written')
        .then(() => undefined)
        .catch((e: Error) => e);
      expect((err as Error | undefined)?.message).toMatch(/socket hang up|aborted|ECONNRESET|Parse Error/i);
      const lines = await f.pino.waitFor((all) => all.some((l) => l.url === '/half-written'));
      const mine = lines.filter((l) => l.url === '/half-written');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toEqual(
        expect.objectContaining({ level: 50, msg: 'request aborted', code: 'INTERNAL_ERROR', status: 200 }),
      );
      expect((mine[0].err as { message: string }).message).toBe('failed mid-stream');
      // The server still answers.
      expect((await f.http().get('/rate-limited')).status).toBe(429);
    });

    it('transforms and whitelists bodies with the global validation pipe', async () => {
      const ok = await f.http().post('/notes').send({ text: 'hi' });
      expect(ok.body).toEqual({ text: 'hi', isNoteDto: true });
      const bad = await f.http().post('/notes').send({ text: 5, extra: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
        '#/extra',
        '#/text',
      ]);
    });
  });

  describe('with every option set', () => {
    let f: FixtureApp;
    beforeAll(async () => {
      f = await startFixture([FixtureController], {
        debug: true,
        problemTypeBaseUrl: 'https://errors.example.com/',
        retryAfterSeconds: 17,
        expectedErrors: [MaintenanceError],
        mappers: [{ type: UpstreamError, map: () => ({ status: 502, code: 'UPSTREAM_FAILED' }) }],
        catalogs: { ja: { titles: { 502: '不正なゲートウェイ' } } },
        requestIdHeader: 'X-Correlation-Id',
        validation: false,
      });
    });
    afterAll(() => f.close());

    it('builds the problem type from problemTypeBaseUrl and the code in kebab-case', async () => {
      const res = await f.http().get('/rate-limited');
      expect(res.body.type).toBe('https://errors.example.com/rate-limited');
    });

    it('uses a user mapper for its class and a user catalog by Accept-Language', async () => {
      const res = await f.http().get('/upstream').set('Accept-Language', 'ja');
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('UPSTREAM_FAILED');
      expect(res.body.title).toBe('不正なゲートウェイ');
      expect(res.body.detail).toBe('An unexpected error occurred.');
    });

    it('logs an error class listed in expectedErrors at warn, with its own Retry-After', async () => {
      const res = await f.http().get('/maintenance');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('600');
      expect((await f.pino.request(res.body.requestId)).map((l) => l.level)).toEqual([40]);
    });

    it('uses retryAfterSeconds for a 503 without its own', async () => {
      const res = await f.http().get('/unavailable');
      expect(res.headers['retry-after']).toBe('17');
    });

    it('reads and writes the request id under the configured header', async () => {
      const res = await f.http().get('/rate-limited').set('X-Correlation-Id', 'corr-42');
      expect(res.headers['x-correlation-id']).toBe('corr-42');
      expect(res.body.requestId).toBe('corr-42');
    });

    it('shows the cause chain in debug mode', async () => {
      const res = await f.http().get('/with-cause');
      expect(res.body.debug.message).toBe('outer failure');
      expect(
        res.body.debug.causes.map(
          (c: { exception: string; message: string }) => `${c.exception}: ${c.message}`,
        ),
      ).toEqual(['Error: inner cause', 'TypeError: root cause']);
    });

    it('registers no validation pipe when validation is false', async () => {
      const res = await f.http().post('/notes').send({ text: 5 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ text: 5, isNoteDto: false });
    });
  });

  describe('responseFormatter', () => {
    it('replaces the JSON body shape', async () => {
      const f = await startFixture([FixtureController], {
        responseFormatter: (p) => ({ message: p.detail, code: p.code }),
      });
      const res = await f.http().get('/rate-limited');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ message: 'Too many requests', code: 'RATE_LIMITED' });
      await f.close();
    });

    it('still answers a 500 problem body and logs when the formatter throws', async () => {
      const f = await startFixture([FixtureController], {
        responseFormatter: () => {
          throw new Error('formatter bug');
        },
      });
      const res = await f.http().get('/rate-limited');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toEqual(
        expect.objectContaining({ status: 500, code: 'INTERNAL_ERROR', requestId: expect.any(String) }),
      );
      const lines = await f.pino.waitFor((all) => all.some((l) => l.msg === 'exception filter failed'));
      const failed = lines.find((l) => l.msg === 'exception filter failed');
      expect(failed).toEqual(expect.objectContaining({ level: 50, requestId: res.body.requestId }));
      expect((failed?.err as { message: string }).message).toBe('formatter bug');
      await f.close();
    });
  });

  describe('start-up validation', () => {
    it('stops start-up on an unknown option, naming it', async () => {
      await expect(startFixture([], { debugg: true } as never)).rejects.toThrow(
        /FAULTLINE_INVALID_OPTION: debugg is not an option/,
      );
    });

    it('stops start-up on a bad problemTypeBaseUrl, naming it', async () => {
      const err = await startFixture([], { problemTypeBaseUrl: 'not a url' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FaultlineConfigError);
      expect((err as FaultlineConfigError).option).toBe('problemTypeBaseUrl');
    });

    it('accepts forRootAsync with a factory, and validates what it returns', async () => {
      const f = await startFixture([FixtureController], {
        module: ErrorHandlingModule.forRootAsync({
          useFactory: () => ({ retryAfterSeconds: 9, logging: quietLogging() }),
        }),
      });
      expect((await f.http().get('/unavailable')).headers['retry-after']).toBe('9');
      await f.close();
      await expect(
        startFixture([], {
          module: ErrorHandlingModule.forRootAsync({
            useFactory: () => ({ retryAfterSeconds: -1, logging: quietLogging() }),
          }),
        }),
      ).rejects.toThrow(/retryAfterSeconds/);
    });

    it('lets the application inject the options as given (ERROR_HANDLING_MODULE_OPTIONS)', async () => {
      @Controller('options')
      class OptionsController {
        constructor(
          @Inject(ERROR_HANDLING_MODULE_OPTIONS) private readonly options: ErrorHandlingModuleOptions,
        ) {}

        @Get()
        read() {
          return { retryAfterSeconds: this.options.retryAfterSeconds };
        }
      }
      const f = await startFixture([OptionsController], {
        module: ErrorHandlingModule.forRootAsync({
          useFactory: () => ({ retryAfterSeconds: 7, logging: quietLogging() }),
        }),
      });
      try {
        expect((await f.http().get('/options').expect(200)).body).toEqual({ retryAfterSeconds: 7 });
      } finally {
        await f.close();
      }
    });

    it('warns at start-up when debug is forced on in production', async () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        const f = await startFixture([FixtureController], { debug: true });
        expect(
          f.logs.entries.some(
            (e) => e.level === 'warn' && /debug mode is on while NODE_ENV=production/.test(e.message),
          ),
        ).toBe(true);
        await f.close();
        const quiet = await startFixture([FixtureController], {});
        expect(quiet.logs.entries.some((e) => /debug mode/.test(e.message))).toBe(false);
        const res = await quiet.http().get('/with-cause');
        expect(res.body).not.toHaveProperty('debug');
        await quiet.close();
      } finally {
        process.env.NODE_ENV = previous;
      }
    });
  });
});
