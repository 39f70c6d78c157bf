import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BenchRoutesModule, port } from './routes';

// NestJS on Fastify with Fastify's own pino logger on (`logger: true`: a JSON line to stdout when
// a request comes in and one when it completes, at info, and errors logged by Fastify): what a
// team on Fastify runs for request logging. The Fastify baseline of the Fastify ratios.
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    BenchRoutesModule,
    new FastifyAdapter({ logger: true }),
    { logger: ['fatal', 'error', 'warn', 'log'] },
  );
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}
void main();
