import { encodeOnlyExecutor, listenAudited } from './audit-routes';

// Faultline with everything on and audit stored through SqlAuditStore on an executor that sends
// nothing: every event is recorded, logged to the audit channel, queued and encoded as its batch's
// INSERT, and PostgreSQL's work is left out.
void listenAudited({ sql: { executor: encodeOnlyExecutor, createSchema: false } });
