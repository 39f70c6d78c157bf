import { FaultlineConfigError } from '../kernel/faultline-config.error';

/** The table the SQL store uses unless told otherwise. */
export const DEFAULT_AUDIT_TABLE = 'faultline_audit_events';

/**
 * Key of the transaction-scoped advisory lock taken before the DDL ("faultaud" as a bigint), so
 * that instances starting together do not race on `CREATE TABLE IF NOT EXISTS` (which can fail
 * with a unique violation on `pg_type` when two sessions create the same table at once).
 */
const SCHEMA_LOCK_KEY = '7377306773279044964';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MAX_IDENTIFIER = 63;
const INDEX_SUFFIXES = [
  '_ts_idx',
  '_actor_ts_idx',
  '_ip_ts_idx',
  '_action_ts_idx',
  '_security_ts_idx',
] as const;

/** A validated audit table name. */
export interface AuditTableName {
  /** The quoted, possibly schema-qualified name to use in statements: `"audit"."events"`. */
  sql: string;
  /** The table's own name without the schema, unquoted: `events`. */
  base: string;
}

/**
 * Validates an audit table name (an identifier, optionally schema-qualified) and quotes it.
 * Names are quoted, so they keep their case and may be reserved words.
 *
 * @throws FaultlineConfigError (`audit.sql.table`) when the name is not a plain identifier.
 * @example
 * auditTableName('audit.events'); // { sql: '"audit"."events"', base: 'events' }
 */
export function auditTableName(table: string = DEFAULT_AUDIT_TABLE): AuditTableName {
  const parts = typeof table === 'string' ? table.split('.') : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new FaultlineConfigError(
      'audit.sql.table',
      `is ${JSON.stringify(table)}, which is not a table name`,
      'Use letters, digits and underscores (not starting with a digit, at most 63 characters), ' +
        "optionally schema-qualified: 'faultline_audit_events' or 'audit.events'",
    );
  }
  return { sql: parts.map((p) => `"${p}"`).join('.'), base: parts[parts.length - 1] };
}

/**
 * Idempotent DDL of the audit table and its indexes, for PostgreSQL and PGlite alike. The
 * store runs it at start-up (unless `createSchema: false`); teams that run their own migrations
 * can take this text instead. It begins with `pg_advisory_xact_lock`, so run it as one
 * transaction (a multi-statement simple query is one, as in `psql -c` or PGlite's `exec`).
 *
 * @param table - the table, optionally schema-qualified; the schema must exist.
 * @default table 'faultline_audit_events'
 * @throws FaultlineConfigError (`audit.sql.table`) when the name is not a plain identifier.
 * @example
 * await pool.query(auditSchemaSql('audit.events'));
 */
export function auditSchemaSql(table: string = DEFAULT_AUDIT_TABLE): string {
  const name = auditTableName(table);
  const index = indexNames(name.base);
  return `SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY});
CREATE TABLE IF NOT EXISTS ${name.sql} (
  id uuid PRIMARY KEY,
  ts timestamptz NOT NULL,
  kind text,
  action text,
  outcome text,
  status int,
  error_code text,
  actor_id text,
  resource_type text,
  resource_id text,
  request_id text,
  ip text,
  user_agent text,
  method text,
  route text,
  duration_ms int,
  data jsonb
);
CREATE INDEX IF NOT EXISTS "${index._ts_idx}" ON ${name.sql} (ts DESC);
CREATE INDEX IF NOT EXISTS "${index._actor_ts_idx}" ON ${name.sql} (actor_id, ts DESC);
CREATE INDEX IF NOT EXISTS "${index._ip_ts_idx}" ON ${name.sql} (ip, ts DESC);
CREATE INDEX IF NOT EXISTS "${index._action_ts_idx}" ON ${name.sql} (action, ts DESC);
CREATE INDEX IF NOT EXISTS "${index._security_ts_idx}" ON ${name.sql} (ts DESC) WHERE kind = 'security';
`;
}

/**
 * Index names derived from the table's name. PostgreSQL cuts identifiers at 63 bytes, which
 * could make two of them collide, so a long table name is shortened first and the suffix kept.
 */
function indexNames(base: string): Record<(typeof INDEX_SUFFIXES)[number], string> {
  const longest = Math.max(...INDEX_SUFFIXES.map((s) => s.length));
  const stem = base.slice(0, MAX_IDENTIFIER - longest);
  return Object.fromEntries(INDEX_SUFFIXES.map((s) => [s, `${stem}${s}`])) as Record<
    (typeof INDEX_SUFFIXES)[number],
    string
  >;
}
