import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule, type ErrorHandlingModuleOptions } from 'nestjs-faultline';
import { initTestApplication, type TestAdapter } from './http-adapter';
import { LogCapture } from './log-capture';
import { CapturingLogger } from './sample-app';

/** A small app around one controller, with Faultline configured by `options`. */
export interface FixtureApp {
  app: INestApplication;
  /** What Nest's own logger received (start-up lines; failures when logging is off). */
  logs: CapturingLogger;
  /** The JSON lines of Faultline's pino logging. */
  pino: LogCapture;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Builds and starts a fixture app; pass `module` to use forRootAsync or another import,
 * `providers` for services of the app's own, and `setup` for what its main.ts does before
 * `init()` (global pipes, CORS).
 */
export async function startFixture(
  controllers: Type<unknown>[],
  options: ErrorHandlingModuleOptions | { module: DynamicModule } = {},
  platform?: TestAdapter,
  providers: Type<unknown>[] = [],
  setup?: (app: INestApplication) => void,
): Promise<FixtureApp> {
  const pino = new LogCapture();
  const imports = [
    'module' in options
      ? options.module
      : ErrorHandlingModule.forRoot(withCapture(options as ErrorHandlingModuleOptions, pino)),
  ];
  const moduleRef = await Test.createTestingModule({ imports, controllers, providers }).compile();
  const logs = new CapturingLogger();
  // The suite's platform (Express, or Fastify with HTTP_ADAPTER=fastify) unless `platform` is given.
  const app = await initTestApplication(moduleRef, { logger: logs }, platform, setup);
  const server = app.getHttpServer();
  return { app, logs, pino, http: () => request(server), close: () => app.close() };
}

/** JSON logging into `capture`, keeping Nest's own logger for the app (tests run several apps). */
export function withCapture(
  options: ErrorHandlingModuleOptions,
  capture: LogCapture,
): ErrorHandlingModuleOptions {
  if (options.logging === false) return options;
  return {
    ...options,
    logging: { format: 'json', useAsNestLogger: false, destination: capture, ...options.logging },
  };
}
