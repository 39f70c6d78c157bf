import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule, type ErrorHandlingModuleOptions } from 'nestjs-faultline';
import { CapturingLogger } from './sample-app';

/** A small app around one controller, with Faultline configured by `options`. */
export interface FixtureApp {
  app: INestApplication;
  logs: CapturingLogger;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Builds and starts a fixture app; pass `module` to use forRootAsync or another import. */
export async function startFixture(
  controllers: Type<unknown>[],
  options: ErrorHandlingModuleOptions | { module: DynamicModule } = {},
): Promise<FixtureApp> {
  const imports = [
    'module' in options ? options.module : ErrorHandlingModule.forRoot(options as ErrorHandlingModuleOptions),
  ];
  const moduleRef = await Test.createTestingModule({ imports, controllers }).compile();
  const logs = new CapturingLogger();
  const app = moduleRef.createNestApplication({ logger: logs });
  await app.init();
  const server = app.getHttpServer();
  return { app, logs, http: () => request(server), close: () => app.close() };
}
