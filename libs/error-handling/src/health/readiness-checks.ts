import type {
  DiskHealthIndicator,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from '../core/clock';
import { settleWithin } from '../errors/settle-within';
import type { RedisPingable, SqlPingable } from './health.options';
import type { ResolvedHealth } from './resolve-health-options';

/** What the readiness checks run on, resolved when the module starts. */
export interface ReadinessCheckTargets {
  indicators: HealthIndicatorService;
  memory: MemoryHealthIndicator;
  disk: DiskHealthIndicator;
  typeorm?: TypeOrmHealthIndicator;
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

/** The readiness checks, as Terminus indicator functions, and what they hold open. */
export class ReadinessChecks {
  readonly functions: HealthIndicatorFunction[] = [];
  private readonly loopDelay: IntervalHistogram | undefined;

  constructor(health: ResolvedHealth, targets: ReadinessCheckTargets) {
    const { indicators } = targets;
    const dbTimeout = health.database ? health.database.timeoutMs : health.timeoutMs;
    if (targets.typeorm) {
      const typeorm = targets.typeorm;
      this.functions.push(() => typeorm.pingCheck(CHECK_NAMES.database, { timeout: dbTimeout }));
    } else if (targets.database) {
      const db = targets.database;
      this.functions.push(() =>
        indicators
          .check(CHECK_NAMES.database)
          .attempt(async () => {
            await db.query('SELECT 1');
          })
          .withTimeout(dbTimeout),
      );
    }
    if (targets.redis && health.redis) {
      const redis = targets.redis;
      this.functions.push(() =>
        indicators
          .check(CHECK_NAMES.redis)
          .attempt(async () => {
            await redis.ping();
          })
          .withTimeout(health.redis ? health.redis.timeoutMs : health.timeoutMs),
      );
    }
    if (health.memoryHeap) {
      const max = health.memoryHeap.maxBytes;
      this.functions.push(() => targets.memory.checkHeap(CHECK_NAMES.memoryHeap, max));
    }
    if (health.disk) {
      const options = { path: health.disk.path, thresholdPercent: health.disk.thresholdPercent };
      this.functions.push(() => targets.disk.checkStorage(CHECK_NAMES.disk, options));
    }
    if (health.eventLoopLag) {
      const maxMs = health.eventLoopLag.maxMs;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      this.loopDelay = delay;
      this.functions.push(async () => {
        // The p99 delay since the previous check.
        const lagMs = Math.round(delay.percentile(99) / 1e6);
        delay.reset();
        const check = indicators.check(CHECK_NAMES.eventLoopLag);
        return lagMs > maxMs ? check.down({ lagMs, maxMs }) : check.up({ lagMs });
      });
    }
    health.indicators.forEach((indicator, index) =>
      this.functions.push(guarded(indicator, index, health.timeoutMs, targets.clock)),
    );
  }

  /** Stops what the checks run in the background. */
  stop(): void {
    this.loopDelay?.disable();
  }
}

/**
 * An application's indicator, made to answer like Faultline's own checks: within `timeoutMs`,
 * and with a `down` result instead of a throw. Terminus 12 lets a thrown error abort the whole
 * check, so `/ready` would name no check and readiness would not turn false; indicators written
 * for earlier Terminus versions throw `HealthCheckError`, whose `causes` name their checks.
 */
function guarded(
  indicator: HealthIndicatorFunction,
  index: number,
  timeoutMs: number,
  clock: Clock,
): HealthIndicatorFunction {
  // Terminus takes a function or a HealthCheckAttempt (a thenable); awaiting either gives the result.
  const run = async (): Promise<HealthIndicatorResult> =>
    typeof indicator === 'function' ? await indicator() : await indicator;
  return async () => {
    try {
      return await settleWithin(run, timeoutMs, `did not answer within ${timeoutMs} ms`, {
        unref: true,
        clock,
      });
    } catch (err) {
      return downResultOf(err, `indicators[${index}]`);
    }
  };
}

/** The checks a thrown error names (a `HealthCheckError`'s `causes`), else one under `fallbackName`. */
function downResultOf(err: unknown, fallbackName: string): HealthIndicatorResult {
  const causes = (err as { causes?: unknown } | null)?.causes;
  const named: HealthIndicatorResult = {};
  if (causes && typeof causes === 'object' && !Array.isArray(causes)) {
    for (const [name, value] of Object.entries(causes as Record<string, unknown>)) {
      if (!value || typeof value !== 'object') continue;
      named[name] = { ...(value as Record<string, unknown>), status: 'down' };
    }
  }
  if (Object.keys(named).length > 0) return named;
  const message = err instanceof Error ? err.message : String(err);
  return { [fallbackName]: { status: 'down', message } };
}
