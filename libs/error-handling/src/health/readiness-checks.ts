import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from '../kernel/clock';
import { settleWithin } from '../kernel/settle-within';
import {
  attemptCheck,
  diskCheck,
  eventLoopLagCheck,
  memoryHeapCheck,
  typeOrmCheck,
  type TypeOrmDataSourceLike,
} from './builtin-checks';
import type { HealthIndicatorFunction, HealthIndicatorResult } from './health-check.types';
import type { RedisPingable, SqlPingable } from './health.options';
import type { ResolvedHealth } from './resolve-health-options';
import { asResult, callIndicator, downResultOf } from './run-checks';

/** What the readiness checks run on, resolved when the module starts. */
export interface ReadinessCheckTargets {
  /** The application's TypeORM data source, with `health.database.typeorm`. */
  typeorm?: TypeOrmDataSourceLike;
  /** The database to ping: the one configured, or the audit SQL store. */
  database?: SqlPingable;
  redis?: RedisPingable;
  /** The clock the checks' timeouts run on. */
  clock: Clock;
}

/** The names checks appear under in the probe body. */
export const CHECK_NAMES = {
  database: 'database',
  redis: 'redis',
  memoryHeap: 'memory_heap',
  disk: 'disk',
  eventLoopLag: 'event_loop_lag',
} as const;

/** The readiness checks, as indicator functions that never throw, and what they hold open. */
export class ReadinessChecks {
  readonly functions: HealthIndicatorFunction[] = [];
  private readonly loopDelay: IntervalHistogram | undefined;

  constructor(health: ResolvedHealth, targets: ReadinessCheckTargets) {
    const { clock } = targets;
    const dbTimeout = health.database ? health.database.timeoutMs : health.timeoutMs;
    if (targets.typeorm) {
      this.functions.push(typeOrmCheck(CHECK_NAMES.database, targets.typeorm, dbTimeout, clock));
    } else if (targets.database) {
      const db = targets.database;
      this.functions.push(attemptCheck(CHECK_NAMES.database, () => db.query('SELECT 1'), dbTimeout, clock));
    }
    if (targets.redis && health.redis) {
      const redis = targets.redis;
      this.functions.push(attemptCheck(CHECK_NAMES.redis, () => redis.ping(), health.redis.timeoutMs, clock));
    }
    if (health.memoryHeap) {
      this.functions.push(memoryHeapCheck(CHECK_NAMES.memoryHeap, health.memoryHeap.maxBytes));
    }
    if (health.disk) {
      this.functions.push(diskCheck(CHECK_NAMES.disk, health.disk, health.timeoutMs, clock));
    }
    if (health.eventLoopLag) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      this.loopDelay = delay;
      this.functions.push(eventLoopLagCheck(CHECK_NAMES.eventLoopLag, health.eventLoopLag.maxMs, delay));
    }
    health.indicators.forEach((indicator, index) =>
      this.functions.push(guarded(indicator, index, health.timeoutMs, clock)),
    );
  }

  /** Stops what the checks run in the background. */
  stop(): void {
    this.loopDelay?.disable();
  }
}

/**
 * An application's indicator, made to answer like Faultline's own checks: within `timeoutMs`,
 * and with a `down` result instead of a throw, named after the indicator's place in
 * `health.indicators` (its own index, which its place among all the checks is not). Indicators
 * written for Terminus 10 and 11 throw `HealthCheckError`, whose `causes` name their checks.
 */
export function guarded(
  indicator: HealthIndicatorFunction,
  index: number,
  timeoutMs: number,
  clock: Clock,
): () => Promise<HealthIndicatorResult> {
  const name = `indicators[${index}]`;
  return async () => {
    try {
      const answer = await settleWithin(
        () => callIndicator(indicator),
        timeoutMs,
        `did not answer within ${timeoutMs} ms`,
        { unref: true, clock },
      );
      return asResult(answer, name);
    } catch (err) {
      return downResultOf(err, name);
    }
  };
}
