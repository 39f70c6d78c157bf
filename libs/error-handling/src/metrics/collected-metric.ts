import type { Metric, Registry } from 'prom-client';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import type { MetricSample, MetricSource } from '../kernel/metric-sources';

/**
 * A metric whose samples are read when Prometheus scrapes, not kept up to date on the request
 * path: counts that live elsewhere (the audit queue, readiness, log lines) and the HTTP series
 * Faultline accumulates in plain fields. prom-client's Registry serves it like its own metrics.
 */
class CollectedMetric {
  readonly aggregator = 'sum' as const;
  readonly name: string;
  readonly help: string;
  readonly type: MetricSource['type'];

  constructor(private readonly source: MetricSource) {
    this.name = source.name;
    this.help = source.help;
    this.type = source.type;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: 'sum';
    values: (MetricSample & { labels: Record<string, string | number> })[];
  }> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.source
        .read()
        .map((s) => ({ value: s.value, labels: s.labels ?? {}, metricName: s.metricName })),
    });
  }

  /** Counts that live elsewhere are not Faultline's to reset. */
  reset(): void {}
}

/** Serves `source` from `registry`, turning a name clash into a start-up error naming the option. */
export function registerIn(registry: Registry, source: MetricSource): void {
  try {
    registry.registerMetric(new CollectedMetric(source) as unknown as Metric);
  } catch (err) {
    throw new FaultlineConfigError(
      'metrics.registry',
      `already has a metric named ${source.name}`,
      `Faultline registers ${source.name} itself: remove yours, or pass a registry without it (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}
