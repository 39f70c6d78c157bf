import 'reflect-metadata';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule, type ErrorHandlingModuleOptions } from 'nestjs-faultline';
import { BenchRoutesModule, port } from './routes';

// Faultline with everything on: filter, pino logging with request context and redaction,
// channels, its validation pipe, audit and security events (log channels), Prometheus metrics
// (/metrics), the probes (/health, /ready), and alerts to the webhook in ALERT_WEBHOOK_URL (the
// harness points it at a local receiver; unset, alerts are off). `overrides` replace options
// whole (the audited route's apps set `audit`).
export function faultlineEverythingOn(overrides: ErrorHandlingModuleOptions = {}): DynamicModule {
  const webhook = process.env.ALERT_WEBHOOK_URL;
  return ErrorHandlingModule.forRoot({
    logging: { format: 'json', level: 'info' },
    metrics: {},
    health: { eventLoopLag: { maxMs: 1000 } },
    alerts: webhook ? { webhook: { url: webhook } } : false,
    ...overrides,
  });
}

@Module({ imports: [faultlineEverythingOn(), BenchRoutesModule] })
export class FaultlineBenchModule {}

/** Starts the app on PORT; bench/apps/faultline-sentry.ts starts it after the instrument entry. */
export async function main(): Promise<INestApplication> {
  const app = await NestFactory.create(FaultlineBenchModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
  return app;
}
// Started when run, not when bench/apps/faultline-fastify.ts imports the module.
if (require.main === module) void main();
