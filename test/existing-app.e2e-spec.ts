import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  ForbiddenException,
  Get,
  Injectable,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestMiddleware,
  type NestModule,
  NotFoundException,
  Req,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { withCapture } from './support/fixture-app';
import { initTestApplication, onFastify } from './support/http-adapter';
import { LogCapture } from './support/log-capture';
import { parseMetrics } from './support/metrics-text';

/** What the application's own middleware saw of each request: its id. */
const seen: unknown[] = [];

/** An application's middleware, mounted on every route by its AppModule: it logs, and may refuse. */
@Injectable()
class LegacyMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Legacy');

  use(req: { id?: unknown; url?: string; originalUrl?: string }, _res: unknown, next: () => void): void {
    seen.push(req.id);
    this.logger.log('legacy middleware ran');
    if ((req.originalUrl ?? req.url ?? '').includes('/blocked')) throw new ForbiddenException('blocked here');
    next();
  }
}

@Controller('things')
class ThingsController {
  @Get(':id')
  one(@Req() req: { id?: unknown; log: { info(fields: object, message: string): void } }) {
    // The request's logger, on Fastify's request as on Express's.
    req.log.info({ thing: 7 }, 'loading thing');
    return { id: req.id };
  }
}

/** An application's filter of years ago: its own body for a 404. */
@Catch(NotFoundException)
class LegacyNotFoundFilter implements ExceptionFilter {
  catch(exception: NotFoundException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{
      status?: (code: number) => { json(body: unknown): void };
      code?: (code: number) => { send(body: unknown): void };
    }>();
    const body = { legacy: true, message: exception.message };
    if (onFastify) res.code!(404).send(body);
    else res.status!(404).json(body);
  }
}

@Controller('orders')
class OrdersController {
  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such order');
  }

  @Get('broken')
  broken(): never {
    throw new Error('ledger is corrupt');
  }
}

function appModule(capture: LogCapture) {
  @Module({
    imports: [
      ErrorHandlingModule.forRoot(
        withCapture({ logging: { useAsNestLogger: true }, metrics: {}, health: false }, capture),
      ),
    ],
    controllers: [ThingsController],
  })
  class AppModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(LegacyMiddleware).forRoutes('*');
    }
  }
  return AppModule;
}

describe("the application's own middleware, mounted by its AppModule", () => {
  it("runs after Faultline's request middleware: it sees the request id, and its lines and req.log's carry it", async () => {
    seen.length = 0;
    const capture = new LogCapture();
    const moduleRef = await Test.createTestingModule({ imports: [appModule(capture)] }).compile();
    const app = await initTestApplication(moduleRef);
    try {
      await request(app.getHttpServer()).get('/things/7').set('X-Request-Id', 'ordered-1').expect(200);
      const res = await request(app.getHttpServer())
        .get('/things/blocked')
        .set('X-Request-Id', 'ordered-2')
        .expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);

      expect(seen).toEqual(['ordered-1', 'ordered-2']);
      const lines = await capture.request('ordered-2');
      expect(capture.forRequest('ordered-1')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msg: 'legacy middleware ran' }),
          expect.objectContaining({ msg: 'loading thing', thing: 7 }),
          expect.objectContaining({ msg: 'request completed', route: '/things/:id', status: 200 }),
        ]),
      );
      // A refusal by the middleware is a request like any other: its line and its count.
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msg: 'legacy middleware ran' }),
          expect.objectContaining({ msg: 'request failed', status: 403, code: 'PERMISSION_DENIED' }),
        ]),
      );
      const metrics = parseMetrics((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
      expect(
        metrics.filter((m) => m.name === 'http_requests_total' && m.labels.status === '403'),
      ).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

describe("the application's own global filter (APP_FILTER)", () => {
  it("answers the exceptions it catches; Faultline's filter answers the others, and says so at start-up", async () => {
    const capture = new LogCapture();
    @Module({
      imports: [ErrorHandlingModule.forRoot(withCapture({ health: false }, capture))],
      controllers: [OrdersController],
      providers: [{ provide: APP_FILTER, useClass: LegacyNotFoundFilter }],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const logs: string[] = [];
    const app = await initTestApplication(moduleRef, {
      logger: {
        log: (m: unknown) => void logs.push(String(m)),
        error: () => undefined,
        warn: () => undefined,
      },
    });
    try {
      const server = app.getHttpServer();
      expect((await request(server).get('/orders/missing').expect(404)).body).toEqual({
        legacy: true,
        message: 'no such order',
      });
      // Unknown routes are Nest's NotFoundException too: the application's filter answers them.
      expect((await request(server).get('/nowhere').expect(404)).body).toMatchObject({ legacy: true });
      const broken = await request(server).get('/orders/broken').expect(500);
      expect(broken.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(broken.body).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
      expect(
        logs.filter((m) =>
          /global exception filters of the application come before Faultline's: LegacyNotFoundFilter/.test(m),
        ),
      ).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
