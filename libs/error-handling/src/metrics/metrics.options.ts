import type { Registry } from 'prom-client';

/**
 * Options of the Prometheus metrics served at `GET /metrics`.
 *
 * @example
 * import { register } from 'prom-client';
 * ErrorHandlingModule.forRoot({ metrics: { registry: register, path: '/internal/metrics' } });
 */
export interface MetricsOptions {
  /** @default '/metrics' */
  path?: string;
  /**
   * The prom-client registry Faultline registers its metrics in and serves. Pass prom-client's
   * global `register` (or your own) to serve your metrics beside Faultline's.
   * @default a new Registry of Faultline's own
   */
  registry?: Registry;
  /**
   * Node's default metrics (`collectDefaultMetrics`): CPU, memory, event loop, GC. Skipped when
   * the registry has them already.
   * @default true
   */
  defaultMetrics?: boolean;
  /**
   * Upper bounds (seconds) of the `http_request_duration_seconds` buckets, increasing.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  durationBuckets?: number[];
}
