import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { BenchRoutesModule, port } from './routes';

// Faultline with everything on: filter, pino logging with request context and redaction,
// channels, its validation pipe, Prometheus metrics (/metrics) and the probes (/health, /ready).
// (Audit and alerts join as they land.)
@Module({
  imports: [
    ErrorHandlingModule.forRoot({
      logging: { format: 'json', level: 'info' },
      metrics: {},
      health: { eventLoopLag: { maxMs: 1000 } },
    }),
    BenchRoutesModule,
  ],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
void main();
