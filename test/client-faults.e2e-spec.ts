import { PGlite } from '@electric-sql/pglite';
import { freshPgliteDir } from './support/pglite-dirs';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  AuditService,
  ErrorHandlingModule,
  FaultlineConfigError,
  type ErrorHandlingModuleOptions,
} from 'nestjs-faultline';
import { withCapture } from './support/fixture-app';
import { LEVEL, LogCapture, type LogRecord } from './support/log-capture';
import { CapturingLogger, startSample, type SampleHarness } from './support/sample-app';
import { itOn } from './support/http-adapter';
import { cpuMsOf } from '../libs/error-handling/src/kernel/cpu-time.testing';

// Client faults that used to answer 500 (logged at error, alerted, sent to Sentry): bodies that do
// not decompress, JSON nested deep enough to overflow the validation pipe's recursion, values
// beyond a column's type, impossible dates in the audit query. Each must be a 4xx problem body
// with a stable code, logged as an expected failure, with no internals in the body.

type Response = request.Response;

/** Driver, parser and runtime texts that must never reach a client. */
const INTERNALS =
  /incorrect header check|unexpected end of file|Maximum call stack|RangeError|SyntaxError|Z_[A-Z]+_ERROR|out of range for type|field value out of range|invalid input syntax|SELECT|UPDATE|INSERT|\bat .*\.(ts|js):\d+/;

/** superagent turns a Buffer into JSON under a JSON content type; this sends the bytes as they are. */
const raw = (body: unknown): string => body as string;

function expectProblem(res: Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({ status, code, title: expect.any(String), detail: expect.any(String) }),
  );
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  expect(res.body).not.toHaveProperty('debug');
  expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
}

/**
 * Waits for the failure's line (the one carrying its code) and checks the request was logged as
 * an expected failure: at warn or info, never at error.
 */
async function expectLoggedAsExpected(capture: LogCapture, res: Response): Promise<LogRecord> {
  const requestId = res.headers['x-request-id'] as string;
  const lines = await capture.waitFor((all) =>
    all.some((l) => l.requestId === requestId && l.code === res.body.code),
  );
  const own = lines.filter((l) => l.requestId === requestId);
  expect(own.filter((l) => l.level >= LEVEL.error)).toEqual([]);
  const failure = own.find((l) => l.code === res.body.code) as LogRecord;
  expect([LEVEL.warn, LEVEL.info]).toContain(failure.level);
  return failure;
}

class LineDto {
  @IsString()
  name!: string;
}

class OrderDto {
  @IsString()
  title!: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines?: LineDto[];
}

@Controller()
class ClientFaultsController {
  @Post('orders')
  create(@Body() order: OrderDto) {
    return { title: order.title, lines: order.lines?.length ?? 0 };
  }
}

/** A database with the column types of a typical app, and statements that take client values. */
@Controller('sql')
class SqlController {
  static db: PGlite;

  @Get('notes/:id')
  async note(@Param('id') id: string) {
    return (await SqlController.db.query('SELECT id FROM notes WHERE id = $1', [id])).rows;
  }

  @Post('notes')
  async addNote(@Body() body: Record<string, unknown>) {
    await SqlController.db.query('INSERT INTO notes (id, title, due) VALUES ($1, $2, $3)', [
      body.id,
      body.title,
      body.due,
    ]);
    return { ok: true };
  }

  @Get('average')
  async average(@Query('count') count: string) {
    // The application's own arithmetic: a division by zero is its bug, not the client's.
    return (await SqlController.db.query('SELECT 100 / $1::int AS share', [count])).rows;
  }
}

interface Fixture {
  app: INestApplication;
  pino: LogCapture;
  http: () => ReturnType<typeof request>;
}

/** A fixture app with production error bodies and a body limit large enough for hostile JSON. */
async function startFixture(
  controllers: (new (...args: never[]) => unknown)[],
  options: ErrorHandlingModuleOptions = {},
): Promise<Fixture> {
  const pino = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot(withCapture({ debug: false, ...options }, pino))],
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    logger: new CapturingLogger(),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '5mb' });
  await app.init();
  const server = app.getHttpServer();
  return { app, pino, http: () => request(server) };
}

describe('client faults answer 4xx, logged as expected failures', () => {
  describe('bodies that do not decompress', () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await startFixture([ClientFaultsController]);
    });
    afterAll(() => f.app.close());

    const post = (encoding: string, body: Buffer) =>
      f
        .http()
        .post('/orders')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .serialize(raw)
        .send(body);

    it('decompresses a valid gzip body', async () => {
      const res = await post('gzip', gzipSync(Buffer.from('{"title":"ok"}')));

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ title: 'ok', lines: 0 });
    });

    it('answers a body labelled gzip that is not gzip with 400 MALFORMED_BODY', async () => {
      const res = await post('gzip', Buffer.from('{"title":"not gzip at all"}'));

      expectProblem(res, 400, 'MALFORMED_BODY');
      expect(res.body.detail).toBe('The request body is not valid for its Content-Encoding');
      await expectLoggedAsExpected(f.pino, res);
    });

    it('answers a truncated gzip body with 400 MALFORMED_BODY', async () => {
      const whole = gzipSync(Buffer.from(JSON.stringify({ title: 'x'.repeat(2000) })));
      const res = await post('gzip', whole.subarray(0, whole.length - 10));

      expectProblem(res, 400, 'MALFORMED_BODY');
      expect(res.body.detail).toBe('The compressed request body is truncated');
      await expectLoggedAsExpected(f.pino, res);
    });

    it('answers corrupt deflate and brotli bodies with 400 MALFORMED_BODY', async () => {
      const deflated = deflateSync(Buffer.from('{"title":"deflated"}'));
      deflated[deflated.length - 1] ^= 0xff;
      const brotli = brotliCompressSync(Buffer.from(JSON.stringify({ title: 'y'.repeat(500) })));

      for (const res of [await post('deflate', deflated), await post('br', brotli.subarray(0, 20))]) {
        expectProblem(res, 400, 'MALFORMED_BODY');
        await expectLoggedAsExpected(f.pino, res);
      }
    });

    it('answers an unsupported Content-Encoding with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await post('compress', Buffer.from('{"title":"x"}'));

      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectLoggedAsExpected(f.pino, res);
    });
  });

  describe('hostile JSON shapes', () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await startFixture([ClientFaultsController]);
    });
    afterAll(() => f.app.close());

    const postJson = (text: string) =>
      f.http().post('/orders').set('Content-Type', 'application/json').send(text);

    it.each([
      [
        'objects',
        5_000,
        (n: number) => '{"title":"x","lines":'.concat('{"a":'.repeat(n), '1', '}'.repeat(n), '}'),
      ],
      ['objects', 100_000, (n: number) => '{"a":'.repeat(n).concat('1', '}'.repeat(n))],
      ['arrays', 5_000, (n: number) => '['.repeat(n).concat(']'.repeat(n))],
      ['arrays', 100_000, (n: number) => '{"lines":'.concat('['.repeat(n), ']'.repeat(n), '}')],
    ])(
      'answers %s nested %i deep with 400 VALIDATION_ERROR (maxDepth), quickly',
      async (_kind, depth, make) => {
        // CPU time of this process, where the app runs: a loaded machine does not move it.
        const { value: res, cpuMs } = await cpuMsOf(() => postJson(make(depth)));

        expect(cpuMs).toBeLessThan(5000);
        expectProblem(res, 400, 'VALIDATION_ERROR');
        expect(res.body.errors).toEqual([
          expect.objectContaining({ code: 'maxDepth', pointer: expect.stringMatching(/^#\//) }),
        ]);
        // The pointer goes exactly as deep as the default limit of 32 levels allows.
        expect(res.body.errors[0].pointer.split('/')).toHaveLength(33);
        await expectLoggedAsExpected(f.pino, res);
      },
    );

    it('answers a huge array with 400 VALIDATION_ERROR (maxNodes) naming where the limit was hit', async () => {
      const res = await postJson(JSON.stringify({ title: 'x', lines: new Array(1_000_000).fill(0) }));

      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors).toEqual([
        {
          pointer: '#/lines/9997',
          field: 'lines.9997',
          code: 'maxNodes',
          detail: 'The request has more than 10000 values',
        },
      ]);
      await expectLoggedAsExpected(f.pino, res);
    });

    it('still validates a normal body', async () => {
      const res = await postJson(JSON.stringify({ title: 'ok', lines: [{ name: 'a' }, { name: 'b' }] }));

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ title: 'ok', lines: 2 });
    });
  });

  describe('configured limits', () => {
    it('applies validation.maxDepth and validation.maxNodes', async () => {
      const f = await startFixture([ClientFaultsController], { validation: { maxDepth: 2, maxNodes: 5 } });
      try {
        const deep = await f
          .http()
          .post('/orders')
          .send({ title: 'x', lines: [{ name: 'a' }] });
        expectProblem(deep, 400, 'VALIDATION_ERROR');
        expect(deep.body.errors).toEqual([
          expect.objectContaining({ pointer: '#/lines/0', code: 'maxDepth' }),
        ]);

        const wide = await f
          .http()
          .post('/orders')
          .send({ title: 'x', lines: ['a', 'b', 'c', 'd'] });
        expect(wide.body.errors).toEqual([
          expect.objectContaining({ pointer: '#/lines/2', code: 'maxNodes' }),
        ]);
      } finally {
        await f.app.close();
      }
    });

    it.each([
      [{ maxDepth: 0 }, 'validation.maxDepth'],
      [{ maxNodes: 0.5 }, 'validation.maxNodes'],
    ])('stops start-up for validation %p, naming the option', async (validation, option) => {
      const started = startFixture([ClientFaultsController], { validation });

      await expect(started).rejects.toThrow(FaultlineConfigError);
      await expect(started).rejects.toThrow(`FAULTLINE_INVALID_OPTION: ${option}`);
    });
  });

  describe('values beyond their column type (PGlite)', () => {
    let f: Fixture;
    beforeAll(async () => {
      SqlController.db = await PGlite.create(freshPgliteDir());
      await SqlController.db.exec('CREATE TABLE notes (id int PRIMARY KEY, title varchar(20), due date)');
      f = await startFixture([SqlController]);
    });
    afterAll(async () => {
      await f.app.close();
      await SqlController.db.close();
    });

    it('answers an id beyond int4 (SQLSTATE 22003) with 400 VALIDATION_ERROR, without SQL or the value', async () => {
      const res = await f.http().get('/sql/notes/99999999999');

      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.detail).toBe('A number is out of range');
      // Only the instance (the request's own path) holds the id.
      expect(JSON.stringify({ ...res.body, instance: undefined })).not.toContain('99999999999');
      await expectLoggedAsExpected(f.pino, res);
    });

    it.each([
      [
        'a title too long for varchar(20) (22001)',
        { id: 1, title: 'x'.repeat(21), due: null },
        'A value is too long',
      ],
      [
        'an impossible date (22008)',
        { id: 2, title: 't', due: '2024-02-30' },
        'A date or time is out of range',
      ],
      ['a month 13 (22008)', { id: 3, title: 't', due: '2024-13-01' }, 'A date or time is out of range'],
      [
        'a date that is not one (22007)',
        { id: 4, title: 't', due: 'next tuesday-ish' },
        'A date or time has the wrong format',
      ],
      [
        'a NUL character in text (22021)',
        { id: 5, title: 'a\u0000b', due: null },
        'A text value has bytes that are not valid in its encoding',
      ],
      [
        'an id that is not a number (22P02)',
        { id: 'abc', title: 't', due: null },
        'A value has the wrong format',
      ],
    ])('answers %s with 400 VALIDATION_ERROR', async (_what, body, detail) => {
      const res = await f.http().post('/sql/notes').send(body);

      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.detail).toBe(detail);
      await expectLoggedAsExpected(f.pino, res);
    });

    it("keeps a division by zero in the application's own SQL (22012) a 500, logged at error", async () => {
      const res = await f.http().get('/sql/average?count=0');

      expectProblem(res, 500, 'INTERNAL_ERROR');
      const requestId = res.headers['x-request-id'] as string;
      await f.pino.waitFor((all) => all.some((l) => l.requestId === requestId && l.level >= LEVEL.error));
    });
  });

  describe('the sample app (PGlite)', () => {
    let s: SampleHarness;
    let admin: string;
    let alice: string;
    beforeAll(async () => {
      s = await startSample({ debug: false });
      admin = await s.login('admin');
      alice = await s.login('alice');
    });
    afterAll(() => s.close());

    it('answers POST /notifications/99999999999/read (beyond int4) with 400, not 500', async () => {
      const res = await s
        .http()
        .post('/notifications/99999999999/read')
        .set('Authorization', `Bearer ${alice}`);

      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.detail).toBe('A number is out of range');
      await expectLoggedAsExpected(s.logs, res);
    });

    it('answers a 5,000-deep JSON body on POST /notifications with 400, not a stack overflow', async () => {
      const res = await s
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send('['.repeat(5000) + ']'.repeat(5000));

      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors[0].code).toBe('maxDepth');
      await expectLoggedAsExpected(s.logs, res);
    });

    // Fastify reads a request body as it comes: it decodes no Content-Encoding (@fastify/compress can).
    itOn('express', 'Fastify does not decode request Content-Encoding')(
      'answers a gzip body that is not gzip on POST /auth/login with 400 MALFORMED_BODY',
      async () => {
        const res = await s
          .http()
          .post('/auth/login')
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .serialize(raw)
          .send(Buffer.from('{"username":"alice","password":"alice-password"}'));

        expectProblem(res, 400, 'MALFORMED_BODY');
        expect(JSON.stringify(res.body)).not.toContain('alice-password');
        await expectLoggedAsExpected(s.logs, res);
      },
    );

    describe('strict audit query parameters', () => {
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const get = (path: string, query: string) =>
        s.http().get(`${path}?${query}`).set('Authorization', `Bearer ${admin}`);

      it.each([
        ['since', 'since=2024-02-30'],
        ['since', 'since=2024-13-01'],
        ['until', 'until=0000-01-01'],
        ['until', 'until=10000-01-01'],
        ['since', 'since=%2B010000-01-01T00:00:00Z'],
        ['since', 'since=2024-01-01garbage'],
        ['since', 'since=2024-01-01T10:00:00'],
        ['since', 'since=12345'],
        ['since', 'since=2024-01-01&since=2024-01-02'],
        ['limit', 'limit=0'],
        ['limit', 'limit=501'],
        ['limit', 'limit=1e2'],
        ['limit', 'limit=2.5'],
        ['limit', 'limit=abc'],
        ['cursor', 'cursor=garbage'],
        ['cursor', `cursor=${b64(['2024-02-30T00:00:00.000000Z', randomUUID()])}`],
        ['cursor', `cursor=${b64(['0000-01-01T00:00:00.000000Z', randomUUID()])}`],
        ['cursor', `cursor=${b64(['2024-01-01T00:00:00.000000Z', 'not-a-uuid'])}`],
      ])(
        'answers GET /admin/audit with a bad %s (%s) with a 400 field error naming it',
        async (field, query) => {
          for (const path of ['/admin/audit', '/admin/security-events']) {
            const res = await get(path, query);

            expectProblem(res, 400, 'VALIDATION_ERROR');
            expect(res.body.errors.length).toBeGreaterThan(0);
            for (const error of res.body.errors) {
              expect(error).toEqual(expect.objectContaining({ pointer: `#/${field}`, field }));
            }
            await expectLoggedAsExpected(s.logs, res);
          }
        },
      );

      it('names every bad parameter of one query', async () => {
        const res = await get('/admin/audit', 'since=2024-02-30&until=yesterday&limit=0&cursor=x');

        expectProblem(res, 400, 'VALIDATION_ERROR');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
          'since',
          'until',
          'limit',
          'cursor',
        ]);
      });

      it('accepts valid dates, offsets, limits and its own cursors', async () => {
        await s.http().post('/notifications/read-all').set('Authorization', `Bearer ${alice}`);
        await s.http().post('/notifications/read-all').set('Authorization', `Bearer ${alice}`);
        await s.app.get(AuditService).flush();
        const first = await get('/admin/audit', 'since=2000-02-29&until=9999-12-31T23:59:59Z&limit=1');
        expect(first.status).toBe(200);
        expect(first.body.items).toHaveLength(1);
        expect(first.body.nextCursor).toEqual(expect.any(String));

        const next = await get('/admin/audit', `limit=1&cursor=${first.body.nextCursor}`);
        expect(next.status).toBe(200);
        expect(next.body.items).toHaveLength(1);
        expect(next.body.items[0].id).not.toBe(first.body.items[0].id);

        const offset = await get('/admin/security-events', 'since=2024-03-01T09:00:00%2B09:00&limit=500');
        expect(offset.status).toBe(200);
      });
    });
  });
});
