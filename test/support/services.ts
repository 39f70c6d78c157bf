import { Client } from 'pg';

/** Connection string of the test PostgreSQL (TEST_DATABASE_URL, default the local server). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. Where it does not, tests that need it are skipped with a printed
 * notice, except under CI=true, where a missing service fails the run.
 */
export async function postgresAvailable(url = TEST_DATABASE_URL): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    return unavailable('PostgreSQL', url, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connection string of the test Redis (TEST_REDIS_URL, default the local server). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers PING; skips (or fails under CI=true) like {@link postgresAvailable}. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (err) {
    return unavailable('Redis', url, err);
  } finally {
    client.disconnect();
  }
}

/** A service that does not answer: false with a printed notice, or under CI=true a failure. */
function unavailable(service: string, url: string, err: unknown): false {
  const reason = err instanceof Error ? err.message : String(err);
  if (process.env.CI === 'true') {
    throw new Error(`${service} is required under CI=true but ${url} is unreachable: ${reason}`);
  }
  process.stdout.write(`\n[skip] ${service} at ${url} is unreachable (${reason}); its tests are skipped\n`);
  return false;
}
