import './sentry-instrument';
import 'reflect-metadata';
import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { SentryGlobalFilter, SentryModule } from '@sentry/nestjs/setup';
import { Logger, LoggerModule } from 'nestjs-pino';
import { BenchRoutesModule, port } from './routes';

// NestJS + nestjs-pino + @sentry/nestjs set up as Sentry's docs show, SentryGlobalFilter included.
@Module({
  imports: [SentryModule.forRoot(), LoggerModule.forRoot({ pinoHttp: { level: 'info' } }), BenchRoutesModule],
  providers: [{ provide: APP_FILTER, useClass: SentryGlobalFilter }],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}
void main();
