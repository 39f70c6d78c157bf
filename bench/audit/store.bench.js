'use strict';
// Audit events/s into PostgreSQL: the batched path (AuditWriter + SqlAuditStore, one multi-row
// INSERT a batch) against one INSERT per event, each awaited before the next, on a pg.Pool.
// Beside each rate, the PostgreSQL server's CPU time per stored row: the CPU the backends of the
// bench's own connections ran for (found by their application_name in pg_stat_activity), and
// that of the server's background processes (WAL writer, checkpointer, background writer, which
// every client of the server shares), read from /proc/<pid>/schedstat before and after each run.
// The server must be on this machine for that (else the CPU columns say n/a).
// Run: npx tsc -b libs/error-handling/tsconfig.lib.json && node bench/audit/store.bench.js [--json]
// Env: TEST_DATABASE_URL (default the local server), EVENTS (default 20000), ROUNDS (default 3).
const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { Pool } = require('pg');
const { median } = require('../common');

const { SqlAuditStore, AuditWriter, auditEventId } = loadLibrary();

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TABLE = `faultline_bench_audit_${process.pid}`;
/** The bench's connections, told apart from every other client of the server. */
const APPLICATION_NAME = `faultline-store-bench-${process.pid}`;
const BACKGROUND = ['walwriter', 'checkpointer', 'background writer'];

const COLUMNS = [
  'id',
  'ts',
  'kind',
  'action',
  'outcome',
  'status',
  'error_code',
  'actor_id',
  'resource_type',
  'resource_id',
  'request_id',
  'ip',
  'user_agent',
  'method',
  'route',
  'duration_ms',
  'data',
];

/** The store from the package; the writer and the event ids, which are internal, from the built files. */
function loadLibrary() {
  return {
    SqlAuditStore: require('nestjs-faultline').SqlAuditStore,
    AuditWriter: require('../../libs/error-handling/dist/cjs/audit/audit-writer').AuditWriter,
    auditEventId: require('../../libs/error-handling/dist/cjs/audit/event-id').auditEventId,
  };
}

/** What the interceptor records for an audited request, with the id the library gives it. */
function event(i) {
  return {
    id: auditEventId(),
    timestamp: new Date(),
    kind: 'audit',
    action: 'NOTIFICATION_READ',
    outcome: i % 10 === 0 ? 'failure' : 'success',
    status: i % 10 === 0 ? 404 : 200,
    errorCode: i % 10 === 0 ? 'NOT_FOUND' : undefined,
    actorId: String(i % 50),
    resourceType: 'notification',
    resourceId: String(i),
    requestId: randomUUID(),
    ip: `10.0.${i % 7}.${i % 251}`,
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    method: 'POST',
    route: '/notifications/:id/read',
    durationMs: 3,
    data: { params: { id: String(i) }, query: {}, body: { note: 'seen on mobile' } },
  };
}

async function batched(store, events, options) {
  let spilled = 0;
  // maxQueue holds the whole burst: the measurement is write throughput, not overflow.
  const writer = new AuditWriter(store, (e) => (spilled += e.length), {
    maxQueue: events.length,
    ...options,
  });
  const start = process.hrtime.bigint();
  for (const e of events) writer.enqueue(e);
  const done = await writer.flush(120_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await writer.close(0);
  if (!done || spilled > 0 || writer.stats.written !== events.length) {
    throw new Error(`batched path did not write every event: ${JSON.stringify(writer.stats)}`);
  }
  return events.length / seconds;
}

async function oneByOne(pool, events) {
  const sql = `INSERT INTO ${TABLE} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (id) DO NOTHING`;
  const start = process.hrtime.bigint();
  for (const e of events) {
    await pool.query(sql, [
      e.id,
      e.timestamp.toISOString(),
      e.kind,
      e.action,
      e.outcome,
      e.status,
      e.errorCode ?? null,
      e.actorId,
      e.resourceType,
      e.resourceId,
      e.requestId,
      e.ip,
      e.userAgent,
      e.method,
      e.route,
      e.durationMs,
      JSON.stringify(e.data),
    ]);
  }
  return events.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** CPU time a process has run for, in ns (/proc/<pid>/schedstat); undefined when unreadable. */
function cpuNs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** CPU so far of the bench's backends and of the server's background processes, by pid. */
async function serverCpu(pool) {
  const { rows } = await pool.query(
    `SELECT pid, backend_type = ANY($2) AS background FROM pg_stat_activity
     WHERE application_name = $1 OR backend_type = ANY($2)`,
    [APPLICATION_NAME, BACKGROUND],
  );
  const read = (background) =>
    new Map(rows.filter((r) => r.background === background).map((r) => [r.pid, cpuNs(r.pid)]));
  return { backends: read(false), background: read(true) };
}

/** ns of CPU between two readings, summed over the processes; a process that appeared counts whole. */
function cpuDelta(before, after) {
  let ns = 0;
  for (const [pid, end] of after) {
    if (end === undefined) return undefined;
    ns += end - (before.get(pid) ?? 0);
  }
  return ns;
}

async function count(pool) {
  return (await pool.query(`SELECT count(*)::int AS n FROM ${TABLE}`)).rows[0].n;
}

async function main() {
  // Idle connections stay open: a backend that exited would take its CPU time with it.
  const pool = new Pool({
    connectionString: DATABASE_URL,
    application_name: APPLICATION_NAME,
    idleTimeoutMillis: 0,
  });
  const store = new SqlAuditStore({ executor: pool, table: TABLE });
  const paths = {
    batched: (events) => batched(store, events, {}), // the defaults: batchSize 500, concurrency 2
    batched100: (events) => batched(store, events, { batchSize: 100 }),
    serial: (events) => batched(store, events, { concurrency: 1 }),
    single: (events) => oneByOne(pool, events),
  };
  const results = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  /** PostgreSQL CPU per stored row of each run, in µs: the bench's backends, the background processes. */
  const cpu = Object.fromEntries(Object.keys(paths).map((name) => [name, { backends: [], background: [] }]));
  try {
    await store.init();
    await batched(
      store,
      Array.from({ length: 1000 }, (_, i) => event(i)),
      {},
    ); // warm up
    await oneByOne(
      pool,
      Array.from({ length: 500 }, (_, i) => event(i)),
    );
    const names = Object.keys(paths);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate which path goes first; each starts on an empty table.
      for (let k = 0; k < names.length; k++) {
        const path = names[(k + round) % names.length];
        await pool.query(`TRUNCATE ${TABLE}`);
        const events = Array.from({ length: EVENTS }, (_, i) => event(i));
        const before = await serverCpu(pool);
        const rate = await paths[path](events);
        const after = await serverCpu(pool);
        for (const part of ['backends', 'background']) {
          const ns = cpuDelta(before[part], after[part]);
          if (ns !== undefined) cpu[path][part].push(ns / 1000 / EVENTS);
        }
        if ((await count(pool)) !== EVENTS)
          throw new Error(`${path}: the table does not hold ${EVENTS} events`);
        results[path].push(rate);
      }
    }
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await pool.end();
  }

  const single = median(results.single);
  const perRow = (path, part) => (cpu[path][part].length === ROUNDS ? median(cpu[path][part]) : undefined);
  const row = (name, path) => ({
    name,
    eventsPerSecond: median(results[path]),
    serverCpuUsPerRow: perRow(path, 'backends'),
    backgroundCpuUsPerRow: perRow(path, 'background'),
  });
  const rows = [
    row('AuditWriter + SqlAuditStore, defaults (batchSize 500, concurrency 2)', 'batched'),
    row('AuditWriter + SqlAuditStore, batchSize 100', 'batched100'),
    row('AuditWriter + SqlAuditStore, concurrency 1', 'serial'),
    row('one INSERT per event, awaited in turn (pg.Pool)', 'single'),
  ];
  // The target compares the default configuration with one INSERT per event.
  const ratio = rows[0].eventsPerSecond / single;
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ events: EVENTS, rounds: ROUNDS, rows, ratio })}\n`);
    return;
  }
  console.log(
    `${EVENTS} events a run, ${ROUNDS} rounds, medians; PostgreSQL ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`,
  );
  const us = (value) => (value === undefined ? 'n/a' : value.toFixed(1));
  console.log(
    '| path | events/s | vs one by one | PostgreSQL CPU per row, backends (µs) | background processes (µs) |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const vs = row.eventsPerSecond / single;
    console.log(
      `| ${row.name} | ${Math.round(row.eventsPerSecond).toLocaleString('en')} | ${vs.toFixed(1)}x | ` +
        `${us(row.serverCpuUsPerRow)} | ${us(row.backgroundCpuUsPerRow)} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
