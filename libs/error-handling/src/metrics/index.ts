export type { MetricsOptions } from './metrics.options';
export { MetricsService } from './metrics.service';
export { UNMATCHED_ROUTE } from './http-metrics';
