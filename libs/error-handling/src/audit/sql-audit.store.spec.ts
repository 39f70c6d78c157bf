import { configErrorOf as configError } from '../kernel/config-error.testing';
import type { SqlExecutor } from './audit-store.interface';
import { SqlAuditStore } from './sql-audit.store';

/** Remembers statements; answers with no rows. The real databases are in test/audit-store.e2e-spec.ts. */
class RecordingExecutor implements SqlExecutor {
  readonly calls: { text: string; params?: unknown[] }[] = [];
  async query(text: string, params?: unknown[]) {
    this.calls.push({ text, params });
    return { rows: [], rowCount: 0 };
  }
}

describe('SqlAuditStore options', () => {
  it('needs exactly one of executor and connectionString', () => {
    expect(configError(() => new SqlAuditStore({})).option).toBe('audit.sql');
    expect(
      configError(
        () =>
          new SqlAuditStore({
            executor: new RecordingExecutor(),
            connectionString: 'postgres://localhost/x',
          }),
      ).option,
    ).toBe('audit.sql');
  });

  it('rejects an executor without query()', () => {
    const error = configError(() => new SqlAuditStore({ executor: {} as SqlExecutor }));
    expect(error.option).toBe('audit.sql.executor');
  });

  it('rejects a bad table name at construction', () => {
    const error = configError(() => new SqlAuditStore({ executor: new RecordingExecutor(), table: 'x;y' }));
    expect(error.option).toBe('audit.sql.table');
  });

  it('opens no connection until used, and closes only the pool it opened', async () => {
    const store = new SqlAuditStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.close()).resolves.toBeUndefined(); // twice is fine

    const executor = Object.assign(new RecordingExecutor(), { end: jest.fn() });
    await new SqlAuditStore({ executor }).close();
    expect(executor.end).not.toHaveBeenCalled();
  });

  it('creates the schema on first use when init() was not called, and only once', async () => {
    const executor = new RecordingExecutor();
    const store = new SqlAuditStore({ executor });
    await store.query({});
    await store.query({});
    expect(executor.calls.filter((c) => c.text.includes('CREATE TABLE'))).toHaveLength(1);
  });

  it('runs no DDL with createSchema: false', async () => {
    const executor = new RecordingExecutor();
    const store = new SqlAuditStore({ executor, createSchema: false });
    await store.init();
    await store.query({});
    expect(executor.calls.some((c) => c.text.includes('CREATE'))).toBe(false);
  });

  it('writes a batch as one INSERT … ON CONFLICT DO NOTHING of one JSON parameter, 1000 rows at most', async () => {
    const executor = new RecordingExecutor();
    const store = new SqlAuditStore({ executor, createSchema: false });
    const events = Array.from({ length: 2500 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      timestamp: new Date(),
      kind: 'audit' as const,
      action: 'X',
      outcome: 'success' as const,
    }));
    await store.write(events);
    // One parameter (the rows as JSON) whatever the batch size: far from the 65535 limit.
    expect(executor.calls.map((c) => c.params!.length)).toEqual([1, 1, 1]);
    const batches = executor.calls.map((c) => JSON.parse(c.params![0] as string) as { id: string }[]);
    expect(batches.map((rows) => rows.length)).toEqual([1000, 1000, 500]);
    expect(batches[2].map((row) => row.id)).toEqual(events.slice(2000).map((e) => e.id));
    for (const { text } of executor.calls) {
      expect(text).toMatch(
        /^INSERT INTO "faultline_audit_events" \(id, ts, .*, data\) SELECT "id", "timestamp", .*, "data" FROM json_to_recordset\(\$1::json\) AS r\("id" uuid, "timestamp" timestamptz, .*, "data" jsonb\) /,
      );
      expect(text).toMatch(/ON CONFLICT \(id\) DO NOTHING$/);
    }
  });

  it('refuses an event whose id is not a UUID, before sending anything', async () => {
    const executor = new RecordingExecutor();
    const store = new SqlAuditStore({ executor, createSchema: false });
    const bad = {
      id: 'abc',
      timestamp: new Date(),
      kind: 'audit' as const,
      action: 'X',
      outcome: 'success' as const,
    };
    await expect(store.write([bad])).rejects.toThrow('audit event id must be a UUID');
    expect(executor.calls).toHaveLength(0);
  });
});
