/** `audit` for operations marked with `@Audit()` or recorded by services; `security` for security events. */
export type AuditKind = 'audit' | 'security';

/** Whether the audited operation succeeded. */
export type AuditOutcome = 'success' | 'failure';

/**
 * One audit or security event, as stored. Every field but `id`, `timestamp`, `kind`, `action`
 * and `outcome` is optional. `data` is the redacted captured data (params, query, body, result,
 * or what a service passed).
 */
export interface AuditEvent {
  /** Idempotency key: a store writes each id once, however often it is retried. */
  id: string;
  timestamp: Date;
  kind: AuditKind;
  /** `NOTIFICATION_CREATE`, or a security event kind such as `LOGIN_FAILED`. */
  action: string;
  outcome: AuditOutcome;
  /** HTTP status of the request, when there was one. */
  status?: number;
  /** Error code of a failure (`PERMISSION_DENIED`, …). */
  errorCode?: string;
  /** Who did it: the user id, when known. */
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  method?: string;
  /** Route template, `/notifications/:id/read`. */
  route?: string;
  durationMs?: number;
  data?: Record<string, unknown>;
}

/** Filters of {@link AuditStore.query}; all optional, combined with AND. */
export interface AuditQuery {
  actorId?: string;
  ip?: string;
  action?: string;
  kind?: AuditKind;
  outcome?: AuditOutcome;
  /** Events at or after this time. */
  since?: Date;
  /** Events before this time. */
  until?: Date;
  /**
   * Page size.
   * @default 50 (at most 500)
   */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of events, newest first. */
export interface AuditPage {
  items: AuditEvent[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}
