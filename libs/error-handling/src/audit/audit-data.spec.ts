import { TEST_LOGGING_PEERS } from '../logging/logging-runtime.testing';
import { Signals } from '../kernel/signals';
import { MetricSources } from '../kernel/metric-sources';
import type { ModulesContainer } from '@nestjs/core';
import { ManualClock } from '../kernel/manual-clock.testing';
import { FailureEvents } from '../kernel/failure-events';
import { LogChannels } from '../logging/log-channels.service';
import { createLoggingRuntime } from '../logging/logging-runtime';
import { RequestTap } from '../kernel/request-tap';
import { resolveLogging, type ResolvedLogging } from '../logging/resolve-logging-options';
import { Redactor } from '../redaction/redactor';
import type { LoggerOptions } from 'pino';
import { RequestScope, runInRequestScope } from '../kernel/request-scope';
import { LOGGER_REQUEST } from '../kernel/request-context';
import type { AuditEvent, AuditPage } from './audit-event.interface';
import { batchJson, COLUMNS, fromRow, rememberEventJson } from './audit-rows';
import type { AuditStore, SqlExecutor } from './audit-store.interface';
import { SqlAuditStore } from './sql-audit.store';
import { AuditService } from './audit.service';
import type { AuditRequestContext } from './audit.internal-constants';
import { resolveAudit, type ResolvedAudit } from './resolve-audit-options';

/**
 * A Redactor that keeps every value: what comes out of these tests is what audit's own copies
 * keep (the Redactor's own treatment of such keys is tested with the Redactor).
 */
class KeepingRedactor extends Redactor {
  override redact<T>(value: T): T {
    return value;
  }
}

class Lines {
  readonly raw: string[] = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.raw.push(line);
  }
}

class MemoryStore implements AuditStore {
  readonly events: AuditEvent[] = [];
  async write(events: readonly AuditEvent[]): Promise<void> {
    this.events.push(...events);
  }
  async query(): Promise<AuditPage> {
    return { items: this.events };
  }
}

/** Data whose own members are named like Object's internals, as JSON.parse makes them. */
const DATA = (): Record<string, unknown> =>
  JSON.parse('{"__proto__": {"admin": true}, "constructor": "c", "prototype": {"p": 1}, "plain": 2}');

function setup<S extends AuditStore = MemoryStore>(
  store: S = new MemoryStore() as unknown as S,
  pino: LoggerOptions = {},
) {
  const clock = new ManualClock();
  const options = resolveAudit({ store }, clock) as ResolvedAudit;
  const redactor = new KeepingRedactor();
  const sink = new Lines();
  const logging = resolveLogging(
    { format: 'json', destination: sink, useAsNestLogger: false, pino },
    true,
  ) as ResolvedLogging;
  const runtime = createLoggingRuntime(
    logging,
    redactor,
    'X-Request-Id',
    new Map() as unknown as ModulesContainer,
    new RequestTap(),
    new Signals(),
    TEST_LOGGING_PEERS,
  );
  const audit = new AuditService(
    options,
    redactor,
    new LogChannels(redactor, runtime),
    new FailureEvents(),
    clock,
    new MetricSources(),
    new Signals(),
  );
  return { audit, store, sink, clock, runtime };
}

/** True when `value` has `key` as an own data member and Object.prototype as its prototype. */
function keptAsData(value: unknown, key: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.hasOwnProperty.call(value, key) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

describe('AuditService keeps data members named __proto__, constructor and prototype as data', () => {
  it('in the event, the audit line and the stored event of AuditService.record()', async () => {
    const { audit, store, sink } = setup();

    const event = audit.record({ action: 'IMPORT', data: DATA() });
    await audit.flush(1000);

    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect([key, keptAsData(event?.data, key)]).toEqual([key, true]);
      expect([key, keptAsData(store.events[0]?.data, key)]).toEqual([key, true]);
    }
    expect((event?.data as { admin?: unknown }).admin).toBeUndefined();
    const line = JSON.parse(sink.raw.find((l) => l.includes('"IMPORT"')) ?? '{}') as { data?: unknown };
    expect(JSON.stringify(line.data)).toBe(JSON.stringify(DATA()));
    expect(keptAsData(line.data, '__proto__')).toBe(true);
  });

  it('in the captured request data of an @Audit() request', async () => {
    const { audit, store, sink } = setup();
    const context: AuditRequestContext = {
      metadata: { action: 'IMPORT', capture: ['body', 'query'] },
      startedAt: performance.now(),
      recorded: false,
    };

    audit.recordRequest({ id: 'req-1', method: 'POST', body: DATA(), query: DATA() }, context, 'success', {
      status: 201,
    });
    await audit.flush(1000);

    const data = store.events[0]?.data as { body?: unknown; query?: unknown } | undefined;
    expect(keptAsData(data?.body, '__proto__')).toBe(true);
    expect(keptAsData(data?.query, '__proto__')).toBe(true);
    const line = JSON.parse(sink.raw.find((l) => l.includes('"req-1"')) ?? '{}') as { data?: unknown };
    expect(line.data).toEqual({ body: DATA(), query: DATA() });
    expect(keptAsData((line.data as { body?: unknown }).body, '__proto__')).toBe(true);
  });

  it('through the SQL row the store writes and reads back', () => {
    const event: AuditEvent = {
      id: '0190a6a4-1d3e-7c3b-9f00-000000000001',
      timestamp: new Date(0),
      kind: 'audit',
      action: 'IMPORT',
      outcome: 'success',
      data: DATA(),
    };

    const [row] = JSON.parse(batchJson([event])) as Record<string, unknown>[];
    const back = fromRow(row);

    expect(keptAsData(back.data, '__proto__')).toBe(true);
    expect(JSON.stringify(back.data)).toBe(JSON.stringify(DATA()));
  });
});

describe('An event serialised once', () => {
  it('is stored as the very JSON text of its log line, and reads back as recorded', async () => {
    const statements: { text: string; params?: unknown[] }[] = [];
    const executor: SqlExecutor = {
      query: async (text, params) => {
        statements.push({ text, params });
        return { rows: [], rowCount: 0 };
      },
    };
    const { audit, sink } = setup(new SqlAuditStore({ executor, createSchema: false }));

    const event = audit.record({
      action: 'EXPORT',
      actorId: 'u-9',
      resourceType: 'report',
      resourceId: 'r-1',
      data: { rows: 12, note: 'a "quoted" \\ note, é 😀' },
    });
    // Stored as it was logged: a change made to the returned event later is in neither.
    (event as { resourceId?: string }).resourceId = 'changed later';
    await audit.flush(1000);

    const line = sink.raw.find((l) => l.includes('"EXPORT"')) as string;
    const fields = line.slice(
      line.indexOf('"channel":"audit",') + '"channel":"audit",'.length,
      line.lastIndexOf(',"msg":'),
    );
    const insert = statements.find((st) => st.text.startsWith('INSERT'));
    expect(insert?.params).toEqual([`[{${fields}}]`]);
    const [row] = JSON.parse(String(insert?.params?.[0])) as Record<string, unknown>[];
    expect(row).toEqual({
      id: event?.id,
      timestamp: event?.timestamp.toISOString(),
      kind: 'audit',
      action: 'EXPORT',
      outcome: 'success',
      actorId: 'u-9',
      resourceType: 'report',
      resourceId: 'r-1',
      data: { rows: 12, note: 'a "quoted" \\ note, é 😀' },
    });
  });
});

describe('The stored event is the event as recorded, whatever the logging options', () => {
  /** The rows of the INSERT statements an SQL store sent. */
  function sqlSetup(pino: LoggerOptions = {}) {
    const statements: { text: string; params?: unknown[] }[] = [];
    const executor: SqlExecutor = {
      query: async (text, params) => {
        statements.push({ text, params });
        return { rows: [], rowCount: 0 };
      },
    };
    const context = setup(new SqlAuditStore({ executor, createSchema: false }), pino);
    const rows = () =>
      statements
        .filter((st) => st.text.startsWith('INSERT'))
        .flatMap((st) => JSON.parse(String(st.params?.[0])) as Record<string, unknown>[]);
    return { ...context, rows };
  }

  it.each([
    ['pino defaults (the line serialised once)', {}, false],
    ["a mixin (pino's own serialisation)", { mixin: () => ({ service: 'orders' }) }, false],
    ['the audit channel off', {}, true],
  ] as [string, LoggerOptions, boolean][])(
    'with %s: a change made to the returned event later is not stored',
    async (_name, pino, channelOff) => {
      const { audit, rows, runtime } = sqlSetup(pino);
      if (channelOff) runtime.channels.audit.level = 'silent';
      const event = audit.record({ action: 'EXPORT', resourceType: 'report', resourceId: 'r-1' });
      (event as { resourceId?: string }).resourceId = 'changed later';
      await audit.flush(1000);
      expect(rows()).toEqual([expect.objectContaining({ action: 'EXPORT', resourceId: 'r-1' })]);
    },
  );

  it.each([
    ['pino defaults (the line serialised once)', {}],
    ["a mixin (pino's own serialisation)", { mixin: () => ({ service: 'orders' }) }],
  ] as [string, LoggerOptions][])(
    "with %s: an event recorded inside another request keeps none of that request's fields",
    async (_name, pino) => {
      const { audit, rows, runtime, sink } = sqlSetup(pino);
      const req = { id: 'outer-request', ip: '203.0.113.9' };
      const log = runtime.root.child({ requestId: req.id });
      (log as unknown as Record<symbol, unknown>)[LOGGER_REQUEST] = req;
      // A job started by the request, recorded with a request of its own that has no id.
      runInRequestScope(new RequestScope(req.id, log, req), () =>
        audit.record({ action: 'NIGHTLY_EXPORT', request: {} }),
      );
      await audit.flush(1000);
      // The line says where it was written; the stored event is the event.
      const line = JSON.parse(sink.raw.find((l) => l.includes('NIGHTLY_EXPORT')) as string) as object;
      expect(line).toMatchObject({ requestId: 'outer-request', ip: '203.0.113.9' });
      const [row] = rows();
      expect(row).toMatchObject({ action: 'NIGHTLY_EXPORT' });
      // Absent or null: the column is NULL either way.
      expect(row.requestId ?? null).toBeNull();
      expect(row.ip ?? null).toBeNull();
    },
  );
});

describe('batchJson', () => {
  const event = (data: Record<string, unknown>, actorId = 'u-1'): AuditEvent => ({
    id: '0190a6a4-1d3e-7c3b-9f00-000000000002',
    timestamp: new Date(0),
    kind: 'audit',
    action: 'IMPORT',
    outcome: 'success',
    actorId,
    data,
  });

  it('gives a batch with nothing PostgreSQL rejects as JSON.stringify writes it', () => {
    const batch = [event({ note: 'a "quoted" \\u path \\ and é' }), event({ n: 1 })];
    const text = batchJson(batch);
    const rows = JSON.parse(text) as Record<string, unknown>[];
    expect(rows.map((r) => r.data)).toEqual([{ note: 'a "quoted" \\u path \\ and é' }, { n: 1 }]);
    expect(text).toBe(JSON.stringify(rows));
  });

  it('writes each row as JSON.stringify writes it, whatever its text holds', () => {
    const texts = [
      'plain',
      'a "quote"',
      'back\\slash',
      'tab\tnew\nline',
      '\u0001\u001f',
      'é ü 한국어',
      'emoji 😀 pair',
      '',
    ];
    const batch: AuditEvent[] = texts.map((text, i) => ({
      ...event({ text, nested: { text, list: [text, i, null, true] } }, text),
      action: text,
      userAgent: text,
      route: text,
      status: [201, 200.6, Number.NaN, 2 ** 40, -0, -3, undefined, 404][i],
      durationMs: [0, 1.4, -(2 ** 40), 7, Infinity, 3, 12, undefined][i],
      errorCode: i % 2 ? undefined : text,
    }));
    const text = batchJson(batch);
    const rows = JSON.parse(text) as Record<string, unknown>[];
    expect(text).toBe(JSON.stringify(rows));
    expect(rows.map((r) => [r.action, r.userAgent, r.route, r.actorId])).toEqual(
      texts.map((t) => [t, t, t, t]),
    );
    expect(rows.map((r) => r.status)).toEqual([201, 201, null, 2_147_483_647, 0, -3, null, 404]);
    expect(rows.map((r) => r.durationMs)).toEqual([0, 1, -2_147_483_647, 7, null, 3, 12, null]);
    expect(rows.map((r) => r.data)).toEqual(
      texts.map((t, i) => ({ text: t, nested: { text: t, list: [t, i, null, true] } })),
    );
  });

  it('keeps data as its toJSON gives it, no data as null, and serialises a bigint or a cycle it meets as a note', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const batch: AuditEvent[] = [
      event({ when: new Date(0), big: undefined }),
      { ...event({}), data: undefined },
      event({ n: 10n } as unknown as Record<string, unknown>),
      event(cyclic),
    ];
    const rows = JSON.parse(batchJson(batch)) as Record<string, unknown>[];
    expect(rows[0]?.data).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(rows[1]?.data).toBeNull();
    expect(rows[2]?.data).toEqual({ n: '10' });
    expect(rows[3]?.data).toEqual({ _unserializable: expect.stringContaining('circular') });
  });

  it("writes an event as its log line's JSON when that was remembered, and builds the others' rows", () => {
    const logged = event({ n: 1 });
    const line = { ...logged, timestamp: '1970-01-01T00:00:00.000Z', userId: 7 };
    rememberEventJson(logged, JSON.stringify(line));
    const built = event({ n: 2 }, 'u-2');

    const text = batchJson([logged, built]);

    expect(text).toBe(`[${JSON.stringify(line)},${JSON.stringify(JSON.parse(text)[1])}]`);
    expect(JSON.parse(text)).toEqual([
      line,
      expect.objectContaining({
        actorId: 'u-2',
        timestamp: '1970-01-01T00:00:00.000Z',
        data: { n: 2 },
        status: null,
      }),
    ]);
  });

  it('builds the row from the event when a value is not what its column takes as it is', () => {
    const odd = [
      { ...event({}), status: 200.6 },
      { ...event({}), durationMs: 2 ** 40 },
      { ...event({}), actorId: 42 as unknown as string },
      { ...event({}), timestamp: '1970-01-01T00:00:00.000Z' as unknown as Date },
    ];
    for (const e of odd) rememberEventJson(e, JSON.stringify({ ...e, remembered: true }));

    const rows = JSON.parse(batchJson(odd)) as Record<string, unknown>[];

    expect(rows.map((r) => [r.status, r.durationMs, r.actorId, r.timestamp, r.remembered])).toEqual([
      [201, null, 'u-1', '1970-01-01T00:00:00.000Z', undefined],
      [null, 2_147_483_647, 'u-1', '1970-01-01T00:00:00.000Z', undefined],
      [null, null, '42', '1970-01-01T00:00:00.000Z', undefined],
      [null, null, 'u-1', '1970-01-01T00:00:00.000Z', undefined],
    ]);
  });

  it('checks every text and integer column before writing a remembered line as the row', () => {
    // Each column in turn holds what it does not take as it is: the row is built, not remembered.
    for (const [, type, key] of COLUMNS) {
      if (type !== 'text' && type !== 'int') continue;
      const odd = { ...event({}), [key]: type === 'text' ? 42 : 1.5 } as AuditEvent;
      rememberEventJson(odd, JSON.stringify({ ...odd, remembered: true }));
      const row = (JSON.parse(batchJson([odd])) as Record<string, unknown>[])[0];
      expect([key, row?.remembered, row?.[key]]).toEqual([key, undefined, type === 'text' ? '42' : 2]);
    }
  });

  it('still replaces NUL and lone surrogates in a remembered line, and still names an invalid event', () => {
    const logged = event({ note: 'nul\u0000 lone \uD800' });
    rememberEventJson(logged, JSON.stringify({ ...logged, timestamp: '1970-01-01T00:00:00.000Z' }));
    expect((JSON.parse(batchJson([logged])) as Record<string, unknown>[])[0]?.data).toEqual({
      note: 'nul\uFFFD lone \uFFFD',
    });

    const invalid = { ...event({}), id: 'nope' };
    rememberEventJson(invalid, JSON.stringify(invalid));
    expect(() => batchJson([logged, invalid])).toThrow('audit event id must be a UUID, got "nope"');
  });

  it('rejects an event whose id is not a UUID or whose timestamp is not a date, naming it', () => {
    expect(() => batchJson([{ ...event({}), id: 'nope' }])).toThrow(
      'audit event id must be a UUID, got "nope"',
    );
    expect(() => batchJson([{ ...event({}), timestamp: new Date(Number.NaN) }])).toThrow(
      'has an invalid timestamp',
    );
  });

  it('replaces NUL and lone surrogates, in text columns, data values and keys, wherever they are in the batch', () => {
    const batch = [
      ...Array.from({ length: 300 }, (_, i) => event({ i })),
      event({ ['k\u0000']: 'nul\u0000', lone: 'x\uD800y', tail: 'z\uDC00' }, 'actor\u0000'),
    ];
    const rows = JSON.parse(batchJson(batch)) as Record<string, unknown>[];
    expect(rows).toHaveLength(301);
    expect(rows[300]).toMatchObject({
      actorId: 'actor\uFFFD',
      data: { ['k\uFFFD']: 'nul\uFFFD', lone: 'x\uFFFDy', tail: 'z\uFFFD' },
    });
    expect(rows[0]?.data).toEqual({ i: 0 });
  });
});

describe('AuditService keeps the user agent', () => {
  it('redacted whole before it is cut to 512 characters, so no part of a token across the cut is kept', () => {
    const { audit } = setup();
    const token = ['gh', 's_', 'Q7w2Er9Ty4Ui1Op6As3Df8Gh5Jk0Lz2Xc7Vb'].join('');
    const head = 'agent/1.0 ';
    const agent = `${head}${'x'.repeat(512 - 20 - head.length - 1)} ${token} (compatible)`;

    const event = audit.record({ action: 'LOGIN', request: { headers: { 'user-agent': agent } } });

    expect(event?.userAgent).toBe(
      `${head}${'x'.repeat(512 - 20 - head.length - 1)} [REDACTED] (compatible)`.slice(0, 512),
    );
    expect(event?.userAgent).not.toContain(token.slice(0, 8));
    expect(
      audit.record({ action: 'LOGIN', request: { headers: { 'user-agent': 'curl/8.5' } } })?.userAgent,
    ).toBe('curl/8.5');
  });
});

describe('AuditService reads the query string of an @Audit() request', () => {
  it('only when the event keeps it or its resource id may come from it', async () => {
    const { audit, store } = setup();
    let reads = 0;
    const req = {
      id: 'req-q',
      method: 'POST',
      params: { id: '7' },
      body: { note: 'n' },
      get query() {
        reads++;
        return { page: '2' };
      },
    };
    const context = (metadata: AuditRequestContext['metadata']): AuditRequestContext => ({
      metadata,
      startedAt: performance.now(),
      recorded: false,
    });

    audit.recordRequest(
      req,
      context({ action: 'A', resourceId: 'params.id', capture: ['body'] }),
      'success',
      {
        status: 200,
      },
    );
    expect(reads).toBe(0);
    audit.recordRequest(req, context({ action: 'B', resourceId: 'query.page' }), 'success', { status: 200 });
    audit.recordRequest(req, context({ action: 'C', capture: ['query'] }), 'success', { status: 200 });
    expect(reads).toBe(2);
    await audit.flush(1000);

    expect(store.events.map((e) => [e.action, e.resourceId, e.data])).toEqual([
      ['A', '7', { body: { note: 'n' } }],
      ['B', '2', undefined],
      ['C', undefined, { query: { page: '2' } }],
    ]);
  });
});
