import 'reflect-metadata';
import { Module, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import { BenchRoutesModule, port } from './routes';

/**
 * NestJS + nestjs-pino with its default request logging, as its README sets it up (what most
 * teams run), serving the routes of `routes`.
 */
export async function listenWithPino(routes: Type<unknown>): Promise<void> {
  @Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'info' } }), routes] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}

// Started when run, not when bench/apps/graphql-nest-pino.ts imports it.
if (require.main === module) void listenWithPino(BenchRoutesModule);
