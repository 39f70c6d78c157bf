// First: initialises Sentry when SENTRY_DSN is set (errors only), before anything else loads.
import 'nestjs-faultline/instrument';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSampleApp } from './bootstrap';
import { loadConfig } from './sample.config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createSampleApp(config);
  await app.listen(config.port);
  const address = app.getHttpServer().address() as { port: number } | null;
  new Logger('Sample').log(`listening on http://localhost:${address?.port ?? config.port}`);
  // Close cleanly (hooks run, connections close) and exit 0, as an orchestrator expects.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      new Logger('Sample').log(`${signal} received, shutting down`);
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          new Logger('Sample').error('shutdown failed', err instanceof Error ? err.stack : String(err));
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  new Logger('Sample').error('failed to start', err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
