import { Controller, Get, Global, Module } from '@nestjs/common';
import {
  type HealthIndicatorFunction as TerminusIndicatorFunction,
  HealthIndicatorService,
  MemoryHealthIndicator,
  TerminusModule,
} from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorHandlingModule, FaultlineConfigError, type HealthIndicatorFunction } from 'nestjs-faultline';
import { startFixture, withCapture, type FixtureApp } from './support/fixture-app';
import { LogCapture } from './support/log-capture';
import { initTestApplication } from './support/http-adapter';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }
}

describe('Terminus indicators through health.indicators (Faultline itself needs no Terminus)', () => {
  let fixture: FixtureApp;

  beforeAll(async () => {
    const pino = new LogCapture();
    fixture = await startFixture([ThingsController], {
      module: ErrorHandlingModule.forRootAsync({
        // The application's own TerminusModule: Faultline imports none.
        imports: [TerminusModule],
        inject: [MemoryHealthIndicator, HealthIndicatorService],
        useFactory: (memory: MemoryHealthIndicator, indicators: HealthIndicatorService) => {
          // Typed with Terminus's own type, and taken as Faultline's: the types are compatible.
          const terminus: TerminusIndicatorFunction[] = [
            () => memory.checkHeap('terminus_heap', Number.MAX_SAFE_INTEGER),
            () => memory.checkHeap('terminus_heap_tight', 1),
            () => indicators.check('terminus_attempt').attempt(async () => ({ queued: 0 })),
          ];
          const ours: HealthIndicatorFunction[] = terminus;
          return withCapture({ debug: true, health: { indicators: ours } }, pino);
        },
      }),
    });
  });
  afterAll(() => fixture.close());

  it('shows each in /ready, up or down, as Terminus would have', async () => {
    const res = await fixture.http().get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'error',
      info: { terminus_heap: { status: 'up' }, terminus_attempt: { status: 'up' } },
      error: {
        terminus_heap_tight: { status: 'down', message: 'Used heap exceeded the set threshold' },
      },
      details: {
        terminus_heap: { status: 'up' },
        terminus_attempt: { status: 'up' },
        terminus_heap_tight: { status: 'down', message: 'Used heap exceeded the set threshold' },
      },
    });
  });
});

describe('the disk check (node statfs)', () => {
  let fixture: FixtureApp | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('is down when the disk is fuller than thresholdPercent, and for a path that does not exist', async () => {
    fixture = await startFixture([ThingsController], {
      debug: true,
      // Any disk in use holds more than a millionth of a percent.
      health: { disk: { path: process.cwd(), thresholdPercent: 1e-8 } },
    });
    const full = await fixture.http().get('/ready');
    expect(full.status).toBe(503);
    expect(full.body.error).toEqual({
      disk: { status: 'down', message: 'Used disk storage exceeded the set threshold' },
    });
    await fixture.close();

    fixture = await startFixture([ThingsController], {
      debug: false,
      health: { disk: { path: '/no/such/faultline/path', thresholdPercent: 0.9 } },
    });
    const missing = await fixture.http().get('/ready');
    expect(missing.status).toBe(503);
    expect(missing.body.error).toEqual({ disk: { status: 'down' } });
  });
});

describe('health.database: { typeorm: true } without @nestjs/typeorm loaded by Faultline', () => {
  // Stands in for TypeORM's DataSource: @nestjs/typeorm registers the default data source
  // under that class, and Faultline finds it by the class's name.
  class DataSource {
    readonly options = { type: 'postgres' };
    failing = false;
    readonly queries: string[] = [];
    async query(sql: string): Promise<unknown> {
      this.queries.push(sql);
      if (this.failing) throw new Error('Connection terminated unexpectedly');
      return [{ '?column?': 1 }];
    }
  }

  @Global()
  @Module({})
  class FakeTypeOrmModule {
    static withDataSource(dataSource: DataSource) {
      return {
        module: FakeTypeOrmModule,
        providers: [{ provide: DataSource, useValue: dataSource }],
        exports: [DataSource],
      };
    }
  }

  it('pings the data source the application registered, and is down when it fails', async () => {
    const dataSource = new DataSource();
    const moduleRef = await Test.createTestingModule({
      imports: [
        FakeTypeOrmModule.withDataSource(dataSource),
        ErrorHandlingModule.forRoot(
          withCapture({ debug: false, health: { database: { typeorm: true } } }, new LogCapture()),
        ),
      ],
      controllers: [ThingsController],
    }).compile();
    const app = await initTestApplication(moduleRef, { logger: false });
    try {
      const http = () => request(app.getHttpServer());
      const up = await http().get('/ready');
      expect(up.status).toBe(200);
      expect(up.body.info).toEqual({ database: { status: 'up' } });
      expect(dataSource.queries).toEqual(['SELECT 1']);
      dataSource.failing = true;
      const down = await http().get('/ready');
      expect(down.status).toBe(503);
      expect(down.body.error).toEqual({ database: { status: 'down' } });
    } finally {
      await app.close();
    }
  });

  it('stops start-up with a clear error when the application has no TypeORM data source', async () => {
    const started = startFixture([ThingsController], { health: { database: { typeorm: true } } });
    await expect(started).rejects.toThrow(FaultlineConfigError);
    await expect(started).rejects.toThrow(
      /^FAULTLINE_INVALID_OPTION: health\.database\.typeorm needs a TypeORM data source in the application/,
    );
  });
});
