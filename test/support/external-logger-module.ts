import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import { ErrorHandlingModule, type ErrorHandlingModuleOptions } from 'nestjs-faultline';
import { LEVEL, LogCapture } from './log-capture';
import { withCapture } from './fixture-app';

// Each use in a spec file of its own: nestjs-pino 5 builds one pino-http instance per process
// (the first LoggerModule's), so the application's LoggerModule is only its own in a module
// registry where no other application came first. Jest gives each file its own registry.

@Controller()
class ExternalController {
  @Get('greet')
  greet() {
    return { text: 'hello' };
  }

  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }
}

async function start(options: ErrorHandlingModuleOptions, extraImports: unknown[], faultlineFirst: boolean) {
  const capture = new LogCapture();
  const faultline = ErrorHandlingModule.forRoot(withCapture(options, capture));
  @Module({
    imports: faultlineFirst ? [faultline, ...(extraImports as [])] : [...(extraImports as []), faultline],
    controllers: [ExternalController],
  })
  class FixtureModule {}
  const moduleRef = await Test.createTestingModule({ imports: [FixtureModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return { app, capture, http: () => request(app.getHttpServer()) };
}

/**
 * An application that imports nestjs-pino's LoggerModule itself, before or after Faultline: its
 * pino-http writes the request lines, and Faultline adds one redacted failure line with the
 * requestId through its own logger.
 */
export async function checkApplicationLoggerModule(faultlineFirst: boolean): Promise<void> {
  const theirs = new LogCapture();
  const f = await start(
    { debug: false },
    [LoggerModule.forRoot({ pinoHttp: { stream: theirs } as never })],
    faultlineFirst,
  );
  const ok = await f.http().get('/greet');
  expect(ok.status).toBe(200);
  const res = await f.http().get('/boom?token=abc123secret');
  expect(res.status).toBe(500);
  // Both loggers have written the /boom request's lines.
  await theirs.waitFor((lines) =>
    lines.some((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 500),
  );
  await f.capture.request(res.body.requestId);
  const requestLines = theirs.lines.filter(
    (l) => l.msg === 'request completed' || l.msg === 'request errored',
  );
  expect(requestLines.map((l) => (l.res as { statusCode: number }).statusCode)).toEqual([200, 500]);
  // Faultline's failure line goes through Faultline's own logger: the application's
  // serializers and raw request bindings never touch it.
  expect(theirs.lines.some((l) => l.msg === 'request failed')).toBe(false);
  const ours = f.capture.lines.filter((l) => /^request /.test(String(l.msg)));
  expect(ours).toEqual([
    expect.objectContaining({
      msg: 'request failed',
      level: LEVEL.error,
      code: 'INTERNAL_ERROR',
      url: '/boom?token=[REDACTED]',
      requestId: res.body.requestId,
    }),
  ]);
  expect((ours[0].err as { type: string; stack: string }).type).toBe('Error');
  await f.app.close();
}
