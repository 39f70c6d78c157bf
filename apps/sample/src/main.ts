// First: initialises Sentry when SENTRY_DSN is set (errors only), before anything else loads.
import 'nestjs-faultline/instrument';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { enableGracefulShutdown } from 'nestjs-faultline';
import { createSampleApp } from './bootstrap';
import { loadConfig } from './sample.config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createSampleApp(config);
  // On SIGTERM or SIGINT: /ready answers 503 at once, requests in flight finish (within
  // SHUTDOWN_GRACE_MS), the audit queue is flushed, connections close, and the process exits 0.
  enableGracefulShutdown(app);
  // Fastify listens on localhost unless told otherwise; Express on every interface.
  if (config.httpAdapter === 'fastify') await app.listen(config.port, '0.0.0.0');
  else await app.listen(config.port);
  const address = app.getHttpServer().address() as { port: number } | null;
  new Logger('Sample').log(`listening on http://localhost:${address?.port ?? config.port}`);
}

main().catch((err: unknown) => {
  new Logger('Sample').error('failed to start', err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
