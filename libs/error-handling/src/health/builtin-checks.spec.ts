import type { ModuleRef, ModulesContainer } from '@nestjs/core';
import { ManualClock } from '../kernel/manual-clock.testing';
import { configErrorOf } from '../kernel/config-error.testing';
import {
  attemptCheck,
  diskCheck,
  type DiskStats,
  eventLoopLagCheck,
  memoryHeapCheck,
  typeOrmCheck,
} from './builtin-checks';
import type { HealthIndicatorFunction } from './health-check.types';
import { guarded } from './readiness-checks';
import { callIndicator } from './run-checks';
import { findTypeOrmDataSource } from './typeorm-data-source';

const run = (check: HealthIndicatorFunction) => callIndicator(check);

describe('attemptCheck', () => {
  it('is up when the work settles, down with its message when it fails', async () => {
    const clock = new ManualClock();
    expect(await run(attemptCheck('db', async () => 'PONG', 1000, clock))).toEqual({ db: { status: 'up' } });
    expect(await run(attemptCheck('db', () => Promise.reject(new Error('refused')), 1000, clock))).toEqual({
      db: { status: 'down', message: 'refused' },
    });
  });

  it('is down once timeoutMs pass without an answer', async () => {
    const clock = new ManualClock();
    const answer = run(attemptCheck('db', () => new Promise(() => undefined), 500, clock));
    await clock.advance(500);
    expect(await answer).toEqual({ db: { status: 'down', message: 'timeout of 500ms exceeded' } });
  });
});

describe('memoryHeapCheck', () => {
  it("is down when the used heap is above maxBytes, with Terminus's message", async () => {
    const heap = (heapUsed: number) => () => ({ heapUsed });
    expect(await run(memoryHeapCheck('memory_heap', 100, heap(100)))).toEqual({
      memory_heap: { status: 'up' },
    });
    expect(await run(memoryHeapCheck('memory_heap', 100, heap(101)))).toEqual({
      memory_heap: { status: 'down', message: 'Used heap exceeded the set threshold' },
    });
  });

  it('reads process.memoryUsage() by default', async () => {
    expect(await run(memoryHeapCheck('m', Number.MAX_SAFE_INTEGER))).toEqual({ m: { status: 'up' } });
    expect(await run(memoryHeapCheck('m', 1))).toMatchObject({ m: { status: 'down' } });
  });
});

describe('diskCheck', () => {
  const clock = new ManualClock();
  const stats = (s: DiskStats) => () => Promise.resolve(s);
  const check = (thresholdPercent: number, statfs: (path: string) => Promise<DiskStats>) =>
    run(diskCheck('disk', { path: '/data', thresholdPercent }, 1000, clock, statfs));

  it('is up while used / size is at most thresholdPercent, counting only blocks available as free', async () => {
    // 100 blocks, 30 available (10 more free but reserved for root): 70 % used, as df says.
    const disk = stats({ bsize: 4096, blocks: 100, bavail: 30 });
    expect(await check(0.7, disk)).toEqual({ disk: { status: 'up' } });
    expect(await check(0.69, disk)).toEqual({
      disk: { status: 'down', message: 'Used disk storage exceeded the set threshold' },
    });
    expect(await check(1, stats({ bsize: 4096, blocks: 100, bavail: 0 }))).toEqual({
      disk: { status: 'up' },
    });
  });

  it('asks statfs about the configured path', async () => {
    const statfs = jest.fn(stats({ bsize: 1, blocks: 10, bavail: 10 }));
    await check(0.5, statfs);
    expect(statfs).toHaveBeenCalledWith('/data');
  });

  it('is down for a file system of no size, a path statfs cannot read, and a statfs that hangs', async () => {
    expect(await check(1, stats({ bsize: 4096, blocks: 0, bavail: 0 }))).toMatchObject({
      disk: { status: 'down' },
    });
    const missing = Object.assign(new Error("ENOENT: no such file or directory, statfs '/data'"), {
      code: 'ENOENT',
    });
    expect(await check(1, () => Promise.reject(missing))).toEqual({
      disk: { status: 'down', message: missing.message },
    });
    const hanging = check(1, () => new Promise(() => undefined));
    await clock.advance(1000);
    expect(await hanging).toEqual({ disk: { status: 'down', message: 'timeout of 1000ms exceeded' } });
  });

  it("reads the real file system with node's statfs by default", async () => {
    const real = (thresholdPercent: number) =>
      run(diskCheck('disk', { path: process.cwd(), thresholdPercent }, 5000, new ManualClock()));
    expect(await real(1)).toEqual({ disk: { status: 'up' } });
  });
});

describe('eventLoopLagCheck', () => {
  it('compares the p99 delay in ms with maxMs, and starts a new window', async () => {
    const delay = { percentile: jest.fn(() => 250e6), reset: jest.fn() };
    expect(await run(eventLoopLagCheck('lag', 200, delay))).toEqual({
      lag: { status: 'down', lagMs: 250, maxMs: 200 },
    });
    expect(delay.percentile).toHaveBeenCalledWith(99);
    expect(delay.reset).toHaveBeenCalledTimes(1);
    expect(await run(eventLoopLagCheck('lag', 300, delay))).toEqual({ lag: { status: 'up', lagMs: 250 } });
  });
});

describe('typeOrmCheck', () => {
  const clock = new ManualClock();

  it.each([
    ['postgres', 'SELECT 1'],
    [undefined, 'SELECT 1'],
    ['oracle', 'SELECT 1 FROM DUAL'],
    ['sap', 'SELECT now() FROM dummy'],
  ])('pings a %s data source with %s', async (type, sql) => {
    const query = jest.fn(async () => [{ '?column?': 1 }]);
    expect(await run(typeOrmCheck('database', { options: { type }, query }, 1000, clock))).toEqual({
      database: { status: 'up' },
    });
    expect(query).toHaveBeenCalledWith(sql);
  });

  it("sends MongoDB's ping command", async () => {
    const command = jest.fn(async () => ({ ok: 1 }));
    const dataSource = {
      options: { type: 'mongodb' },
      query: jest.fn(),
      driver: { queryRunner: { databaseConnection: { db: () => ({ command }) } } },
    };
    expect(await run(typeOrmCheck('database', dataSource, 1000, clock))).toEqual({
      database: { status: 'up' },
    });
    expect(command).toHaveBeenCalledWith({ ping: 1 });
  });

  it('is down when the query fails', async () => {
    const query = () => Promise.reject(new Error('Connection terminated'));
    expect(await run(typeOrmCheck('database', { query }, 1000, clock))).toEqual({
      database: { status: 'down', message: 'Connection terminated' },
    });
  });
});

describe('findTypeOrmDataSource', () => {
  // Named like TypeORM's class: the token @nestjs/typeorm registers the default data source under.
  class DataSource {
    options = { type: 'postgres' };
    query = async () => [];
  }
  class Other {}

  function container(tokens: unknown[]): ModulesContainer {
    const module = { providers: new Map(tokens.map((t) => [t, {}])) };
    return new Map([['app', module]]) as unknown as ModulesContainer;
  }

  it("finds the data source by its provider token's class name, and gets it through ModuleRef", () => {
    const dataSource = new DataSource();
    const get = jest.fn(() => dataSource);
    const found = findTypeOrmDataSource(container([Other, 'DataSource', DataSource]), {
      get,
    } as unknown as ModuleRef);
    expect(found).toBe(dataSource);
    expect(get).toHaveBeenCalledWith(DataSource, { strict: false });
  });

  it('stops start-up naming health.database.typeorm when the application has none', () => {
    const error = configErrorOf(() =>
      findTypeOrmDataSource(container([Other]), { get: jest.fn() } as unknown as ModuleRef),
    );
    expect(error.option).toBe('health.database.typeorm');
    expect(error.message).toMatch(/TypeOrmModule/);
  });
});

describe('guarded (an application indicator)', () => {
  it('is down under indicators[index] when it throws, hangs past timeoutMs or answers no result', async () => {
    const clock = new ManualClock();
    const throws: HealthIndicatorFunction = () => {
      throw new Error('boom');
    };
    expect(await guarded(throws, 2, 100, clock)()).toEqual({
      'indicators[2]': { status: 'down', message: 'boom' },
    });
    const hanging = guarded(() => new Promise(() => undefined), 0, 100, clock)();
    await clock.advance(100);
    expect(await hanging).toEqual({
      'indicators[0]': { status: 'down', message: 'did not answer within 100 ms' },
    });
    const empty = (() => 'ok') as unknown as HealthIndicatorFunction;
    expect(await guarded(empty, 1, 100, clock)()).toMatchObject({ 'indicators[1]': { status: 'down' } });
  });
});
