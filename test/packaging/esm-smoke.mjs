// Nest dependency injection on Faultline's ES module build: an ES module app (no TypeScript,
// decorators applied by hand) imports 'nestjs-faultline' as ESM, creates a Nest app with
// ErrorHandlingModule.forRoot(), and checks two problem bodies: an unknown route's 404 and a
// NotFoundError thrown by a handler. Prints one line, `esm-smoke: {json}`, among the app's log
// lines, and exits 0 when both are right.
// Run: node test/packaging/esm-smoke.mjs (from the repository, after `npm run build:lib`), or
// from any folder where 'nestjs-faultline' and its peers resolve (test/packaging/packaging.test.js).
import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import * as faultline from 'nestjs-faultline';

const { ErrorHandlingModule, NotFoundError } = faultline;
const entry = import.meta.resolve('nestjs-faultline');
if (!/\/dist\/esm\/index\.js$/.test(entry))
  throw new Error(`'nestjs-faultline' resolved to ${entry}, not the ES module build`);

class ThingsController {
  get(id) {
    throw new NotFoundError('Thing', id);
  }
}
Param('id')(ThingsController.prototype, 'get', 0);
Get(':id')(
  ThingsController.prototype,
  'get',
  Object.getOwnPropertyDescriptor(ThingsController.prototype, 'get'),
);
Controller('things')(ThingsController);

class AppModule {}
Module({ imports: [ErrorHandlingModule.forRoot()], controllers: [ThingsController] })(AppModule);

// abortOnError: false, so a start-up error is thrown (and printed) rather than exiting silently.
const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();
const fetchProblem = async (path) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
};
try {
  const unknown = await fetchProblem('/no-such-route');
  const thing = await fetchProblem('/things/42');
  const ok =
    unknown.status === 404 &&
    unknown.type.startsWith('application/problem+json') &&
    unknown.body.code === 'NOT_FOUND' &&
    typeof unknown.body.requestId === 'string' &&
    thing.status === 404 &&
    thing.body.code === 'NOT_FOUND' &&
    thing.body.detail === 'Thing not found: 42';
  process.stdout.write(`esm-smoke: ${JSON.stringify({ ok, entry, unknown, thing })}\n`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await app.close();
}
