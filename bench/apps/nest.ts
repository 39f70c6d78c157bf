import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BenchRoutesModule, port } from './routes';

// Bare NestJS 11 on Express with the default exception filter and ValidationPipe.
async function main(): Promise<void> {
  const app = await NestFactory.create(BenchRoutesModule, { logger: ['fatal', 'error', 'warn', 'log'] });
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}
void main();
