/** One sample of a published metric: its labels (none for a single series) and value. */
export interface MetricSample {
  labels?: Record<string, string | number>;
  value: number;
  /** For histogram lines: `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  metricName?: string;
}

/** A metric a feature publishes: read when Prometheus scrapes, never on the request path. */
export interface MetricSource {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  read(): MetricSample[];
}

/**
 * Where features publish their metrics (the audit queue, alert delivery, readiness, the log
 * output): each feature adds its own when it is built, and the metrics feature, when it is on,
 * serves them. So no feature needs the metrics feature, and the metrics feature needs none of
 * them.
 */
export class MetricSources {
  private readonly sources: MetricSource[] = [];

  /** Publishes metrics; a name already published is a start-up error of the metrics feature. */
  add(...sources: MetricSource[]): void {
    this.sources.push(...sources);
  }

  /** Everything published so far, in the order it was added. */
  get all(): readonly MetricSource[] {
    return this.sources;
  }
}

/** A metric of one series whose value is read when scraped. */
export function singleMetric(
  name: string,
  help: string,
  type: 'counter' | 'gauge',
  value: () => number,
): MetricSource {
  return { name, help, type, read: () => [{ value: value() }] };
}
