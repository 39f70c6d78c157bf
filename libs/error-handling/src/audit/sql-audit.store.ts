import type { Pool } from 'pg';
import { ValidationError } from '../errors/app.error';
import { FaultlineConfigError } from '../errors/faultline-config.error';
import { fieldError } from '../errors/field-error.interface';
import type { AuditEvent, AuditKind, AuditOutcome, AuditPage, AuditQuery } from './audit-event.interface';
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

/** Default page size of {@link SqlAuditStore.query}. */
export const AUDIT_QUERY_DEFAULT_LIMIT = 50;
/** Largest page size of {@link SqlAuditStore.query}; larger limits are lowered to it. */
export const AUDIT_QUERY_MAX_LIMIT = 500;

/** Columns in statement order, with the type of each one's array parameter. */
const COLUMNS = [
  ['id', 'uuid'],
  ['ts', 'timestamptz'],
  ['kind', 'text'],
  ['action', 'text'],
  ['outcome', 'text'],
  ['status', 'int'],
  ['error_code', 'text'],
  ['actor_id', 'text'],
  ['resource_type', 'text'],
  ['resource_id', 'text'],
  ['request_id', 'text'],
  ['ip', 'text'],
  ['user_agent', 'text'],
  ['method', 'text'],
  ['route', 'text'],
  ['duration_ms', 'int'],
  ['data', 'jsonb'],
] as const;
const COLUMN_LIST = COLUMNS.map(([name]) => name).join(', ');
/** Bounds the size of one statement (and transaction); the parameter count does not grow with it. */
const ROWS_PER_STATEMENT = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_TS = /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const INT4_MAX = 2_147_483_647;

/**
 * The built-in {@link AuditStore}: one table in PostgreSQL (a connection string, a `pg` `Pool` or
 * `Client`) or in PGlite, with the same SQL for both. A batch is written by one multi-row
 * `INSERT … SELECT FROM unnest(…) ON CONFLICT (id) DO NOTHING` (one array parameter a column),
 * so a retried batch writes each event once. Queries are newest first with keyset pagination on
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
    // One array parameter a column, unnested into rows: 17 parameters whatever the batch size,
    // and a statement PostgreSQL plans much faster than a VALUES list of 17 parameters a row.
    this.insertSql =
      `INSERT INTO ${this.table} (${COLUMN_LIST}) ` +
      `SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) ` +
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
    const chunks: unknown[][][] = [];
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
      chunks.push(columnArrays(events.slice(start, start + ROWS_PER_STATEMENT)));
    }
    if (this.createSchema) await this.ensureSchema();
    for (const columns of chunks) await this.executor.query(this.insertSql, columns);
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
  let pg: typeof import('pg');
  try {
    // Optional: only needed when the store opens its own connection.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pg = require('pg') as typeof import('pg');
  } catch {
    throw new FaultlineConfigError(
      'audit.sql.connectionString',
      'is set but the pg package is not installed',
      'Install pg (npm i pg), or pass an executor (a PGlite instance)',
    );
  }
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

/**
 * Events as statement parameters: one array a column. Values PostgreSQL would reject (NUL
 * characters, lone surrogates in JSON, fractional or huge integers, unserialisable data) are
 * made storable here, since a batch that can never be written would hold up every event behind it.
 */
function columnArrays(events: readonly AuditEvent[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => new Array<unknown>(events.length));
  events.forEach((event, r) => {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new TypeError(
        `audit event id must be a UUID, got ${JSON.stringify(String(event.id)).slice(0, 80)}`,
      );
    }
    const ts =
      event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp as unknown as string);
    if (Number.isNaN(ts.getTime())) throw new TypeError(`audit event ${event.id} has an invalid timestamp`);
    const values = [
      event.id,
      ts.toISOString(),
      optionalText(event.kind),
      optionalText(event.action),
      optionalText(event.outcome),
      optionalInt(event.status),
      optionalText(event.errorCode),
      optionalText(event.actorId),
      optionalText(event.resourceType),
      optionalText(event.resourceId),
      optionalText(event.requestId),
      optionalText(event.ip),
      optionalText(event.userAgent),
      optionalText(event.method),
      optionalText(event.route),
      optionalInt(event.durationMs),
      jsonData(event.data),
    ];
    for (let c = 0; c < values.length; c++) columns[c][r] = values[c];
  });
  return columns;
}

function fromRow(row: Record<string, unknown>): AuditEvent {
  const event: AuditEvent = {
    id: String(row.id),
    timestamp: row.ts instanceof Date ? row.ts : new Date(String(row.ts)),
    kind: String(row.kind ?? '') as AuditKind,
    action: String(row.action ?? ''),
    outcome: String(row.outcome ?? '') as AuditOutcome,
  };
  const optional: [keyof AuditEvent, unknown][] = [
    ['status', num(row.status)],
    ['errorCode', str(row.error_code)],
    ['actorId', str(row.actor_id)],
    ['resourceType', str(row.resource_type)],
    ['resourceId', str(row.resource_id)],
    ['requestId', str(row.request_id)],
    ['ip', str(row.ip)],
    ['userAgent', str(row.user_agent)],
    ['method', str(row.method)],
    ['route', str(row.route)],
    ['durationMs', num(row.duration_ms)],
    ['data', row.data === null || row.data === undefined ? undefined : parseData(row.data)],
  ];
  for (const [key, value] of optional) {
    if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function parseData(value: unknown): Record<string, unknown> {
  // jsonb arrives parsed from pg and PGlite; a client with its own type parsers may give text.
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

/** Text columns reject NUL; it becomes U+FFFD (filters get the same treatment, so they still match). */
function cleanText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function optionalText(value: unknown): string | null {
  return value === undefined || value === null ? null : cleanText(String(value));
}

function optionalInt(value: unknown): number | null {
  const n = typeof value === 'number' ? value : value === undefined || value === null ? NaN : Number(value);
  if (!Number.isFinite(n)) return null;
  return Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.round(n)));
}

/** NUL and unpaired surrogates: jsonb rejects them (JSON.stringify writes them as escapes). */
// eslint-disable-next-line no-control-regex
const JSONB_REJECTS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanJsonString(value: string): string {
  return value.replace(JSONB_REJECTS, '\uFFFD');
}

/**
 * `\u0000` and unpaired surrogates as JSON.stringify escapes them. An escaped backslash before
 * `u0000` matches too; that only sends the value down the slower, exact path.
 */
const REJECTED_ESCAPE = /\\u(?:0000|d[89a-f])/i;

function safeStringify(data: unknown): string | undefined {
  try {
    return JSON.stringify(data);
  } catch {
    return undefined;
  }
}

function jsonData(data: unknown): string | null {
  if (data === undefined || data === null) return null;
  // Fast path: plain JSON, unless it holds an escape jsonb rejects (or a bigint, which throws).
  const plain = safeStringify(data);
  if (plain !== undefined && !REJECTED_ESCAPE.test(plain)) return plain;
  try {
    const text = JSON.stringify(data, function (this: unknown, _key: string, value: unknown) {
      if (typeof value === 'string') return cleanJsonString(value);
      if (typeof value === 'bigint') return value.toString();
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.some((k) => cleanJsonString(k) !== k)) {
          return Object.fromEntries(
            keys.map((k) => [cleanJsonString(k), (value as Record<string, unknown>)[k]]),
          );
        }
      }
      return value;
    });
    return text === undefined ? null : text;
  } catch (err) {
    // Circular data, a throwing toJSON: keep the event, say why its data is missing.
    return JSON.stringify({
      _unserializable: cleanJsonString(err instanceof Error ? err.message : String(err)),
    });
  }
}

function isoDate(value: unknown, field: string): string {
  const date = value instanceof Date ? value : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError(`Invalid audit query: ${field} must be a valid date`, [
      fieldError([field], 'isDate', `${field} must be a valid date`),
    ]);
  }
  return date.toISOString();
}

function pageSize(limit: unknown): number {
  if (limit === undefined || limit === null) return AUDIT_QUERY_DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 1) {
    throw new ValidationError('Invalid audit query: limit must be a number >= 1', [
      fieldError(['limit'], 'min', `limit must be a number between 1 and ${AUDIT_QUERY_MAX_LIMIT}`),
    ]);
  }
  return Math.min(Math.floor(limit), AUDIT_QUERY_MAX_LIMIT);
}

/** Opaque to callers: base64url of `[ts with microseconds, id]` of the last row of a page. */
function encodeCursor(ts: string, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

function decodeCursor(cursor: unknown): [string, string] {
  let decoded: unknown;
  try {
    decoded =
      typeof cursor === 'string' ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    !CURSOR_TS.test(decoded[0]) ||
    Number.isNaN(Date.parse(decoded[0])) ||
    !UUID.test(decoded[1])
  ) {
    throw new ValidationError('Invalid audit query: cursor is not one this API returned', [
      fieldError(['cursor'], 'isCursor', 'cursor must be the nextCursor of a previous page'),
    ]);
  }
  return [decoded[0], decoded[1]];
}
