import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  Injectable,
  NotFoundException,
  type OnModuleInit,
} from '@nestjs/common';
import { FailureEvents, type HandledFailure } from 'nestjs-faultline';
import { startFixture, type FixtureApp } from './support/fixture-app';

@Controller()
class ItemsController {
  @Get('items')
  items(): string[] {
    return [];
  }

  @Get('items/boom')
  boom(): never {
    throw new Error('connection string postgres://u:p@db');
  }

  @Get('items/gone')
  gone(): never {
    throw new NotFoundException('Item 7 is gone');
  }
}

/** Keeps what the failure bus hands its subscribers. */
@Injectable()
class Heard implements OnModuleInit {
  static readonly failures: HandledFailure[] = [];
  constructor(private readonly events: FailureEvents) {}
  onModuleInit(): void {
    this.events.subscribe((f) => Heard.failures.push(f));
  }
}

/** An application's own filter for unknown routes (a single-page app's index, say). */
@Catch(NotFoundException)
class SpaFallbackFilter implements ExceptionFilter {
  catch(_exception: NotFoundException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Reply>();
    // Fastify's reply has code(), Express's response status().
    if (typeof res.code === 'function') res.code(200).header('content-type', 'text/html').send(SPA);
    else res.status!(200).send(SPA);
  }
}

type Reply = {
  code?: (n: number) => { header: (k: string, v: string) => { send: (b: string) => void } };
  status?: (n: number) => { send: (b: string) => void };
};
const SPA = '<html>spa</html>';

describe('requests no route matched', () => {
  describe('with Faultline the only global filter', () => {
    let f: FixtureApp;
    beforeAll(async () => {
      Heard.failures.length = 0;
      f = await startFixture([ItemsController], {}, undefined, [Heard]);
    });
    afterAll(() => f.close());

    it('answers 404 in a problem body naming the path without its query, with one request line', async () => {
      const res = await f
        .http()
        .get('/nowhere/at/all?token=abc123')
        .set('X-Request-Id', 'unknown-1')
        .expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['x-request-id']).toBe('unknown-1');
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: 'unknown-1' });
      expect(res.body.detail).toContain('/nowhere/at/all');
      expect(JSON.stringify(res.body)).not.toContain('abc123');
      const lines = (await f.pino.request('unknown-1')).filter((l) => /^request /.test(String(l.msg)));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
        err: { type: 'NotFoundException', message: 'Cannot GET /nowhere/at/all?token=[REDACTED]' },
      });
    });

    it("hands subscribers a NotFoundException that carries no stack frames from Nest's router", async () => {
      await f.http().post('/no-such-form').set('X-Request-Id', 'unknown-2').send({ a: 1 }).expect(404);
      const heard = Heard.failures.find((h) => h.requestId === 'unknown-2');
      expect(heard).toMatchObject({ status: 404, code: 'NOT_FOUND', expected: true });
      expect(heard?.exception).toBeInstanceOf(NotFoundException);
      const e = heard?.exception as NotFoundException;
      expect(e.message).toBe('Cannot POST /no-such-form');
      expect(e.getResponse()).toEqual({
        message: 'Cannot POST /no-such-form',
        error: 'Not Found',
        statusCode: 404,
      });
      expect(e.stack).toBe('NotFoundException: Cannot POST /no-such-form');
    });

    it("leaves a route's own NotFoundException as it was thrown, stack and all", async () => {
      const res = await f.http().get('/items/gone').set('X-Request-Id', 'unknown-3').expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', detail: 'Item 7 is gone' });
      const e = Heard.failures.find((h) => h.requestId === 'unknown-3')?.exception as Error;
      expect(e.stack).toMatch(/\n\s+at /);
    });

    it('answers a flood of unknown paths, each once, and the known routes beside them', async () => {
      const paths = Array.from({ length: 200 }, (_, i) => `/scan/${i}/${'x'.repeat(i * 20)}`);
      const answers = await Promise.all(paths.map((p) => f.http().get(p)));
      expect(answers.map((a) => a.status)).toEqual(paths.map(() => 404));
      await f.http().get('/items').expect(200);
    });
  });

  describe("with an application's own global filter", () => {
    it('leaves unknown routes to Nest, so the application filter answers them (useGlobalFilters)', async () => {
      const f = await startFixture([ItemsController], {}, undefined, [], (app) =>
        app.useGlobalFilters(new SpaFallbackFilter()),
      );
      try {
        const res = await f.http().get('/app/deep/link').expect(200);
        expect(res.text).toBe(SPA);
        // Other failures still reach Faultline.
        const boom = await f.http().get('/items/boom').expect(500);
        expect(boom.body).toMatchObject({ code: 'INTERNAL_ERROR' });
      } finally {
        await f.close();
      }
    });
  });

  it('under a global prefix, answers unknown paths inside and outside it', async () => {
    const f = await startFixture([ItemsController], {}, undefined, [], (app) => app.setGlobalPrefix('api'));
    try {
      await f.http().get('/api/items').expect(200);
      const inside = await f.http().get('/api/nothing').expect(404);
      expect(inside.body).toMatchObject({ code: 'NOT_FOUND' });
      const outside = await f.http().get('/elsewhere').expect(404);
      expect(outside.body).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await f.close();
    }
  });
});
