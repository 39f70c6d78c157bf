import { type MetricSource, singleMetric } from '../kernel/metric-sources';
import type { AlertChannelStats } from './alert-dispatcher';

/** Alert counters, for metrics. */
export interface AlertStats {
  /** Sent, suppressed, failed, dropped and pending alerts by channel name. */
  channels: Record<string, AlertChannelStats>;
  /** Alerts held back by throttling. */
  suppressed: number;
  /** True while a shared throttle store is unreachable and throttling is in-process. */
  throttleStoreFallback: boolean;
}

/** Alert delivery by channel and the throttle's state, read when scraped. */
export function alertMetrics(stats: () => AlertStats): MetricSource[] {
  const byChannel = (name: string, help: string, pick: (s: AlertChannelStats) => number): MetricSource => ({
    name,
    help,
    type: 'counter',
    read: () =>
      Object.entries(stats().channels).map(([channel, s]) => ({ labels: { channel }, value: pick(s) })),
  });
  return [
    byChannel('faultline_alerts_sent_total', 'Alerts a channel accepted', (s) => s.sent),
    byChannel(
      'faultline_alerts_failed_total',
      'Alerts a channel did not accept after every retry, or that timed out',
      (s) => s.failed,
    ),
    byChannel(
      'faultline_alerts_dropped_total',
      "Alerts dropped because a channel's queue was full",
      (s) => s.dropped,
    ),
    byChannel(
      'faultline_alerts_budget_held_back_total',
      "Alerts held back by a channel's budget (alerts.budget)",
      (s) => s.heldBackByBudget,
    ),
    singleMetric(
      'faultline_alerts_suppressed_total',
      'Alerts held back by throttling (repeatLimit per snoozeSeconds)',
      'counter',
      () => stats().suppressed,
    ),
    singleMetric(
      'faultline_alerts_throttle_fallback',
      '1 while the shared throttle store is unreachable and throttling is in-process',
      'gauge',
      () => (stats().throttleStoreFallback ? 1 : 0),
    ),
  ];
}
