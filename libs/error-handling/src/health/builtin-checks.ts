import { statfs as fsStatfs } from 'node:fs/promises';
import type { IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from '../kernel/clock';
import { settleWithin } from '../kernel/settle-within';
import type { HealthIndicatorFunction, HealthIndicatorResult } from './health-check.types';

/*
 * Faultline's own checks, written to answer as Terminus's indicators did (same names, same
 * `down` messages, same thresholds), without loading Terminus. Each one answers `up` or `down`
 * and never throws, so one check cannot abort the others.
 */

/** What Terminus's memory and disk indicators say when a threshold is passed. */
const storageExceeded = (what: string) => `Used ${what} exceeded the set threshold`;

function up(name: string, data: Record<string, unknown> = {}): HealthIndicatorResult {
  return { [name]: { ...data, status: 'up' } };
}

function down(name: string, data: Record<string, unknown> | string): HealthIndicatorResult {
  return { [name]: { ...(typeof data === 'string' ? { message: data } : data), status: 'down' } };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `up` when `work` settles within `timeoutMs`, else `down` with the error's message, like
 * Terminus's `indicators.check(name).attempt(work).withTimeout(timeoutMs)`.
 */
export function attemptCheck(
  name: string,
  work: () => Promise<unknown>,
  timeoutMs: number,
  clock: Clock,
): HealthIndicatorFunction {
  return async () => {
    try {
      await settleWithin(work, timeoutMs, `timeout of ${timeoutMs}ms exceeded`, { unref: true, clock });
      return up(name);
    } catch (err) {
      return down(name, messageOf(err));
    }
  };
}

/** `down` when V8's used heap is above `maxBytes` (Terminus's `MemoryHealthIndicator.checkHeap`). */
export function memoryHeapCheck(
  name: string,
  maxBytes: number,
  memoryUsage: () => { heapUsed: number } = () => process.memoryUsage(),
): HealthIndicatorFunction {
  return () => (memoryUsage().heapUsed > maxBytes ? down(name, storageExceeded('heap')) : up(name));
}

/** What {@link diskCheck} reads of a file system: Node's `fs.promises.statfs` answers it. */
export interface DiskStats {
  /** Size of a block, in bytes. */
  bsize: number;
  /** Blocks on the file system. */
  blocks: number;
  /** Blocks free to an unprivileged process. */
  bavail: number;
}

/**
 * `down` when the file system holding `path` is fuller than `thresholdPercent` (0-1), as
 * Terminus's `DiskHealthIndicator.checkStorage({ path, thresholdPercent })`: Terminus asks
 * `df` (through check-disk-space) for the size and the space available, and so counts blocks
 * reserved for root as used; so does this, from `statfs`. A path that cannot be read, or a
 * `statfs` that does not answer within `timeoutMs` (a hung network mount), is down too.
 */
export function diskCheck(
  name: string,
  options: { path: string; thresholdPercent: number },
  timeoutMs: number,
  clock: Clock,
  statfs: (path: string) => Promise<DiskStats> = fsStatfs,
): HealthIndicatorFunction {
  return async () => {
    let stats: DiskStats;
    try {
      stats = await settleWithin(
        () => statfs(options.path),
        timeoutMs,
        `timeout of ${timeoutMs}ms exceeded`,
        {
          unref: true,
          clock,
        },
      );
    } catch (err) {
      return down(name, messageOf(err));
    }
    const size = stats.blocks * stats.bsize;
    const free = stats.bavail * stats.bsize;
    // Nothing to divide by: Terminus reports that as exceeded too.
    if (!Number.isFinite(size) || size <= 0) return down(name, storageExceeded('disk storage'));
    return options.thresholdPercent >= (size - free) / size
      ? up(name)
      : down(name, storageExceeded('disk storage'));
  };
}

/** `down` when the p99 event-loop delay since the previous check is above `maxMs`. */
export function eventLoopLagCheck(
  name: string,
  maxMs: number,
  delay: Pick<IntervalHistogram, 'percentile' | 'reset'>,
): HealthIndicatorFunction {
  return () => {
    const lagMs = Math.round(delay.percentile(99) / 1e6);
    delay.reset();
    return lagMs > maxMs ? down(name, { lagMs, maxMs }) : up(name, { lagMs });
  };
}

/** The parts of a TypeORM `DataSource` the check uses; typed here so typeorm is not loaded. */
export interface TypeOrmDataSourceLike {
  options?: { type?: unknown };
  query(sql: string): Promise<unknown>;
  driver?: unknown;
}

/**
 * Pings a TypeORM data source the way Terminus's `TypeOrmHealthIndicator.pingCheck` does: the
 * query each database understands (`SELECT 1`, Oracle's `FROM DUAL`, SAP HANA's `dummy`), and
 * MongoDB's `ping` command.
 */
export function typeOrmCheck(
  name: string,
  dataSource: TypeOrmDataSourceLike,
  timeoutMs: number,
  clock: Clock,
): HealthIndicatorFunction {
  return attemptCheck(name, () => pingDataSource(dataSource), timeoutMs, clock);
}

async function pingDataSource(dataSource: TypeOrmDataSourceLike): Promise<unknown> {
  switch (dataSource.options?.type) {
    case 'mongodb': {
      const mongo = dataSource.driver as {
        queryRunner: { databaseConnection: { db(): { command(c: object): Promise<unknown> } } };
      };
      return mongo.queryRunner.databaseConnection.db().command({ ping: 1 });
    }
    case 'oracle':
      return dataSource.query('SELECT 1 FROM DUAL');
    case 'sap':
      return dataSource.query('SELECT now() FROM dummy');
    default:
      return dataSource.query('SELECT 1');
  }
}
