import type { Registry } from 'prom-client';
import type { EndpointGuard } from '../kernel/ops-endpoint';

/**
 * Options of the Prometheus metrics served at `GET /metrics`.
 *
 * @example
 * import { register } from 'prom-client';
 * ErrorHandlingModule.forRoot({
 *   metrics: { registry: register, path: '/internal/metrics', bearerToken: process.env.METRICS_TOKEN },
 * });
 */
export interface MetricsOptions {
  /** @default '/metrics' */
  path?: string;
  /**
   * Serves the metrics under the application's global prefix (`app.setGlobalPrefix('api')`:
   * `/api/metrics`), unless `setGlobalPrefix`'s `exclude` names the path. Not with the metrics
   * on the management server, which has no prefix.
   * @default false
   */
  useGlobalPrefix?: boolean;
  /**
   * The bearer token a scrape must send (`Authorization: Bearer <token>`; Prometheus's
   * `authorization.credentials_file`), compared in constant time; without it, or with another,
   * the answer is 401 with `WWW-Authenticate: Bearer`. At least 16 characters of a bearer token's
   * alphabet (RFC 6750). Two tokens while you rotate: `[next, current]`. It is never logged: the
   * request line's `Authorization` header is redacted.
   * @default none (no token asked for)
   * @example process.env.METRICS_TOKEN
   */
  bearerToken?: string | string[];
  /**
   * Runs before each scrape, after the token check; anything but `true` answers 403. It gets
   * Node's request.
   * @default none
   * @example (req) => req.socket.remoteAddress === '10.0.0.5'
   */
  guard?: EndpointGuard;
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
