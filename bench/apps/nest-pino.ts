import 'reflect-metadata';
import { Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import { BenchRoutesModule, port } from './routes';

// NestJS + nestjs-pino with its default request logging, as its README sets it up: what most teams run.
@Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'info' } }), BenchRoutesModule] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}
void main();
