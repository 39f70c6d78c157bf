import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import type { DescribeBlock, TestCase } from './services';

/** The HTTP platforms the e2e suite runs on. */
export type TestAdapter = 'express' | 'fastify';

/** The platform the e2e suite runs on: `HTTP_ADAPTER=fastify`, else Express. */
export const TEST_ADAPTER: TestAdapter = process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';

/** True when the suite runs on Fastify. */
export const onFastify = TEST_ADAPTER === 'fastify';

/**
 * A new adapter of the suite's platform for `createNestApplication` / `NestFactory.create`, or
 * undefined for Express (Nest's default).
 */
export function testHttpAdapter(platform: TestAdapter = TEST_ADAPTER): AbstractHttpAdapter | undefined {
  if (platform !== 'fastify') return undefined;
  // Loaded only on the Fastify leg.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FastifyAdapter } = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
  return new FastifyAdapter();
}

/**
 * After `app.init()`: on Fastify, waits until the instance is ready (its routes, hooks and
 * plugins loaded), which supertest needs before it sends to `app.getHttpServer()`.
 */
export async function readyForRequests(app: INestApplication): Promise<void> {
  if (app.getHttpAdapter().getType() !== 'fastify') return;
  const instance = app.getHttpAdapter().getInstance() as { ready(): PromiseLike<unknown> };
  await instance.ready();
}

/**
 * `moduleRef.createNestApplication(options)` on the suite's platform (or `platform`), then
 * `setup` (what a main.ts does before listening: global pipes, a prefix, CORS), `app.init()` and,
 * on Fastify, its `ready()`.
 */
export async function initTestApplication<T extends INestApplication = INestApplication>(
  moduleRef: TestingModule,
  options: NestApplicationOptions = {},
  platform: TestAdapter = TEST_ADAPTER,
  setup?: (app: T) => void,
): Promise<T> {
  const adapter = testHttpAdapter(platform);
  const app = adapter
    ? moduleRef.createNestApplication<T>(adapter, options)
    : moduleRef.createNestApplication<T>(options);
  setup?.(app);
  await app.init();
  await readyForRequests(app);
  return app;
}

/**
 * `describe`, or on a platform the tests do not apply to, `describe.skip` with the reason in the
 * title (`(skipped on fastify: ...)`), like `describeWith` for services.
 */
export function describeOn(platform: TestAdapter, why: string): DescribeBlock {
  if (TEST_ADAPTER === platform) return describe;
  return (name, fn) => describe.skip(`${name} (skipped on ${TEST_ADAPTER}: ${why})`, fn);
}

/** `it`, or `it.skip` with the reason in its title on the other platform; see {@link describeOn}. */
export function itOn(platform: TestAdapter, why: string): TestCase {
  if (TEST_ADAPTER === platform) return it;
  return (name, fn, timeout) => it.skip(`${name} (skipped on ${TEST_ADAPTER}: ${why})`, fn, timeout);
}
