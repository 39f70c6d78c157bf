import type { AuditEvent, AuditPage, AuditQuery, AuditStore } from 'nestjs-faultline';

/** Keeps audit events in memory, so the e2e test can query them without a database. */
export class MemoryAuditStore implements AuditStore {
  readonly events: AuditEvent[] = [];

  async write(events: readonly AuditEvent[]): Promise<void> {
    this.events.push(...events);
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    const items = this.events.filter((e) => !query.action || e.action === query.action).reverse();
    return { items: items.slice(0, query.limit ?? 50) };
  }
}
