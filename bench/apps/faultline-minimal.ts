import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { BenchRoutesModule, port } from './routes';

// Faultline minimal: the exception filter and its validation pipe; logging left to Nest, no
// audit, metrics, probes or alerts.
@Module({
  imports: [
    ErrorHandlingModule.forRoot({
      logging: false,
      audit: false,
      metrics: false,
      health: false,
      alerts: false,
    }),
    BenchRoutesModule,
  ],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['fatal', 'error', 'warn', 'log'] });
  await app.listen(port(), '127.0.0.1');
}
void main();
