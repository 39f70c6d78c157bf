import { configErrorOf as configError } from '../kernel/config-error.testing';
import { auditSchemaSql, auditTableName } from './audit-schema';

describe('auditSchemaSql', () => {
  it('creates the default table and its indexes idempotently, under an advisory lock', () => {
    const sql = auditSchemaSql();
    const statements = sql
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    expect(statements[0]).toMatch(/^SELECT pg_advisory_xact_lock\(\d+\)$/);
    expect(statements[1]).toMatch(/^CREATE TABLE IF NOT EXISTS "faultline_audit_events" \(/);
    expect(statements.slice(2)).toHaveLength(5);
    expect(statements.slice(2).every((s) => s.startsWith('CREATE INDEX IF NOT EXISTS '))).toBe(true);
  });

  it('has every column the store writes, with its type', () => {
    const sql = auditSchemaSql();
    for (const column of [
      'id uuid PRIMARY KEY',
      'ts timestamptz NOT NULL',
      'kind text',
      'action text',
      'outcome text',
      'status int',
      'error_code text',
      'actor_id text',
      'resource_type text',
      'resource_id text',
      'request_id text',
      'ip text',
      'user_agent text',
      'method text',
      'route text',
      'duration_ms int',
      'data jsonb',
    ]) {
      expect(sql).toContain(`  ${column}`);
    }
  });

  it('indexes every query filter together with the newest-first order', () => {
    const sql = auditSchemaSql('audit_events');
    expect(sql).toContain('"audit_events_ts_idx" ON "audit_events" (ts DESC)');
    for (const column of ['actor_id', 'ip', 'action']) {
      expect(sql).toContain(
        `"audit_events_${column === 'actor_id' ? 'actor' : column}_ts_idx" ON "audit_events" (${column}, ts DESC)`,
      );
    }
    // Audit events are the bulk of the table and are found through the time index; security
    // events have a partial index, so an audit row costs one index fewer to insert.
    expect(sql).toContain(
      `"audit_events_security_ts_idx" ON "audit_events" (ts DESC) WHERE kind = 'security'`,
    );
    expect(sql).not.toMatch(/\(kind, /);
  });

  it('takes a schema-qualified table and names the indexes after the table alone', () => {
    const sql = auditSchemaSql('audit.events');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "audit"."events" (');
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS "events_ts_idx" ON "audit"."events"');
  });

  it('keeps index names of a 63-character table distinct and within 63 characters', () => {
    const table = 'a'.repeat(63);
    const names = [...auditSchemaSql(table).matchAll(/CREATE INDEX IF NOT EXISTS "([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(names).toHaveLength(5);
    expect(new Set(names).size).toBe(5);
    expect(names.every((n) => n.length <= 63)).toBe(true);
  });

  it.each([
    '',
    'audit events',
    'events;DROP TABLE users',
    'a.b.c',
    '.events',
    'events.',
    '1events',
    'bad"quote',
    'x'.repeat(64),
    'évènements',
  ])('rejects the table name %p with FaultlineConfigError naming audit.sql.table', (table) => {
    const error = configError(() => auditSchemaSql(table));
    expect(error.option).toBe('audit.sql.table');
    expect(error.message).toContain('FAULTLINE_INVALID_OPTION: audit.sql.table');
    expect(error.message).toContain(JSON.stringify(table));
  });

  it('rejects a table name that is not a string', () => {
    expect(configError(() => auditSchemaSql(42 as unknown as string)).option).toBe('audit.sql.table');
  });
});

describe('auditTableName', () => {
  it('quotes each part and keeps the table name apart', () => {
    expect(auditTableName()).toEqual({ sql: '"faultline_audit_events"', base: 'faultline_audit_events' });
    expect(auditTableName('Audit.User')).toEqual({ sql: '"Audit"."User"', base: 'User' });
  });
});
