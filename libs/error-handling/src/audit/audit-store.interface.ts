import type { AuditEvent, AuditPage, AuditQuery } from './audit-event.interface';

/**
 * Where audit events are kept. Faultline ships a SQL store (PostgreSQL or PGlite); any object
 * with these methods can be given instead.
 *
 * @example
 * ErrorHandlingModule.forRoot({ audit: { store: myStore } })
 */
export interface AuditStore {
  /** Creates what the store needs (tables, indexes); called once at start-up. Idempotent. */
  init?(): Promise<void>;
  /**
   * Writes a batch. Must be idempotent on `event.id`: a batch retried after a failure writes
   * each event exactly once. Throws when the store cannot be reached; the batch is retried.
   */
  write(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first, filtered, paginated by cursor. */
  query(query: AuditQuery): Promise<AuditPage>;
  /** Deletes events older than `before`; returns how many. */
  purge?(before: Date): Promise<number>;
  /** Throws when the store cannot be reached; `/ready` runs it as its `database` check. */
  ping?(): Promise<void>;
  /** Releases what the store opened itself (not a pool that was handed to it). */
  close?(): Promise<void>;
}

/** Injection token of the {@link AuditStore} in use. */
export const AuditStore = 'FAULTLINE:AuditStore';

/**
 * What the SQL store runs statements on: a `pg` `Pool` or `Client`, or a PGlite instance.
 * Both answer `query(text, params)` with `{ rows }`.
 */
export interface SqlExecutor {
  query(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount?: number | null; affectedRows?: number }>;
}
