import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSampleApp } from './bootstrap';
import { loadConfig } from './sample.config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createSampleApp(config);
  await app.listen(config.port);
  new Logger('Sample').log(`listening on http://localhost:${config.port}`);
}

main().catch((err: unknown) => {
  new Logger('Sample').error('failed to start', err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
