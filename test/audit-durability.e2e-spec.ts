import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { AuditEvent } from '../libs/error-handling/src/audit/audit-event.interface';
import { AuditWriter, type AuditSpillReason } from '../libs/error-handling/src/audit/audit-writer';
import { SqlAuditStore } from '../libs/error-handling/src/audit/sql-audit.store';
import { describeWith, TEST_DATABASE_URL } from './support/services';
import { FlakyProxy } from './support/tcp-proxy';
import { waitUntil } from './support/wait';

/** Generous: the suite must pass on a small machine kept busy by other work. */
const WAIT_MS = 20_000;

async function waitFor(what: string, test: () => boolean | Promise<boolean>): Promise<void> {
  await waitUntil(test, WAIT_MS, () => `timed out after ${WAIT_MS} ms waiting for ${what}`, 20);
}

function event(): AuditEvent {
  return { id: randomUUID(), timestamp: new Date(), kind: 'audit', action: 'DURABILITY', outcome: 'success' };
}

describeWith('postgres')('audit durability through a failing connection to PostgreSQL', () => {
  let direct: Pool;
  let proxy: FlakyProxy;
  let pool: Pool;
  const tables: string[] = [];
  const writers: AuditWriter[] = [];

  async function setup(writerOptions: ConstructorParameters<typeof AuditWriter>[2]) {
    const table = `audit_test_${randomBytes(4).toString('hex')}`;
    tables.push(table);
    const store = new SqlAuditStore({ executor: pool, table });
    await store.init();
    const spilled: { events: AuditEvent[]; reason: AuditSpillReason }[] = [];
    const errors: unknown[] = [];
    const writer = new AuditWriter(store, (events, reason) => spilled.push({ events, reason }), {
      batchSize: 10,
      flushIntervalMs: 20,
      retryBaseMs: 20,
      retryMaxMs: 200,
      writeTimeoutMs: 3000,
      onError: (err) => errors.push(err),
      ...writerOptions,
    });
    writers.push(writer);
    const stored = async () => {
      const { rows } = await direct.query(`SELECT id FROM "${table}"`);
      return rows.map((r) => r.id as string);
    };
    return { writer, spilled, errors, stored, table };
  }

  beforeAll(async () => {
    direct = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    proxy = await FlakyProxy.inFrontOf(TEST_DATABASE_URL);
    pool = new Pool({ connectionString: proxy.via(TEST_DATABASE_URL), max: 2, connectionTimeoutMillis: 500 });
    // Cut connections surface here when idle; the next statement fails and is retried.
    pool.on('error', () => undefined);
  });

  afterEach(() => proxy?.restore());

  afterAll(async () => {
    for (const w of writers) await w.close(0);
    await pool.end().catch(() => undefined);
    await proxy.close();
    for (const t of tables) await direct.query(`DROP TABLE IF EXISTS "${t}"`);
    await direct.end();
  });

  it('writes every event exactly once across lost replies, a cut and a restore', async () => {
    const { writer, spilled, errors, stored } = await setup({});
    const recorded: string[] = [];
    const record = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const e = event();
        recorded.push(e.id);
        writer.enqueue(e);
        // Lets the writer take batches between enqueues, as when events come from many requests.
        if (i % 10 === 9) await new Promise(setImmediate);
      }
    };

    await record(100);
    await expect(writer.flush(WAIT_MS)).resolves.toBe(true);
    expect((await stored()).length).toBe(100);

    // Writes land but the writer hears of a failure: the retries must not write them twice.
    proxy.loseReplies();
    await record(100);
    await waitFor('failed writes', () => writer.stats.writeFailures >= 3);
    const landedUnacknowledged = (await stored()).length - writer.stats.written;
    expect(landedUnacknowledged).toBeGreaterThan(0);

    // The database is unreachable: events stay queued.
    proxy.cut();
    const before = (await stored()).length;
    const failuresAtCut = writer.stats.writeFailures;
    await record(100);
    // Two more failed attempts: at least one of them started after the cut (the first may have
    // been in flight at it), so the writer tried the unreachable database and could not write.
    await waitFor('failed writes after the cut', () => writer.stats.writeFailures >= failuresAtCut + 2);
    expect(writer.stats.queued).toBeGreaterThan(0);
    expect((await stored()).length).toBe(before);

    proxy.restore();
    await record(100);
    await expect(writer.flush(WAIT_MS)).resolves.toBe(true);

    const { rows } = await direct.query(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM "${tables.at(-1)}"`,
    );
    expect(rows[0]).toEqual({ n: 400, d: 400 });
    expect((await stored()).sort()).toEqual([...recorded].sort());
    expect(writer.stats).toMatchObject({ queued: 0, written: 400, spilledOverflow: 0, spilledShutdown: 0 });
    expect(writer.stats.writeFailures).toBeGreaterThan(0);
    expect(errors).toHaveLength(writer.stats.writeFailures);
    expect(spilled).toEqual([]);
  }, 90_000);

  it('sends the excess to the spill on overflow and at shutdown, counted, none lost', async () => {
    const { writer, spilled, stored } = await setup({ batchSize: 5, maxQueue: 20 });
    const recorded: string[] = [];
    const record = (n: number) => {
      for (let i = 0; i < n; i++) {
        const e = event();
        recorded.push(e.id);
        writer.enqueue(e);
      }
    };

    proxy.cut();
    record(100);
    expect(writer.stats).toMatchObject({ queued: 20, spilledOverflow: 80 });
    expect(spilled.every((s) => s.reason === 'overflow' && s.events.length === 1)).toBe(true);
    expect(spilled.flatMap((s) => s.events.map((e) => e.id))).toEqual(recorded.slice(20)); // the newest
    await waitFor('failed writes', () => writer.stats.writeFailures >= 2);

    proxy.restore();
    await expect(writer.flush(WAIT_MS)).resolves.toBe(true);
    expect((await stored()).sort()).toEqual(recorded.slice(0, 20).sort());

    // Shutdown while the database is unreachable: what is queued goes to the spill.
    proxy.cut();
    record(10);
    await writer.close(300);
    expect(spilled.at(-1)).toMatchObject({ reason: 'shutdown' });
    expect(spilled.at(-1)!.events.map((e) => e.id)).toEqual(recorded.slice(100));

    const spilledIds = spilled.flatMap((s) => s.events.map((e) => e.id));
    const storedIds = await stored();
    const { written, spilledOverflow, spilledShutdown } = writer.stats;
    expect({ written, spilledOverflow, spilledShutdown }).toEqual({
      written: 20,
      spilledOverflow: 80,
      spilledShutdown: 10,
    });
    expect(written + spilledOverflow + spilledShutdown).toBe(recorded.length);
    expect([...storedIds, ...spilledIds].sort()).toEqual([...recorded].sort()); // each exactly once
  }, 60_000);
});
