// First: initialises Sentry from SENTRY_DSN (the bench's local receiver), errors only.
import 'nestjs-faultline/instrument';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { BenchRoutesModule, port } from './routes';

// "Faultline (everything on)" with Sentry reporting on, in its default errors-only mode.
@Module({
  imports: [ErrorHandlingModule.forRoot({ logging: { format: 'json', level: 'info' } }), BenchRoutesModule],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
void main();
