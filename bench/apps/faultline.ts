import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { BenchRoutesModule, port } from './routes';

// Faultline with everything on: filter, pino logging with request context and redaction,
// channels, and its validation pipe. (Audit, metrics and alerts join as they land.)
@Module({
  imports: [ErrorHandlingModule.forRoot({ logging: { format: 'json', level: 'info' } }), BenchRoutesModule],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
void main();
