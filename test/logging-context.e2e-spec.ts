import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Logger,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import request from 'supertest';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { type FixtureApp, withCapture } from './support/fixture-app';
import { LEVEL, LogCapture, type LogRecord } from './support/log-capture';
import { CapturingLogger } from './support/sample-app';
import { waitUntil } from './support/wait';
import { initTestApplication } from './support/http-adapter';

// Request context through nestjs-pino's public API only. The suite runs against the nestjs-pino of
// the lockfile (4.x); pointing Jest's `nestjs-pino` at nestjs-pino 5 runs it against that line.

/** nestjs-pino 5 has `PinoLogger#runInContext`; 4.x has not. */
const NESTJS_PINO_5 = typeof (PinoLogger.prototype as { runInContext?: unknown }).runInContext === 'function';

@Injectable()
class UserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest<{ user?: { id: number } }>().user = { id: 41 };
    return true;
  }
}

@Injectable()
class Worker {
  constructor(@InjectPinoLogger(Worker.name) private readonly pino: PinoLogger) {}

  async work(): Promise<void> {
    await nextTurn();
    this.pino.info({ step: 'injected' }, 'worker line');
  }
}

@Controller()
@UseGuards(UserGuard)
class ContextController {
  private readonly nest = new Logger(ContextController.name);

  constructor(
    private readonly pino: PinoLogger,
    private readonly worker: Worker,
  ) {}

  @Get('lines')
  async lines() {
    this.nest.log('nest line');
    await nextTurn();
    this.pino.info('pino line');
    await this.worker.work();
    return { ok: true };
  }

  @Get('assign')
  assign() {
    try {
      this.pino.assign({ tenant: 'acme' });
    } catch (error) {
      return { assigned: false, error: (error as Error).message };
    }
    this.pino.info('after assign');
    return { assigned: true };
  }
}

/** An application with {@link ContextController}, logging JSON into its own capture. */
async function startApp(): Promise<FixtureApp> {
  const pino = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot(withCapture({ logging: { useAsNestLogger: true } }, pino))],
    controllers: [ContextController],
    providers: [Worker],
  }).compile();
  const logs = new CapturingLogger();
  const app = await initTestApplication(moduleRef, { logger: logs });
  const server = app.getHttpServer();
  return { app, logs, pino, http: () => request(server), close: () => app.close() };
}

describe(`request context with nestjs-pino ${NESTJS_PINO_5 ? '5' : '4'}`, () => {
  let a: FixtureApp;
  let b: FixtureApp;
  beforeAll(async () => {
    // Two applications in one process, as in a test suite: nestjs-pino keeps one root logger per
    // process, yet each request's lines go to its own application's output.
    a = await startApp();
    b = await startApp();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it.each([
    ['the first', () => a],
    ['the second', () => b],
  ])(
    "gives PinoLogger, @InjectPinoLogger() and Nest's Logger lines the requestId, userId and ip in %s application",
    async (_which, app) => {
      const f = app();
      const other = f === a ? b : a;
      const id = `ctx-${f === a ? 'a' : 'b'}`;
      await f.http().get('/lines').set('X-Request-Id', id).expect(200);
      const lines = await f.pino.request(id);
      const byMsg = (msg: string): LogRecord | undefined => lines.find((l) => l.msg === msg);
      for (const [msg, context] of [
        ['nest line', 'ContextController'],
        ['pino line', undefined],
        ['worker line', 'Worker'],
      ] as const) {
        expect([msg, byMsg(msg)]).toEqual([
          msg,
          expect.objectContaining({ level: LEVEL.info, requestId: id, userId: 41, ip: expect.any(String) }),
        ]);
        if (context) expect(byMsg(msg)?.context).toBe(context);
      }
      // Each field once: a line is not bound to the request twice.
      for (const raw of f.pino.raw.filter((l) => l.includes(`"${id}"`))) {
        expect(raw.match(/"requestId"/g)).toHaveLength(1);
      }
      expect(other.pino.raw.some((l) => l.includes(`"${id}"`))).toBe(false);
    },
  );

  it(
    NESTJS_PINO_5
      ? 'keeps PinoLogger#assign working during a request (nestjs-pino 5: its context is entered)'
      : 'has no nestjs-pino context to assign to during a request (nestjs-pino 4 keeps it private)',
    async () => {
      const res = await a.http().get('/assign').set('X-Request-Id', 'ctx-assign').expect(200);
      if (!NESTJS_PINO_5) {
        expect(res.body).toEqual({ assigned: false, error: expect.stringContaining('out of request scope') });
        return;
      }
      expect(res.body).toEqual({ assigned: true });
      const lines = await a.pino.request('ctx-assign');
      expect(lines.find((l) => l.msg === 'after assign')).toEqual(
        expect.objectContaining({ requestId: 'ctx-assign', tenant: 'acme', userId: 41 }),
      );
      // The request line is not the assigned logger's, as with nestjs-pino's own middleware.
      expect(lines.find((l) => l.msg === 'request completed')).not.toHaveProperty('tenant');
    },
  );

  it('writes PinoLogger.root lines as the root logger does: redacted, with its err shape, no request outside one', async () => {
    const root = PinoLogger.root as unknown as {
      error: (o: object, m: string) => void;
    };
    root.error({ err: new Error('root failure'), password: 'hunter2-pino-root' }, 'pino root line');
    // nestjs-pino sets PinoLogger.root once per process: to the last application's (4.x) or the
    // first's (5.x).
    const written = () => [...a.pino.lines, ...b.pino.lines].filter((l) => l.msg === 'pino root line');
    await waitUntil(
      () => written().length > 0,
      10_000,
      () => 'the PinoLogger.root line was not written',
    );
    expect(written()).toHaveLength(1);
    const line = written()[0];
    expect(line).toEqual(expect.objectContaining({ password: '[REDACTED]' }));
    expect(line).not.toHaveProperty('requestId');
    // Faultline's err: a plain object with its type, not pino-http's serializer output.
    expect(line?.err).toEqual(expect.objectContaining({ type: 'Error', message: 'root failure' }));
  });
});
