import type { AuditStore, SqlExecutor } from './audit-store.interface';
import type { AuditWriterOptions } from './audit-writer';
import type { SecurityCounterStore } from './security-counter.store';
import type { SecurityEventKind } from './security-event-kind';

/** The SQL store: PostgreSQL by connection string or an existing `pg.Pool`, or a PGlite instance. */
export interface AuditSqlOptions {
  /**
   * A `pg` `Pool` / `Client` or a PGlite instance to run statements on. It is not closed by Faultline.
   */
  executor?: SqlExecutor;
  /** A PostgreSQL connection string; Faultline opens (and closes) a `pg` pool of its own. */
  connectionString?: string;
  /**
   * The table, optionally schema-qualified.
   * @default 'faultline_audit_events'
   */
  table?: string;
  /**
   * Create the table and indexes at start-up (idempotent). Turn off to run the exported
   * `auditSchemaSql()` as a migration of your own.
   * @default true
   */
  createSchema?: boolean;
}

/** Security event options: the suspicious-activity threshold. */
export interface SecurityEventOptions {
  /**
   * More than this many events of one kind from one ip within `windowMs` is suspicious: a
   * `security` warning and a "suspicious activity" notification.
   * @default 10
   */
  threshold?: number;
  /**
   * The window, in milliseconds.
   * @default 300000 (5 minutes)
   */
  windowMs?: number;
  /**
   * Where the counters live: a store of your own, which wins over the top-level `redis` option.
   * @default in Redis with the top-level `redis` option, else in-process
   */
  counterStore?: SecurityCounterStore;
  /**
   * Which error codes are security events, and of which kind, besides the built-in ones
   * (`UNAUTHENTICATED` is `AUTH_REQUIRED`, `PERMISSION_DENIED` is `PERMISSION_DENIED`,
   * `RATE_LIMITED` is `RATE_LIMIT_HIT`). A failure is classified by its code, not its status: a
   * business 403 such as `QUOTA_EXCEEDED` is no security event unless listed here; `null`
   * takes a built-in code off the list.
   * @default {}
   * @example { TOKEN_REVOKED: 'AUTH_REQUIRED', ACCOUNT_LOCKED: 'LOGIN_FAILED', RATE_LIMITED: null }
   */
  codes?: Record<string, SecurityEventKind | `${SecurityEventKind}` | null>;
}

/**
 * Options of the audit trail and security events. The delivery options (`batchSize`,
 * `flushIntervalMs`, `maxQueue`, `concurrency`, `retryBaseMs`, `retryMaxMs`, `writeTimeoutMs`) are the
 * {@link AuditWriterOptions}.
 */
export interface AuditOptions extends Omit<AuditWriterOptions, 'onError'> {
  /** Keep events in a SQL table (besides the `audit` log channel, which always gets them). */
  sql?: AuditSqlOptions;
  /** Or keep them in a store of your own. */
  store?: AuditStore;
  /**
   * Who acted, read from the request; wins over the module's `user` option for audit events.
   * @default the module's `user` option (req.user.id, else req.user.sub)
   */
  actor?: (req: unknown) => string | number | undefined;
  /**
   * Events older than this are deleted (at start-up and every 6 hours). `0` keeps everything.
   * @default 90
   */
  retentionDays?: number;
  /** How long shutdown waits for the queue to drain, in ms. @default 5000 */
  shutdownTimeoutMs?: number;
  /** Security events. */
  security?: SecurityEventOptions;
}
