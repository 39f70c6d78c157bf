import type { Pool } from 'pg';
import { loadPeer } from '../kernel/peer-require';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import type { AuditEvent, AuditPage, AuditQuery } from './audit-event.interface';
import { decodeCursor, encodeCursor, isoDate, pageSize } from './audit-query-params';
import { batchJson, cleanText, COLUMN_DEFINITIONS, COLUMN_LIST, fromRow, RECORD_LIST } from './audit-rows';
import { auditSchemaSql, auditTableName, DEFAULT_AUDIT_TABLE } from './audit-schema';
import type { AuditStore, SqlExecutor } from './audit-store.interface';

/** Options of {@link SqlAuditStore}: exactly one of `executor` and `connectionString`. */
export interface SqlAuditStoreOptions {
  /** A `pg` `Pool` / `Client` or a PGlite instance. Never closed by the store. */
  executor?: SqlExecutor;
  /** A PostgreSQL connection string; the store opens a `pg` pool of its own and closes it in `close()`. */
  connectionString?: string;
  /**
   * The table, optionally schema-qualified.
   * @default 'faultline_audit_events'
   */
  table?: string;
  /**
   * Create the table and indexes (idempotently) in `init()`, or before the first statement if
   * `init()` was not called or failed. Turn off to run {@link auditSchemaSql} as your own migration.
   * @default true
   */
  createSchema?: boolean;
}

export { AUDIT_QUERY_DEFAULT_LIMIT, AUDIT_QUERY_MAX_LIMIT } from './audit-query-params';

/** Bounds the size of one statement (and transaction). */
const ROWS_PER_STATEMENT = 1000;

/**
 * The built-in {@link AuditStore}: one table in PostgreSQL (a connection string, a `pg` `Pool` or
 * `Client`) or in PGlite, with the same SQL for both. A batch is written by one multi-row
 * `INSERT … SELECT FROM json_to_recordset($1) … ON CONFLICT (id) DO NOTHING` (the batch as one
 * JSON parameter), so a retried batch writes each event once. Queries are newest first with keyset pagination on
 * `(ts, id)`.
 *
 * @example
 * const store = new SqlAuditStore({ connectionString: process.env.DATABASE_URL });
 * await store.init();
 * await store.write([event]);
 * const { items, nextCursor } = await store.query({ actorId: '42', limit: 20 });
 */
export class SqlAuditStore implements AuditStore {
  private readonly executor: SqlExecutor;
  private readonly ownPool: Pool | undefined;
  private readonly table: string;
  private readonly tableOption: string;
  private readonly insertSql: string;
  private readonly createSchema: boolean;
  private schema: Promise<void> | undefined;
  private closed = false;

  constructor(options: SqlAuditStoreOptions) {
    if ((options.executor === undefined) === (options.connectionString === undefined)) {
      throw new FaultlineConfigError(
        'audit.sql',
        'needs exactly one of executor (a pg Pool or PGlite) and connectionString',
      );
    }
    this.tableOption = options.table ?? DEFAULT_AUDIT_TABLE;
    this.table = auditTableName(this.tableOption).sql;
    // The batch as one JSON parameter read into typed rows: one parameter whatever the batch
    // size, a statement PostgreSQL plans much faster than a VALUES list of 17 parameters a row,
    // and far less encoding work in the app than one array parameter a column.
    this.insertSql =
      `INSERT INTO ${this.table} (${COLUMN_LIST}) ` +
      `SELECT ${RECORD_LIST} FROM json_to_recordset($1::json) AS r(${COLUMN_DEFINITIONS}) ` +
      'ON CONFLICT (id) DO NOTHING';
    this.createSchema = options.createSchema ?? true;
    if (options.executor !== undefined) {
      if (typeof options.executor.query !== 'function') {
        throw new FaultlineConfigError(
          'audit.sql.executor',
          'must have a query(text, params) method, like a pg Pool or PGlite',
        );
      }
      this.executor = options.executor;
      this.ownPool = undefined;
    } else {
      this.ownPool = openPool(options.connectionString as string);
      this.executor = this.ownPool;
    }
  }

  /** Creates the table and indexes when `createSchema` is on (idempotent, safe to run concurrently). */
  async init(): Promise<void> {
    if (this.createSchema) await this.ensureSchema();
  }

  /** Writes the events, each id at most once, in statements of at most 1000 rows. */
  async write(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const chunks: string[] = [];
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
      chunks.push(
        batchJson(
          events.length <= ROWS_PER_STATEMENT ? events : events.slice(start, start + ROWS_PER_STATEMENT),
        ),
      );
    }
    if (this.createSchema) await this.ensureSchema();
    for (const rows of chunks) await this.executor.query(this.insertSql, [rows]);
  }

  /**
   * Newest first (`ts` then `id`, descending), filtered with AND. `since` is inclusive, `until`
   * exclusive; an empty string filter counts as absent.
   *
   * @throws ValidationError (400 `VALIDATION_ERROR`) for a cursor this store did not issue, an
   * invalid date or a limit below 1.
   */
  async query(query: AuditQuery = {}): Promise<AuditPage> {
    const limit = pageSize(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const equals: [keyof AuditQuery, string][] = [
      ['actorId', 'actor_id'],
      ['ip', 'ip'],
      ['action', 'action'],
      ['kind', 'kind'],
      ['outcome', 'outcome'],
    ];
    for (const [key, column] of equals) {
      const value = query[key];
      if (value !== undefined && value !== null && value !== '') {
        where.push(`${column} = ${param(cleanText(String(value)))}`);
      }
    }
    if (query.since !== undefined) where.push(`ts >= ${param(isoDate(query.since, 'since'))}::timestamptz`);
    if (query.until !== undefined) where.push(`ts < ${param(isoDate(query.until, 'until'))}::timestamptz`);
    if (query.cursor !== undefined && query.cursor !== '') {
      const [ts, id] = decodeCursor(query.cursor);
      where.push(`(ts, id) < (${param(ts)}::timestamptz, ${param(id)}::uuid)`);
    }
    if (this.createSchema) await this.ensureSchema();
    const { rows } = await this.executor.query(
      `SELECT ${COLUMN_LIST}, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts
       FROM ${this.table}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ts DESC, id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(fromRow),
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor(String(last.cursor_ts), String(last.id)) }
        : {}),
    };
  }

  /** Deletes events older than `before`; returns how many. */
  async purge(before: Date): Promise<number> {
    const iso = isoDate(before, 'before');
    if (this.createSchema) await this.ensureSchema();
    const result = await this.executor.query(`DELETE FROM ${this.table} WHERE ts < $1::timestamptz`, [iso]);
    return result.affectedRows ?? result.rowCount ?? 0;
  }

  /** Runs `SELECT 1`: the readiness probe's check of the store. */
  async ping(): Promise<void> {
    await this.executor.query('SELECT 1');
  }

  /** Closes the pool the store opened from a connection string; an executor handed in is left open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ownPool?.end();
  }

  private ensureSchema(): Promise<void> {
    this.schema ??= this.runSchema().catch((err: unknown) => {
      this.schema = undefined; // try again on the next call
      throw err;
    });
    return this.schema;
  }

  private async runSchema(): Promise<void> {
    const ddl = auditSchemaSql(this.tableOption);
    // PGlite's query() takes one statement (a prepared one); exec() runs several as one
    // transaction, as pg does for a query without parameters (the simple protocol).
    const exec = (this.executor as { exec?: unknown }).exec;
    if (typeof exec === 'function')
      await (exec as (sql: string) => Promise<unknown>).call(this.executor, ddl);
    else await this.executor.query(ddl);
  }
}

function openPool(connectionString: string): Pool {
  // Optional: only needed when the store opens its own connection.
  const pg = loadPeer<typeof import('pg')>(
    'pg',
    'audit.sql.connectionString',
    'pass an executor (a PGlite instance)',
  );
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis: 10_000,
    application_name: 'faultline-audit',
  });
  // An idle connection that drops (a database restart) is reported here; without a listener
  // the process would crash. The next statement fails instead and the writer retries it.
  pool.on('error', () => undefined);
  return pool;
}
