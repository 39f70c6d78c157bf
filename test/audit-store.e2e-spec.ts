import { PGlite } from '@electric-sql/pglite';
import { freshPgliteDir } from './support/pglite-dirs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ValidationError } from '../libs/error-handling/src/errors/app.error';
import type { AuditEvent, AuditQuery } from '../libs/error-handling/src/audit/audit-event.interface';
import type { SqlExecutor } from '../libs/error-handling/src/audit/audit-store.interface';
import { SqlAuditStore } from '../libs/error-handling/src/audit/sql-audit.store';
import { describeWith, TEST_DATABASE_URL } from './support/services';

interface Backend {
  executor: SqlExecutor;
  /** A pool of several connections where the backend has them (for concurrent start-up). */
  other?: SqlExecutor;
  /** One connection, for session settings that the next statement must see. */
  single: SqlExecutor;
  close(): Promise<void>;
}

async function openPglite(): Promise<Backend> {
  const db = await PGlite.create(freshPgliteDir());
  return { executor: db, single: db, close: () => db.close() };
}

async function openPostgres(): Promise<Backend> {
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  const other = new Pool({ connectionString: TEST_DATABASE_URL, max: 6 });
  const single = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  return {
    executor: pool,
    other,
    single,
    close: async () => {
      await pool.end();
      await other.end();
      await single.end();
    },
  };
}

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: randomUUID(),
    timestamp: at(0),
    kind: 'audit',
    action: 'NOTIFICATION_CREATE',
    outcome: 'success',
    ...overrides,
  };
}

/** Every page of a query, following nextCursor. */
async function allPages(store: SqlAuditStore, query: AuditQuery): Promise<AuditEvent[][]> {
  const pages: AuditEvent[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, cursor });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

/** Ids in the order the store must return them: ts descending, then id descending. */
const newestFirst = (events: AuditEvent[]) =>
  [...events]
    .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((e) => e.id);

describe('SqlAuditStore on PGlite', () => storeSuite(openPglite));
describeWith('postgres')('SqlAuditStore on PostgreSQL', () => storeSuite(openPostgres));

/** The store's tests, on the backend `open` starts. */
function storeSuite(open: () => Promise<Backend>): void {
  let backend: Backend;
  const table = `audit_test_${randomBytes(4).toString('hex')}`;
  const tables: string[] = [table];
  let store: SqlAuditStore;

  /** A store on its own fresh table, dropped after the suite. */
  async function freshStore(): Promise<SqlAuditStore> {
    const name = `audit_test_${randomBytes(4).toString('hex')}`;
    tables.push(name);
    const s = new SqlAuditStore({ executor: backend.executor, table: name });
    await s.init();
    return s;
  }

  beforeAll(async () => {
    backend = await open();
    store = new SqlAuditStore({ executor: backend.executor, table });
    await store.init();
  });

  afterAll(async () => {
    for (const t of tables) await backend.executor.query(`DROP TABLE IF EXISTS "${t}"`);
    await backend.executor.query('DROP SCHEMA IF EXISTS faultline_audit_test_schema CASCADE');
    await backend.close();
  });

  it('initialises twice, and from two connections at once, without error', async () => {
    await expect(store.init()).resolves.toBeUndefined();
    const again = new SqlAuditStore({ executor: backend.executor, table });
    await expect(again.init()).resolves.toBeUndefined();

    const name = `audit_test_${randomBytes(4).toString('hex')}`;
    tables.push(name);
    // Without the advisory lock, concurrent CREATE TABLE IF NOT EXISTS fails on pg_type's unique index.
    const executor = backend.other ?? backend.executor;
    const starts = Array.from({ length: 6 }, () => new SqlAuditStore({ executor, table: name }).init());
    await expect(Promise.all(starts)).resolves.toHaveLength(6);
  });

  it('returns every field of a written event as it was written', async () => {
    const s = await freshStore();
    const full: AuditEvent = {
      id: randomUUID(),
      timestamp: new Date('2030-02-03T04:05:06.789Z'),
      kind: 'security',
      action: 'LOGIN_FAILED',
      outcome: 'failure',
      status: 401,
      errorCode: 'INVALID_CREDENTIALS',
      actorId: 'user-42',
      resourceType: 'session',
      resourceId: 'sess-9',
      requestId: 'req-abc',
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (X11; Linux) «ünïcødé» 🚀',
      method: 'POST',
      route: '/auth/login',
      durationMs: 17,
      data: {
        body: { username: 'alice', password: '[REDACTED]' },
        tags: ['a', 1, true, null],
        nested: { n: 1.5 },
      },
    };
    const minimal = event({ timestamp: new Date('2030-02-03T04:05:06.000Z') });
    await s.write([full, minimal]);
    const { items, nextCursor } = await s.query({});
    expect(nextCursor).toBeUndefined();
    expect(items).toHaveLength(2);
    expect(items[0]).toStrictEqual(full);
    expect(items[0].timestamp).toBeInstanceOf(Date);
    expect(items[1]).toStrictEqual(minimal); // nulls come back as absent fields, not null
  });

  it('stores awkward values instead of failing the batch forever', async () => {
    const s = await freshStore();
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const events = [
      event({
        userAgent: 'nul\u0000byte',
        resourceId: 'lone \udc00 low',
        data: { 'k\u0000ey': 'v\u0000', lone: '\ud800x', big: 10n as unknown },
      }),
      event({ durationMs: 12.6, status: 200.2 }),
      event({ durationMs: 1e12 }),
      event({ data: circular }),
    ];
    await s.write(events);
    const byId = new Map((await s.query({})).items.map((e) => [e.id, e]));
    expect(byId.get(events[0].id)).toMatchObject({
      userAgent: 'nul\uFFFDbyte',
      resourceId: 'lone \uFFFD low',
      data: { 'k\uFFFDey': 'v\uFFFD', lone: '\uFFFDx', big: '10' },
    });
    expect(byId.get(events[1].id)).toMatchObject({ durationMs: 13, status: 200 });
    expect(byId.get(events[2].id)!.durationMs).toBe(2_147_483_647);
    expect(byId.get(events[3].id)!.data).toEqual({ _unserializable: expect.stringMatching(/circular/i) });
  });

  it('writes each id once, however often it is written', async () => {
    const s = await freshStore();
    const events = Array.from({ length: 5 }, () => event());
    await s.write(events);
    await s.write(events); // a retried batch
    await s.write([...events.slice(0, 2), events[0], event({ id: events[1].id, action: 'CHANGED' })]);
    const { items } = await s.query({ limit: 100 });
    expect(items.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(items.find((e) => e.id === events[1].id)!.action).toBe('NOTIFICATION_CREATE'); // first write wins
  });

  it('writes a batch larger than one statement takes', async () => {
    const s = await freshStore();
    const events = Array.from({ length: 4500 }, (_, i) => event({ timestamp: at(i % 60) }));
    await s.write(events);
    const { rows } = await backend.executor.query(`SELECT count(*)::int AS n FROM ${tables.at(-1)}`);
    expect(rows[0].n).toBe(4500);
  });

  describe('filters', () => {
    let s: SqlAuditStore;
    const seed = [
      event({
        actorId: 'alice',
        ip: '10.0.0.1',
        action: 'LOGIN_SUCCESS',
        kind: 'security',
        timestamp: at(1),
      }),
      event({ actorId: 'alice', ip: '10.0.0.1', action: 'NOTIFICATION_CREATE', timestamp: at(2) }),
      event({
        actorId: 'alice',
        ip: '10.0.0.2',
        action: 'NOTIFICATION_READ',
        outcome: 'failure',
        timestamp: at(3),
      }),
      event({
        actorId: 'bob',
        ip: '10.0.0.2',
        action: 'LOGIN_FAILED',
        kind: 'security',
        outcome: 'failure',
        timestamp: at(4),
      }),
      event({ actorId: 'bob', ip: '10.0.0.3', action: 'NOTIFICATION_CREATE', timestamp: at(5) }),
      event({
        ip: '10.0.0.3',
        action: 'LOGIN_FAILED',
        kind: 'security',
        outcome: 'failure',
        timestamp: at(6),
      }),
      event({
        actorId: 'carol',
        action: 'NOTIFICATION_CREATE',
        outcome: 'failure',
        status: 403,
        timestamp: at(7),
      }),
    ];
    const expectIds = (query: AuditQuery, expected: (e: AuditEvent) => boolean) =>
      s.query({ limit: 500, ...query }).then(({ items }) => {
        const want = seed.filter(expected);
        expect(want.length).toBeGreaterThan(0); // the case says something
        expect(items.map((e) => e.id)).toEqual(newestFirst(want));
      });

    beforeAll(async () => {
      s = await freshStore();
      await s.write(seed);
    });

    it('are answered from the indexes, security events from their partial index', async () => {
      const single = backend.single;
      const table = tables.at(-1)!;
      const statements: { text: string; params?: unknown[] }[] = [];
      const recording = new SqlAuditStore({
        table,
        createSchema: false,
        executor: {
          query: (text: string, params?: unknown[]) => {
            statements.push({ text, params });
            return single.query(text, params);
          },
        },
      });
      const cases: [AuditQuery, string][] = [
        [{ actorId: 'alice' }, 'actor_ts_idx'],
        [{ ip: '10.0.0.2' }, 'ip_ts_idx'],
        [{ action: 'LOGIN_FAILED' }, 'action_ts_idx'],
        [{ kind: 'security' }, 'security_ts_idx'],
        [{ since: at(3) }, '_ts_idx'],
      ];
      // Seven rows: without this the planner rightly reads the table instead of any index.
      await single.query('SET enable_seqscan = off');
      try {
        for (const [query, index] of cases) {
          statements.length = 0;
          await recording.query(query);
          const { rows } = await single.query(`EXPLAIN ${statements[0].text}`, statements[0].params);
          const plan = rows.map((r: Record<string, unknown>) => String(r['QUERY PLAN'])).join('\n');
          expect(plan).toContain(`${table}_${index.replace(/^_/, '')}`);
        }
      } finally {
        await single.query('RESET enable_seqscan');
      }
    });

    it('by actorId', async () => {
      await expectIds({ actorId: 'alice' }, (e) => e.actorId === 'alice');
    });
    it('by ip', async () => {
      await expectIds({ ip: '10.0.0.2' }, (e) => e.ip === '10.0.0.2');
    });
    it('by action', async () => {
      await expectIds({ action: 'LOGIN_FAILED' }, (e) => e.action === 'LOGIN_FAILED');
    });
    it('by kind', async () => {
      await expectIds({ kind: 'security' }, (e) => e.kind === 'security');
      await expectIds({ kind: 'audit' }, (e) => e.kind === 'audit');
    });
    it('by outcome', async () => {
      await expectIds({ outcome: 'failure' }, (e) => e.outcome === 'failure');
    });
    it('by since (inclusive) and until (exclusive)', async () => {
      await expectIds({ since: at(3) }, (e) => e.timestamp >= at(3));
      await expectIds({ until: at(3) }, (e) => e.timestamp < at(3));
      await expectIds({ since: at(2), until: at(5) }, (e) => e.timestamp >= at(2) && e.timestamp < at(5));
    });
    it('combined with AND', async () => {
      await expectIds(
        { actorId: 'bob', kind: 'security', outcome: 'failure', since: at(4) },
        (e) => e.actorId === 'bob' && e.kind === 'security',
      );
      expect((await s.query({ actorId: 'alice', ip: '10.0.0.3' })).items).toEqual([]);
    });
    it('ignores empty-string filters', async () => {
      await expectIds({ actorId: '', ip: '' }, () => true);
    });
  });

  describe('pagination', () => {
    it('walks 3 pages newest first with no duplicates or gaps, ties broken by id', async () => {
      const s = await freshStore();
      // 25 events on 6 distinct timestamps, so pages split inside runs of equal ts.
      const events = Array.from({ length: 25 }, (_, i) => event({ timestamp: at(i % 6) }));
      await s.write(events);
      const pages = await allPages(s, { limit: 10 });
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(pages.flat().map((e) => e.id)).toEqual(newestFirst(events));
    });

    it('paginates a filtered query and sees events written between pages only where they belong', async () => {
      const s = await freshStore();
      const events = Array.from({ length: 12 }, (_, i) =>
        event({ actorId: i % 2 ? 'odd' : 'even', timestamp: at(i) }),
      );
      await s.write(events);
      const first = await s.query({ actorId: 'odd', limit: 4 });
      await s.write([event({ actorId: 'odd', timestamp: at(100) })]); // newer: not on later pages
      const second = await s.query({ actorId: 'odd', limit: 4, cursor: first.nextCursor });
      expect(second.nextCursor).toBeUndefined();
      const odd = events.filter((e) => e.actorId === 'odd');
      expect([...first.items, ...second.items].map((e) => e.id)).toEqual(newestFirst(odd));
    });

    it('gives no nextCursor when the last page is exactly full', async () => {
      const s = await freshStore();
      await s.write(Array.from({ length: 4 }, (_, i) => event({ timestamp: at(i) })));
      const page = await s.query({ limit: 4 });
      expect(page.items).toHaveLength(4);
      expect(page.nextCursor).toBeUndefined();
    });

    it('keeps microsecond timestamps written by other tools in order across pages', async () => {
      const s = await freshStore();
      const name = tables.at(-1);
      const ids = Array.from({ length: 6 }, () => randomUUID());
      for (const [i, id] of ids.entries()) {
        await backend.executor.query(
          `INSERT INTO "${name}" (id, ts, kind, action, outcome) VALUES ($1, $2::timestamptz, 'audit', 'X', 'success')`,
          [id, `2030-01-01T00:00:00.000${i % 3}Z`],
        );
      }
      const pages = await allPages(s, { limit: 2 });
      expect(pages.flat()).toHaveLength(6);
      expect(new Set(pages.flat().map((e) => e.id)).size).toBe(6);
    });
  });

  describe('limits', () => {
    let s: SqlAuditStore;
    beforeAll(async () => {
      s = await freshStore();
      await s.write(Array.from({ length: 520 }, (_, i) => event({ timestamp: at(i) })));
    });

    it('returns 50 by default', async () => {
      const page = await s.query({});
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).toEqual(expect.any(String));
    });
    it('returns at most 500, whatever the limit asks', async () => {
      expect((await s.query({ limit: 10_000 })).items).toHaveLength(500);
    });
    it('takes a fractional limit down to a whole number', async () => {
      expect((await s.query({ limit: 2.9 })).items).toHaveLength(2);
    });
    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number])(
      'rejects limit %p with a 400 VALIDATION_ERROR',
      async (limit) => {
        const error = await s.query({ limit }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
        expect((error as ValidationError).fieldErrors?.[0].field).toBe('limit');
      },
    );
  });

  describe('bad input', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    it.each([
      ['garbage', 'not-a-cursor!'],
      ['base64 of text', Buffer.from('hello').toString('base64url')],
      ['the wrong shape', b64({ ts: '2030-01-01T00:00:00.000000Z', id: randomUUID() })],
      ['a bad uuid', b64(['2030-01-01T00:00:00.000000Z', 'not-a-uuid'])],
      ['a bad timestamp', b64(['2030-13-45T00:00:00.000000Z', randomUUID()])],
      ['SQL in it', b64(["2030-01-01T00:00:00.000000Z'; DROP TABLE x; --", randomUUID()])],
    ])('rejects a cursor that is %s with a clear 400 error', async (_what, cursor) => {
      const error = await store.query({ cursor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toBe(
        'Invalid audit query: cursor is not one this API returned',
      );
      expect((error as ValidationError).fieldErrors).toEqual([
        expect.objectContaining({ field: 'cursor', code: 'isCursor' }),
      ]);
    });

    it('rejects an invalid since or until date', async () => {
      await expect(store.query({ since: new Date('nope') })).rejects.toThrow('since must be a valid date');
      await expect(store.query({ until: 'yesterday' as unknown as Date })).rejects.toThrow(
        'until must be a valid date',
      );
    });
  });

  it('purges events older than a date and says how many', async () => {
    const s = await freshStore();
    const events = Array.from({ length: 10 }, (_, i) => event({ timestamp: at(i) }));
    await s.write(events);
    await expect(s.purge(at(4))).resolves.toBe(4);
    const { items } = await s.query({ limit: 100 });
    expect(items.map((e) => e.id)).toEqual(newestFirst(events.slice(4)));
    await expect(s.purge(at(4))).resolves.toBe(0);
  });

  it('works on a schema-qualified table', async () => {
    await backend.executor.query('CREATE SCHEMA IF NOT EXISTS faultline_audit_test_schema');
    const s = new SqlAuditStore({
      executor: backend.executor,
      table: `faultline_audit_test_schema.${table}`,
    });
    await s.init();
    const e = event();
    await s.write([e]);
    expect((await s.query({})).items).toEqual([e]);
    expect((await store.query({ limit: 500 })).items.some((x) => x.id === e.id)).toBe(false);
  });

  it('does not close an executor it was given', async () => {
    const s = new SqlAuditStore({ executor: backend.executor, table });
    await s.close();
    await expect(backend.executor.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });
}

describeWith('postgres')('SqlAuditStore from a connection string', () => {
  it('opens its own pool, writes, reads, and closes it', async () => {
    const table = `audit_test_${randomBytes(4).toString('hex')}`;
    const store = new SqlAuditStore({ connectionString: TEST_DATABASE_URL, table });
    try {
      await store.init();
      const e = event();
      await store.write([e]);
      expect((await store.query({})).items).toEqual([e]);
    } finally {
      const pool = new Pool({ connectionString: TEST_DATABASE_URL });
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
      await store.close();
    }
    await expect(store.query({})).rejects.toThrow(/pool/i);
  });
});
