import type { AuditMetadata } from './audit-metadata';

/** What the audit guard leaves on an audited request. */
export interface AuditRequestContext {
  metadata: AuditMetadata;
  startedAt: number;
  /** Set once the request's event is recorded, so it is recorded once. */
  recorded: boolean;
  /**
   * For a GraphQL resolver: its arguments (what `params.*`, `body.*` and `args.*` paths read) and
   * its field (`Mutation.markRead`, the event's route). The context is keyed by the resolver's
   * info, as one request may run several audited resolvers.
   */
  graphql?: { args: Record<string, unknown>; field: string };
}

/**
 * The audit context of each audited request, noted by the audit guard. A WeakMap, not a
 * property: adding properties to Node's large request objects is slow, and nothing leaks.
 */
export const auditContexts = new WeakMap<object, AuditRequestContext>();

/** Requests for which a security event was recorded. */
export const securityRecorded = new WeakSet<object>();

/** Injection token of the resolved audit options (null when audit is off). */
export const AUDIT_RUNTIME = 'FAULTLINE:AUDIT_RUNTIME';
