export {
  Audit,
  type AuditCapture,
  type AuditDecoratorOptions,
  type AuditMetadata,
  type AuditResourceContext,
} from './audit.decorator';
export { AUDIT_METADATA } from './audit.constants';
export { AuditGuard } from './audit.guard';
export { AuditInterceptor } from './audit.interceptor';
export { AuditService, type AuditRecord } from './audit.service';
export type { AuditStats } from './audit-metrics';
export type { AuditOptions, AuditSqlOptions, SecurityEventOptions } from './audit.options';
export type { AuditEvent, AuditKind, AuditOutcome, AuditPage, AuditQuery } from './audit-event.interface';
export { AuditStore, type SqlExecutor } from './audit-store.interface';
export { auditSchemaSql, DEFAULT_AUDIT_TABLE } from './audit-schema';
export {
  SqlAuditStore,
  AUDIT_QUERY_DEFAULT_LIMIT,
  AUDIT_QUERY_MAX_LIMIT,
  type SqlAuditStoreOptions,
} from './sql-audit.store';
export {
  AuditWriter,
  type AuditSpill,
  type AuditSpillReason,
  type AuditWriterOptions,
  type AuditWriterStats,
} from './audit-writer';
export { auditEventId } from './event-id';
export { SecurityEventKind } from './security-event-kind';
export {
  SecurityEvents,
  type SecurityEventDetails,
  type SuspiciousActivity,
  type SuspiciousActivityListener,
} from './security-events.service';
export { InMemorySecurityCounterStore, SecurityCounterStore } from './security-counter.store';
export { RedisSecurityCounterStore } from './redis-security-counter.store';
