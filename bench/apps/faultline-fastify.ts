import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { FaultlineBenchModule } from './faultline';
import { port } from './routes';

// Faultline with everything on, the module of bench/apps/faultline.ts, on Fastify: filter, pino logging with
// request context and redaction, channels, its validation pipe, audit and security events (log
// channels), Prometheus metrics (/metrics), the probes (/health, /ready), and alerts to the
// webhook in ALERT_WEBHOOK_URL. Fastify's own logger stays off: Faultline writes the request lines.
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FaultlineBenchModule, new FastifyAdapter(), {
    bufferLogs: true,
  });
  await app.listen(port(), '127.0.0.1');
}
void main();
