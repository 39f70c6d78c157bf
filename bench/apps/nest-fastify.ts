import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BenchRoutesModule, port } from './routes';

// Bare NestJS 11 on Fastify (@nestjs/platform-fastify) with the default exception filter and
// ValidationPipe; Fastify's logger off (its default).
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BenchRoutesModule, new FastifyAdapter(), {
    logger: ['fatal', 'error', 'warn', 'log'],
  });
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}
void main();
