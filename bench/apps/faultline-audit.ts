import { encodeOnlyExecutor, listenAudited } from './audit-routes';

// Faultline with everything on and audit stored through SqlAuditStore on an executor that sends
// nothing: every event is recorded, logged to the audit channel, queued and encoded as its batch's
// INSERT, and PostgreSQL's work is left out. Batches are cut by size (500, the default), as on a
// busy service: under callgrind an app answers a few dozen requests a second (a few on a busy
// machine), and the default one-second interval would cut batches of that many events, so the
// count would move with the machine's speed. The interval is long enough never to cut one here.
void listenAudited({
  sql: { executor: encodeOnlyExecutor, createSchema: false },
  flushIntervalMs: 3_600_000,
});
