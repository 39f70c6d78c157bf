import {
  BadRequestException,
  type CanActivate,
  type ExecutionContext,
  Controller,
  Get,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestMiddleware,
  type NestModule,
  NotFoundException,
  Optional,
  Query,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import request from 'supertest';
import { ErrorHandlingModule, LogChannels, type ErrorHandlingModuleOptions } from 'nestjs-faultline';
import { LEVEL, LogCapture, type LogRecord } from './support/log-capture';
import { withCapture } from './support/fixture-app';
import { waitUntil } from './support/wait';
import { initTestApplication } from './support/http-adapter';

@Injectable()
class GreetingService {
  // With `logging: false` Faultline loads no LoggerModule, so there is no PinoLogger to inject.
  constructor(@Optional() private readonly logger?: PinoLogger) {
    logger?.setContext(GreetingService.name);
  }
  greet(name: string): string {
    this.logger?.info({ name }, 'greeting someone');
    return `hello ${name}`;
  }
  shout(name: string): string {
    this.logger?.info({ msg: `shouting at ${name}` });
    return `HELLO ${name}`;
  }
}

@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ user?: { id: number } }>();
    req.user = { id: 7 };
    return true;
  }
}

@Injectable()
class ExplodingGuard implements CanActivate {
  canActivate(): boolean {
    throw new Error('guard exploded');
  }
}

@Injectable()
class FailingMiddleware implements NestMiddleware {
  use(): void {
    throw new Error('middleware exploded');
  }
}

@Controller()
class LoggingController {
  constructor(
    private readonly greetings: GreetingService,
    private readonly channels: LogChannels,
  ) {}

  @Get('greet')
  @UseGuards(FakeAuthGuard)
  greet(@Query('name') name = 'ann') {
    return { text: this.greetings.greet(name) };
  }

  @Get('shout')
  shout(@Query('name') name = 'ann') {
    return { text: this.greetings.shout(name) };
  }

  @Get('guarded')
  @UseGuards(ExplodingGuard)
  guarded() {
    return { unreachable: true };
  }

  @Get('mw-fail')
  mwFail() {
    return { unreachable: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such thing');
  }

  @Get('echo-error')
  echoError(@Query('text') text = ''): never {
    throw new BadRequestException(`bad input: ${text}`);
  }

  @Get('channels')
  writeChannels() {
    this.channels.audit.info({ action: 'EXPORT', password: 'hunter2-channel' }, 'audit event');
    this.channels.security.info({ kind: 'LOGIN_FAILED' }, 'security event below the channel level');
    this.channels.security.warn({ kind: 'SUSPICIOUS' }, 'security event');
    return { ok: true };
  }

  @Get('slow')
  async slow(@Query('ms') ms = '0') {
    await sleep(Number(ms));
    return { ok: true };
  }
}

function fixtureModule(
  options: ErrorHandlingModuleOptions,
  capture: LogCapture,
  extraImports: unknown[] = [],
) {
  @Module({
    imports: [...(extraImports as []), ErrorHandlingModule.forRoot(withCapture(options, capture))],
    controllers: [LoggingController],
    providers: [GreetingService],
  })
  class FixtureModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(FailingMiddleware).forRoutes('mw-fail');
    }
  }
  return FixtureModule;
}

async function start(options: ErrorHandlingModuleOptions = {}, extraImports: unknown[] = []) {
  const capture = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [fixtureModule(options, capture, extraImports)],
  }).compile();
  const app = await initTestApplication(moduleRef, { logger: false });
  return { app, capture, http: () => request(app.getHttpServer()) };
}

describe('logging with request context', () => {
  let f: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    f = await start({ debug: false, logging: { channels: { security: 'warn' }, slowRequestMs: 40 } });
  });
  afterAll(() => f.app.close());

  it('writes one request line with method, route template, status, duration, requestId, userId and ip', async () => {
    const res = await f.http().get('/greet?name=bob').set('X-Request-Id', 'req-line-1');
    expect(res.status).toBe(200);
    const lines = await f.capture.request('req-line-1');
    const requestLines = lines.filter((l) => l.msg === 'request completed');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toEqual(
      expect.objectContaining({
        level: LEVEL.info,
        requestId: 'req-line-1',
        method: 'GET',
        route: '/greet',
        url: '/greet?name=bob',
        status: 200,
        durationMs: expect.any(Number),
        userId: 7,
        ip: expect.any(String),
      }),
    );
  });

  it('gives lines written by an injected service the requestId, userId and ip', async () => {
    await f.http().get('/greet?name=carol').set('X-Request-Id', 'svc-1');
    const lines = await f.capture.request('svc-1');
    const serviceLine = lines.find((l) => l.msg === 'greeting someone');
    expect(serviceLine).toEqual(
      expect.objectContaining({
        requestId: 'svc-1',
        userId: 7,
        ip: expect.any(String),
        context: 'GreetingService',
        name: 'carol',
      }),
    );
  });

  it("writes a service's lines outside a request, and PinoLogger.root's, through Faultline's root logger", async () => {
    f.app.get(GreetingService).greet('outside');
    (PinoLogger.root as { info: (o: object, m: string) => void }).info(
      { password: 'hunter2-root' },
      'root line',
    );
    const lines = await f.capture.waitFor((all) => all.some((l) => l.msg === 'root line'));
    const greeting = lines.find((l) => l.msg === 'greeting someone' && l.name === 'outside');
    expect(greeting).toEqual(expect.objectContaining({ context: 'GreetingService' }));
    expect(greeting).not.toHaveProperty('requestId');
    const root = lines.find((l) => l.msg === 'root line');
    expect(root).toEqual(expect.objectContaining({ password: '[REDACTED]' }));
    expect(JSON.stringify(lines)).not.toContain('hunter2-root');
  });

  it('logs an error thrown in a guard once, with the requestId and the real stack', async () => {
    const res = await f.http().get('/guarded');
    expect(res.status).toBe(500);
    const lines = await f.capture.request(res.body.requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(
      expect.objectContaining({ level: LEVEL.error, status: 500, code: 'INTERNAL_ERROR' }),
    );
    const err = lines[0].err as { message: string; stack: string };
    expect(err.message).toBe('guard exploded');
    expect(err.stack).toContain('ExplodingGuard.canActivate');
  });

  it('logs an error thrown in middleware once, with the requestId', async () => {
    const res = await f.http().get('/mw-fail');
    expect(res.status).toBe(500);
    const lines = await f.capture.request(res.body.requestId);
    expect(lines).toHaveLength(1);
    expect((lines[0].err as { stack: string }).stack).toContain('FailingMiddleware.use');
  });

  it('gives a 500 exactly one line at error or above, and a 4xx none', async () => {
    const boom = await f.http().get('/boom');
    const boomLines = await f.capture.request(boom.body.requestId);
    expect(boomLines.filter((l) => l.level >= LEVEL.error)).toHaveLength(1);
    // A request the machine happened to make slower than slowRequestMs (40 ms here) has a
    // performance line too, at warn: that one says how long, not what failed.
    const failureLines = async (id: string) =>
      (await f.capture.request(id)).filter((l) => l.channel !== 'performance');
    const missing = await f.http().get('/missing');
    const missingLines = await failureLines(missing.body.requestId);
    expect(missingLines).toHaveLength(1);
    expect(missingLines[0].level).toBe(LEVEL.info);
    expect(missingLines[0].err).toEqual({ type: 'NotFoundException', message: 'no such thing' });
    const bad = await f.http().get('/echo-error?text=x');
    const badLines = await failureLines(bad.body.requestId);
    expect(badLines.map((l) => l.level)).toEqual([LEVEL.warn]);
  });

  it('writes channel lines with a channel field, the requestId and their own level, redacted', async () => {
    await f.http().get('/channels').set('X-Request-Id', 'chan-1');
    const lines = await f.capture.request('chan-1');
    const audit = lines.find((l) => l.channel === 'audit');
    expect(audit).toEqual(
      expect.objectContaining({ msg: 'audit event', action: 'EXPORT', password: '[REDACTED]' }),
    );
    const security = lines.filter((l) => l.channel === 'security');
    expect(security.map((l) => l.msg)).toEqual(['security event']);
  });

  it('writes one performance line for a request slower than slowRequestMs', async () => {
    await f.http().get('/slow?ms=0').set('X-Request-Id', 'fast-1');
    await f.http().get('/slow?ms=80').set('X-Request-Id', 'slow-1');
    await f.capture.request('slow-1');
    await f.capture.request('fast-1');
    const perf = f.capture.lines.filter((l) => l.channel === 'performance');
    expect(perf.filter((l) => l.requestId === 'slow-1')).toEqual([
      expect.objectContaining({ msg: 'slow request', requestId: 'slow-1', route: '/slow', thresholdMs: 40 }),
    ]);
    // On a loaded machine another request (the app's first, say) may really take 40 ms: only
    // requests that did get a performance line.
    const requestLines = f.capture.lines.filter((l) => /^request /.test(String(l.msg)));
    for (const line of requestLines) {
      const slow = (line.durationMs as number) >= 40;
      expect([line.requestId, perf.filter((p) => p.requestId === line.requestId).length]).toEqual([
        line.requestId,
        slow ? 1 : 0,
      ]);
    }
  });
});

describe('log injection', () => {
  const FAKE = '{"level":60,"msg":"forged","injected":true}';

  it.each(['json', 'pretty'] as const)('cannot add a line or a field in %s mode', async (format) => {
    const capture = new LogCapture();
    const raw: string[] = [];
    const destination = format === 'json' ? capture : { write: (s: string) => void raw.push(s) };
    const moduleRef = await Test.createTestingModule({
      imports: [fixtureModule({ logging: { format, useAsNestLogger: false, destination } }, capture)],
    }).compile();
    // fixtureModule adds its own capture; override it for the pretty run.
    const app = await initTestApplication(moduleRef, { logger: false });
    const http = () => request(app.getHttpServer());
    await http()
      .get(`/echo-error?text=${encodeURIComponent(`x\r\n${FAKE}\n`)}`)
      .set('User-Agent', `agent" ${FAKE}`)
      .set('X-Request-Id', 'inject-1');
    await http()
      .get(`/missing/%0d%0a${encodeURIComponent(FAKE)}`)
      .set('X-Request-Id', 'inject-2');
    await http()
      .get(`/shout?name=${encodeURIComponent(`bob\n${FAKE}`)}`)
      .set('X-Request-Id', 'inject-3');
    // Every request's own line has been written (pretty lines pass through a stream first).
    const ids = ['inject-1', 'inject-2', 'inject-3'];
    if (format === 'json') {
      for (const id of ids) await capture.request(id);
    } else {
      await waitUntil(
        () =>
          ids.every((id) =>
            raw.some((chunk) => chunk.includes(id) && /request (completed|failed)/.test(chunk)),
          ),
        10_000,
        () => `request lines missing; got:\n${raw.join('')}`,
      );
    }
    await app.close();
    if (format === 'json') {
      for (const line of capture.raw) expect(() => JSON.parse(line)).not.toThrow();
      expect(capture.lines.some((l: LogRecord) => 'injected' in l)).toBe(false);
      expect(capture.forRequest('inject-1')).toHaveLength(1);
      expect(capture.forRequest('inject-2')).toHaveLength(1);
      expect(capture.forRequest('inject-3').map((l) => l.msg)).toEqual([
        `shouting at bob\n${FAKE}`,
        'request completed',
      ]);
    } else {
      const text = raw.join('');
      expect(text).toContain('inject-1');
      for (const line of text.split('\n')) expect(line.startsWith('{"level":60')).toBe(false);
      expect(text).not.toMatch(/\n\{"level":60/);
    }
  });
});

describe('file output', () => {
  it('writes error lines to a rotating file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-logs-'));
    const f = await start({ logging: { file: { path: join(dir, 'errors.log'), size: '1m', retain: 3 } } });
    const res = await f.http().get('/boom');
    await f.http().get('/greet');
    // A second error line, written after the /greet line would have been: once it is in the file,
    // everything before it is.
    const last = await f.http().get('/boom');
    await f.capture.request(last.body.requestId);
    await f.app.close();
    /** The complete lines of the log files so far (a worker thread writes them). */
    const fileLines = (): LogRecord[] =>
      readdirSync(dir)
        .filter((name) => name.startsWith('errors'))
        .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').slice(0, -1))
        .map((l) => JSON.parse(l) as LogRecord);
    await waitUntil(
      () => fileLines().some((l) => l.requestId === last.body.requestId),
      10_000,
      () => `the last error line never reached the file; got ${JSON.stringify(fileLines())}`,
      20,
    );
    const lines = fileLines();
    expect(lines.map((l) => l.requestId)).toEqual([res.body.requestId, last.body.requestId]);
    expect(lines.map((l) => l.level)).toEqual([LEVEL.error, LEVEL.error]);
  });
});

describe('logging: false', () => {
  it("logs failures through Nest's Logger, once", async () => {
    const messages: { level: string; message: string }[] = [];
    const logger = {
      log: (m: unknown) => messages.push({ level: 'log', message: String(m) }),
      error: (m: unknown) => messages.push({ level: 'error', message: String(m) }),
      warn: (m: unknown) => messages.push({ level: 'warn', message: String(m) }),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [fixtureModule({ logging: false }, new LogCapture())],
    }).compile();
    const app = await initTestApplication(moduleRef, { logger });
    const res = await request(app.getHttpServer()).get('/boom');
    const mine = messages.filter((m) => m.message.includes(res.body.requestId));
    expect(mine).toEqual([expect.objectContaining({ level: 'error' })]);
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
    await app.close();
  });
});
