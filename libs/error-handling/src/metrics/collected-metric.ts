import type { Metric, Registry } from 'prom-client';
import { FaultlineConfigError } from '../kernel/faultline-config.error';

/** One sample of a metric: its labels (none for a single series) and value. */
export interface Sample {
  labels?: Record<string, string | number>;
  value: number;
  /** For histogram lines: `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  metricName?: string;
}

/**
 * A metric whose samples are read when Prometheus scrapes, not kept up to date on the request
 * path: counts that live elsewhere (the audit queue, readiness, log lines) and the HTTP series
 * Faultline accumulates in plain fields. prom-client's Registry serves it like its own metrics.
 */
export class CollectedMetric {
  readonly aggregator = 'sum' as const;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => Sample[],
  ) {}

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: 'sum';
    values: (Sample & { labels: Record<string, string | number> })[];
  }> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.read().map((s) => ({ value: s.value, labels: s.labels ?? {}, metricName: s.metricName })),
    });
  }

  /** Counts that live elsewhere are not Faultline's to reset. */
  reset(): void {}
}

/** Registers `metric`, turning a name clash into a start-up error naming the option. */
export function registerIn(registry: Registry, metric: CollectedMetric | Metric): void {
  const name = (metric as { name?: string }).name ?? '';
  try {
    registry.registerMetric(metric as Metric);
  } catch (err) {
    throw new FaultlineConfigError(
      'metrics.registry',
      `already has a metric named ${name}`,
      `Faultline registers ${name} itself: remove yours, or pass a registry without it (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}
