export type {
  DatabaseCheckOptions,
  HealthOptions,
  RedisCheckOptions,
  RedisPingable,
  SqlPingable,
} from './health.options';
export { Readiness, type ReadinessListener } from './readiness.service';
export { HealthProbes } from './health-probes.service';
export { enableGracefulShutdown, type GracefulShutdownOptions } from './graceful-shutdown';
export type { ProbeBody, ProbeCheck } from './probe-body';
export type {
  HealthCheckResult,
  HealthCheckStatus,
  HealthIndicatorAnswer,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorStatus,
} from './health-check.types';
