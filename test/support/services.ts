import { Client } from 'pg';
import { Redis } from 'ioredis';

/** Connection string of the test PostgreSQL (TEST_DATABASE_URL, default the local server). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** URL of the test Redis (TEST_REDIS_URL, default the local server). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether PostgreSQL answers. Where it does not, tests that need it are skipped with a printed
 * notice, except under CI=true, where a missing service fails the run.
 */
export async function postgresAvailable(url = TEST_DATABASE_URL): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  return answers('PostgreSQL', url, async () => {
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}

/** Whether Redis answers PING; skips (or fails under CI=true) like {@link postgresAvailable}. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  return answers('Redis', url, async () => {
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
}

async function answers(service: string, url: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true') {
      throw new Error(`${service} is required under CI=true but ${url} is unreachable: ${reason}`);
    }
    process.stdout.write(`\n[skip] ${service} at ${url} is unreachable (${reason}); its tests are skipped\n`);
    return false;
  }
}
