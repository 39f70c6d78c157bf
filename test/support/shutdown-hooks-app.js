'use strict';
// An application closed by Nest's own `enableShutdownHooks()`: on SIGTERM Nest runs the shutdown
// hooks, then raises the signal again, which ends the process without an 'exit' event. Its one
// route answers only once SIGTERM has come, so its request is in flight during the shutdown.
// Prints `listening <port>`, and `handling` once the request is in its handler, on stderr (stdout
// carries the JSON log lines).
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ErrorHandlingModule } = require('nestjs-faultline');

// Registered before Nest's own listener, and once: the signal raised again finds no listener.
const terminated = new Promise((resolve) => process.once('SIGTERM', resolve));

class SlowController {
  async slow() {
    process.stderr.write('handling\n');
    await terminated;
    return { ok: true };
  }
}
Get('slow')(
  SlowController.prototype,
  'slow',
  Object.getOwnPropertyDescriptor(SlowController.prototype, 'slow'),
);
Controller()(SlowController);

class AppModule {}
Module({
  imports: [ErrorHandlingModule.forRoot({ logging: { format: 'json' } })],
  controllers: [SlowController],
})(AppModule);

async function main() {
  // The suite's platform: Fastify with HTTP_ADAPTER=fastify, else Express.
  const adapter =
    process.env.HTTP_ADAPTER === 'fastify'
      ? [new (require('@nestjs/platform-fastify').FastifyAdapter)()]
      : [];
  const app = await NestFactory.create(AppModule, ...adapter, { bufferLogs: true });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  process.stderr.write(`listening ${app.getHttpServer().address().port}\n`);
}
void main();
