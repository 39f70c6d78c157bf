import { type MetricSource, singleMetric } from '../kernel/metric-sources';
import type { AuditWriterStats } from './audit-writer';

/** The audit queue's counters, for metrics. */
export type AuditStats = AuditWriterStats;

/** The audit trail's metrics, read when scraped: nothing is counted on the request path. */
export function auditMetrics(stats: () => AuditStats): MetricSource[] {
  return [
    singleMetric(
      'faultline_audit_queue_depth',
      'Audit events waiting to be written to the store',
      'gauge',
      () => stats().queued,
    ),
    {
      name: 'faultline_audit_events_total',
      help: 'Audit events by outcome: written to the store, or kept in the log only (queue full, store unreachable at shutdown)',
      type: 'counter',
      read: () => {
        const s = stats();
        return [
          { labels: { outcome: 'written' }, value: s.written },
          { labels: { outcome: 'spilled_overflow' }, value: s.spilledOverflow },
          { labels: { outcome: 'spilled_shutdown' }, value: s.spilledShutdown },
        ];
      },
    },
    singleMetric(
      'faultline_audit_write_failures_total',
      'Failed audit store writes (each is retried)',
      'counter',
      () => stats().writeFailures,
    ),
  ];
}
