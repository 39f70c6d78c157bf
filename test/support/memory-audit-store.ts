import type { AuditEvent, AuditPage, AuditQuery, AuditStore } from 'nestjs-faultline';

/** An audit store kept in memory: every event written once (by id), queried by kind and action. */
export class MemoryAuditStore implements AuditStore {
  readonly events: AuditEvent[] = [];

  async write(events: readonly AuditEvent[]): Promise<void> {
    for (const e of events) if (!this.events.some((x) => x.id === e.id)) this.events.push(e);
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    return {
      items: this.events.filter(
        (e) => (!query.kind || e.kind === query.kind) && (!query.action || e.action === query.action),
      ),
    };
  }
}
