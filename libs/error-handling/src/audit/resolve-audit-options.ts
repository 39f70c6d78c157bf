import { type Clock, systemClock } from '../kernel/clock';
import { check, featureOptions, isPlainObject, wholeNumber } from '../kernel/option-checks';
import { defaultUserId } from '../kernel/request-context';
import { REDIS_DEFAULTS } from '../kernel/resolve-redis-options';
import type { AuditOptions, SecurityEventOptions } from './audit.options';
import type { AuditStore } from './audit-store.interface';
import {
  AUDIT_WRITER_DEFAULTS,
  AUDIT_WRITER_OPTIONS,
  type AuditWriterSettings,
  resolveWriterSettings,
} from './audit-writer';
import { InMemorySecurityCounterStore, type SecurityCounterStore } from './security-counter.store';
import { SqlAuditStore } from './sql-audit.store';
import { SecurityEventKind } from './security-event-kind';

/** The error codes that are security events by default, and their kinds. */
export const SECURITY_CODES: Readonly<Record<string, SecurityEventKind>> = {
  UNAUTHENTICATED: SecurityEventKind.AUTH_REQUIRED,
  PERMISSION_DENIED: SecurityEventKind.PERMISSION_DENIED,
  RATE_LIMITED: SecurityEventKind.RATE_LIMIT_HIT,
};

/** The defaults of `audit`, as docs/audit.md's option table shows them. */
export const AUDIT_DEFAULTS = {
  retentionDays: 90,
  ...AUDIT_WRITER_DEFAULTS,
  shutdownTimeoutMs: 5000,
  security: { threshold: 10, windowMs: 300_000 },
} as const;

/** Audit options after defaults and validation. */
export interface ResolvedAudit {
  store: AuditStore | undefined;
  actor: (req: unknown) => string | number | undefined;
  retentionDays: number;
  writer: AuditWriterSettings;
  shutdownTimeoutMs: number;
  security: {
    threshold: number;
    windowMs: number;
    /** The application's own store (`audit.security.counterStore`). */
    counterStore: SecurityCounterStore | undefined;
    /** The in-process counters: the store without Redis, the fallback with it. */
    localCounters: SecurityCounterStore;
    /** Of each counter's key: `<redis.keyPrefix>security:`. */
    keyPrefix: string;
    /** The security event kind of each error code that is one. */
    codes: ReadonlyMap<string, SecurityEventKind>;
  };
}

const KNOWN: readonly (keyof AuditOptions)[] = [
  'sql',
  'store',
  'actor',
  'retentionDays',
  // The delivery options, handed to the AuditWriter.
  ...AUDIT_WRITER_OPTIONS,
  'shutdownTimeoutMs',
  'security',
];

/** Applies defaults and validates `audit`; `false` turns the audit trail and security events off. */
export function resolveAudit(
  input: unknown,
  clock: Clock = systemClock,
  user: (req: unknown) => string | number | undefined = defaultUserId,
  redisKeyPrefix: string = REDIS_DEFAULTS.keyPrefix,
): ResolvedAudit | false {
  const o = featureOptions<AuditOptions>(input, 'audit', KNOWN);
  if (!o) return false;
  check(!(o.sql && o.store), 'audit', 'takes sql or store, not both');
  check(
    o.actor === undefined || typeof o.actor === 'function',
    'audit.actor',
    'must be a function (req) => id',
  );
  if (o.store !== undefined) {
    check(
      isPlainObject(o.store) &&
        typeof (o.store as AuditStore).write === 'function' &&
        typeof (o.store as AuditStore).query === 'function',
      'audit.store',
      'must implement AuditStore: write(events) and query(query)',
    );
  }
  let store: AuditStore | undefined = o.store;
  if (o.sql !== undefined) {
    check(isPlainObject(o.sql), 'audit.sql', 'must be an object with executor or connectionString');
    const sql = o.sql;
    check(
      (sql.executor === undefined) !== (sql.connectionString === undefined),
      'audit.sql',
      'needs exactly one of executor (a pg Pool or PGlite) and connectionString',
    );
    check(
      sql.executor === undefined || typeof (sql.executor as { query?: unknown }).query === 'function',
      'audit.sql.executor',
      'must have a query(text, params) method, like a pg Pool or PGlite',
    );
    check(
      sql.connectionString === undefined ||
        (typeof sql.connectionString === 'string' && /^postgres(ql)?:\/\//.test(sql.connectionString)),
      'audit.sql.connectionString',
      'must be a postgres:// URL',
    );
    store = new SqlAuditStore(sql);
  }
  const security: SecurityEventOptions = o.security ?? {};
  check(isPlainObject(security), 'audit.security', 'must be an object');
  check(
    security.counterStore === undefined ||
      typeof (security.counterStore as { increment?: unknown } | null)?.increment === 'function',
    'audit.security.counterStore',
    'must have increment(key, windowMs)',
  );
  check(
    security.codes === undefined || isPlainObject(security.codes),
    'audit.security.codes',
    'must be an object of error codes to security event kinds',
  );
  const codes = new Map<string, SecurityEventKind>(Object.entries(SECURITY_CODES));
  for (const [code, kind] of Object.entries(security.codes ?? {})) {
    if (kind === null) {
      codes.delete(code);
      continue;
    }
    check(
      typeof kind === 'string' && (Object.values(SecurityEventKind) as string[]).includes(kind),
      `audit.security.codes.${code}`,
      'must be a security event kind or null',
      `One of ${Object.values(SecurityEventKind).join(', ')}`,
    );
    codes.set(code, kind as SecurityEventKind);
  }
  return {
    store,
    actor: o.actor ?? user,
    retentionDays: wholeNumber(o.retentionDays, AUDIT_DEFAULTS.retentionDays, 'audit.retentionDays', 0),
    writer: resolveWriterSettings(o),
    shutdownTimeoutMs: wholeNumber(
      o.shutdownTimeoutMs,
      AUDIT_DEFAULTS.shutdownTimeoutMs,
      'audit.shutdownTimeoutMs',
      0,
    ),
    security: {
      threshold: wholeNumber(
        security.threshold,
        AUDIT_DEFAULTS.security.threshold,
        'audit.security.threshold',
        1,
      ),
      windowMs: wholeNumber(
        security.windowMs,
        AUDIT_DEFAULTS.security.windowMs,
        'audit.security.windowMs',
        1,
      ),
      counterStore: security.counterStore as SecurityCounterStore | undefined,
      localCounters: new InMemorySecurityCounterStore(undefined, clock),
      keyPrefix: `${redisKeyPrefix}security:`,
      codes,
    },
  };
}
