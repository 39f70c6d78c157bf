import type { Registry } from 'prom-client';
import { hasPeer } from '../kernel/peer-require';
import { check, featureOptions, routePath } from '../kernel/option-checks';
import type { EndpointGuard } from '../kernel/ops-endpoint';
import { bearerTokens } from './bearer-token';
import type { MetricsOptions } from './metrics.options';

/** Metrics options after defaults and validation. */
export interface ResolvedMetrics {
  path: string;
  useGlobalPrefix: boolean;
  /** `metrics.bearerToken` as a list; empty when none is asked for. */
  bearerTokens: string[];
  guard: EndpointGuard | undefined;
  registry: Registry | undefined;
  defaultMetrics: boolean;
  durationBuckets: number[];
}

/** prom-client's default buckets. */
export const DEFAULT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The defaults of `metrics`, as docs/metrics.md's option table shows them. */
export const METRICS_DEFAULTS = {
  path: '/metrics',
  useGlobalPrefix: false,
  defaultMetrics: true,
  durationBuckets: DEFAULT_DURATION_BUCKETS,
} as const;

const KNOWN: readonly (keyof MetricsOptions)[] = [
  'path',
  'useGlobalPrefix',
  'bearerToken',
  'guard',
  'registry',
  'defaultMetrics',
  'durationBuckets',
];

/** Applies defaults and validates `metrics`; `false` turns metrics off. */
export function resolveMetrics(input: unknown): ResolvedMetrics | false {
  const o = featureOptions<MetricsOptions>(input, 'metrics', KNOWN);
  if (!o) return false;
  const registry = o.registry as Partial<Registry> | undefined;
  check(
    registry === undefined ||
      (typeof registry === 'object' &&
        registry !== null &&
        typeof registry.registerMetric === 'function' &&
        typeof registry.metrics === 'function'),
    'metrics.registry',
    'must be a prom-client Registry',
    "For example the global one: import { register } from 'prom-client'",
  );
  check(
    o.defaultMetrics === undefined || typeof o.defaultMetrics === 'boolean',
    'metrics.defaultMetrics',
    'must be a boolean',
  );
  check(
    o.useGlobalPrefix === undefined || typeof o.useGlobalPrefix === 'boolean',
    'metrics.useGlobalPrefix',
    'must be a boolean',
  );
  check(
    o.guard === undefined || typeof o.guard === 'function',
    'metrics.guard',
    'must be a function (req) => boolean | Promise<boolean>',
  );
  const buckets = o.durationBuckets ?? METRICS_DEFAULTS.durationBuckets;
  check(
    Array.isArray(buckets) &&
      buckets.length > 0 &&
      buckets.every(
        (b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]),
      ),
    'metrics.durationBuckets',
    'must be a non-empty array of increasing positive numbers (seconds)',
    'For example [0.01, 0.1, 1, 10]',
  );
  return {
    path: routePath(o.path, METRICS_DEFAULTS.path, 'metrics.path'),
    useGlobalPrefix: o.useGlobalPrefix ?? METRICS_DEFAULTS.useGlobalPrefix,
    bearerTokens: bearerTokens(o.bearerToken),
    guard: o.guard,
    registry: o.registry,
    defaultMetrics: o.defaultMetrics ?? METRICS_DEFAULTS.defaultMetrics,
    durationBuckets: [...buckets],
  };
}

/**
 * `metrics` resolved, with the default's one exception: left unset while prom-client (an
 * optional peer) is not installed, metrics are off and `notice` says why, instead of stopping
 * start-up. Asked for explicitly, a missing prom-client stops start-up (MetricsService).
 */
export function resolveMetricsDefault(
  input: unknown,
  installed: (name: string) => boolean = hasPeer,
): { options: ResolvedMetrics | false; notice: string | undefined } {
  if (input === undefined && !installed('prom-client')) {
    return {
      options: false,
      notice:
        'metrics are off: prom-client is not installed, so /metrics is not served. Install prom-client ' +
        'to turn them on, or set metrics: false to turn them off without this notice',
    };
  }
  return { options: resolveMetrics(input), notice: undefined };
}
