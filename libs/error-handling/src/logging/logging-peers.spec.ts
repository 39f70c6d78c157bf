import { Controller, Get, type INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule } from '../error-handling.module';
import type { ErrorHandlingModuleOptions } from '../error-handling.options';
import { NotFoundError } from '../errors/app.error';
import { FaultlineConfigError } from '../kernel/faultline-config.error';

// pino and nestjs-pino are installed in this repository; here they look missing: loading either
// fails as Node fails for a package that is not there.
const loaded: string[] = [];
function missing(name: string): never {
  loaded.push(name);
  throw Object.assign(new Error(`Cannot find module '${name}' from 'logging-peers.spec.ts'`), {
    code: 'MODULE_NOT_FOUND',
  });
}
jest.mock('pino', () => missing('pino'));
jest.mock('nestjs-pino', () => missing('nestjs-pino'));
jest.mock('../kernel/peer-require', () => {
  const actual = jest.requireActual<typeof import('../kernel/peer-require')>('../kernel/peer-require');
  return {
    ...actual,
    hasPeer: (name: string) => !['pino', 'nestjs-pino'].includes(name) && actual.hasPeer(name),
  };
});

@Controller()
class ThingsController {
  @Get('things/1')
  thing(): never {
    throw new NotFoundError('No such thing');
  }
}

const OFF: ErrorHandlingModuleOptions = { logging: false, audit: false, health: false, metrics: false };

async function start(module: ReturnType<typeof ErrorHandlingModule.forRoot>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [module],
    controllers: [ThingsController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('logging without pino and nestjs-pino installed', () => {
  beforeEach(() => (loaded.length = 0));

  it.each([
    ['forRoot', () => ErrorHandlingModule.forRoot(OFF)],
    ['forRootAsync', () => ErrorHandlingModule.forRootAsync({ useFactory: () => OFF })],
  ])('with logging: false (%s), starts and answers problem bodies', async (_how, module) => {
    const app = await start(module());
    try {
      const res = await request(app.getHttpServer()).get('/things/1').expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', requestId: res.headers['x-request-id'] });
    } finally {
      await app.close();
    }
  });

  it('with logging: false (forRoot), does not even try to load them', async () => {
    const app = await start(ErrorHandlingModule.forRoot(OFF));
    await app.close();
    expect(loaded).toEqual([]);
  });

  it.each([
    ['forRoot', () => ErrorHandlingModule.forRoot({ ...OFF, logging: {} })],
    ['forRootAsync', () => ErrorHandlingModule.forRootAsync({ useFactory: () => ({ ...OFF, logging: {} }) })],
  ])('with logging on (%s), stops start-up naming logging and the package', async (_how, module) => {
    const error = await start(module()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FaultlineConfigError);
    expect((error as FaultlineConfigError).option).toBe('logging');
    expect((error as Error).message).toMatch(/needs the package (pino|nestjs-pino), which is not installed/);
    expect((error as Error).message).toContain('set logging: false');
  });

  it.each([
    ['forRoot', () => ErrorHandlingModule.forRoot({ ...OFF, logging: undefined })],
    [
      'forRootAsync',
      () => ErrorHandlingModule.forRootAsync({ useFactory: () => ({ ...OFF, logging: undefined }) }),
    ],
  ])('left unset (%s), turns logging off with one notice naming the packages', async (_how, module) => {
    const notices: string[] = [];
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      notices.push(String(message));
    });
    try {
      const app = await start(module());
      try {
        await request(app.getHttpServer()).get('/things/1').expect(404);
      } finally {
        await app.close();
      }
    } finally {
      log.mockRestore();
    }
    expect(notices.filter((n) => n.startsWith("Faultline's logging is off"))).toEqual([
      expect.stringContaining('nestjs-pino and pino are not installed'),
    ]);
    expect(notices.join('\n')).toContain('npm install nestjs-pino pino');
  });
});
