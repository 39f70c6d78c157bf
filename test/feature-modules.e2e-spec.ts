import { Controller, Get, Inject, Injectable, Module, Optional, Post, Body } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { PinoLogger } from 'nestjs-pino';
import request from 'supertest';
import {
  Audit,
  AlertService,
  AuditService,
  ERROR_HANDLING_MODULE_OPTIONS,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  FailureEvents,
  LogChannels,
  MetricsService,
  NotFoundError,
  Readiness,
  Redactor,
  SecurityEvents,
} from 'nestjs-faultline';
import { initTestApplication } from './support/http-adapter';
import { LogCapture } from './support/log-capture';
import { MemoryAuditStore } from './support/memory-audit-store';
import { waitUntil } from './support/wait';

const ALL_OFF: ErrorHandlingModuleOptions = {
  logging: false,
  audit: false,
  health: false,
  metrics: false,
  alerts: false,
  sentry: false,
  processErrors: false,
  validation: false,
};

class NoteDto {
  @IsString()
  text!: string;
}

@Controller()
class NotesController {
  @Get('notes/missing')
  missing(): never {
    throw new NotFoundError('No such note');
  }

  @Post('notes')
  @Audit('NOTE_CREATED')
  create(@Body() note: NoteDto) {
    return { created: true, note };
  }
}

/** A service in a module of the application's own, injecting what Faultline documents. */
@Injectable()
class Consumer {
  constructor(
    @Inject(ERROR_HANDLING_MODULE_OPTIONS) readonly options: ErrorHandlingModuleOptions,
    readonly redactor: Redactor,
    readonly failures: FailureEvents,
    readonly channels: LogChannels,
    readonly readiness: Readiness,
    @Optional() readonly audit?: AuditService,
    @Optional() readonly security?: SecurityEvents,
    @Optional() readonly alerts?: AlertService,
    @Optional() readonly metrics?: MetricsService,
    @Optional() readonly pino?: PinoLogger,
    @Optional() @Inject('FAULTLINE:RESOLVED_OPTIONS') readonly internal?: unknown,
  ) {}
}

@Module({ providers: [Consumer], controllers: [NotesController] })
class ConsumerModule {}

@Module({ controllers: [NotesController] })
class NotesModule {}

async function start(
  faultline: ReturnType<typeof ErrorHandlingModule.forRoot>,
  appModule: typeof ConsumerModule = ConsumerModule,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [faultline, appModule] }).compile();
  return initTestApplication(moduleRef, { logger: false });
}

describe('feature modules', () => {
  describe('forRoot with every feature off', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(ErrorHandlingModule.forRoot(ALL_OFF));
    });
    afterAll(() => app.close());

    it('loads none of them: their services, nestjs-pino and the global pipe are absent', () => {
      const c = app.get(Consumer);
      expect(c.audit).toBeUndefined();
      expect(c.security).toBeUndefined();
      expect(c.alerts).toBeUndefined();
      expect(c.metrics).toBeUndefined();
      expect(c.pino).toBeUndefined();
    });

    it('still answers problem bodies with the request id', async () => {
      const res = await request(app.getHttpServer()).get('/notes/missing').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
        requestId: res.headers['x-request-id'],
      });
    });

    it('serves no probes and no metrics', async () => {
      for (const path of ['/health', '/ready', '/metrics']) {
        const res = await request(app.getHttpServer()).get(path).expect(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
    });

    it('runs @Audit() routes unaudited, and without validation the body is not checked', async () => {
      const res = await request(app.getHttpServer()).post('/notes').send({ text: 42 }).expect(201);
      expect(res.body).toEqual({ created: true, note: { text: 42 } });
    });

    it('gives the application its public services, not the internal tokens', () => {
      const c = app.get(Consumer);
      expect(c.options).toEqual(ALL_OFF);
      expect(c.redactor).toBeInstanceOf(Redactor);
      expect(c.failures).toBeInstanceOf(FailureEvents);
      expect(c.channels).toBeInstanceOf(LogChannels);
      expect(c.readiness).toBeInstanceOf(Readiness);
      expect(c.internal).toBeUndefined();
    });
  });

  describe('forRoot with the defaults', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(
        ErrorHandlingModule.forRoot({
          logging: { format: 'json', destination: new LogCapture(), useAsNestLogger: false },
        }),
      );
    });
    afterAll(() => app.close());

    it('loads every feature, one instance of each service whichever module asks', () => {
      const c = app.get(Consumer);
      expect(c.audit?.enabled).toBe(true);
      expect(c.security).toBeInstanceOf(SecurityEvents);
      expect(c.alerts).toBeInstanceOf(AlertService);
      expect(c.metrics).toBeInstanceOf(MetricsService);
      expect(c.pino).toBeInstanceOf(PinoLogger);
      expect(c.internal).toBeUndefined();
      expect(app.get(Redactor)).toBe(c.redactor);
      expect(app.get(Readiness)).toBe(c.readiness);
      expect(app.get(AuditService)).toBe(c.audit);
    });

    it('validates with the global pipe', async () => {
      const res = await request(app.getHttpServer()).post('/notes').send({ text: 42 }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    });

    it('serves the probes and the metrics', async () => {
      await request(app.getHttpServer()).get('/health').expect(200);
      const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toContain('faultline_ready');
    });
  });

  describe('forRootAsync, whose options are known only once its factory has run', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(ErrorHandlingModule.forRootAsync({ useFactory: () => ALL_OFF }));
    });
    afterAll(() => app.close());

    it('loads every feature module, and one that is off stays inert', async () => {
      const c = app.get(Consumer);
      expect(c.audit?.enabled).toBe(false);
      expect(c.alerts?.active).toBe(false);
      expect(c.internal).toBeUndefined();
      await request(app.getHttpServer()).get('/health').expect(404);
      await request(app.getHttpServer()).get('/metrics').expect(404);
      const res = await request(app.getHttpServer()).post('/notes').send({ text: 42 }).expect(201);
      expect(res.body).toEqual({ created: true, note: { text: 42 } });
    });
  });

  describe('isGlobal: false', () => {
    let app: INestApplication;
    const store = new MemoryAuditStore();
    beforeAll(async () => {
      // Imported by the root module only: the controller's module does not see Faultline's services.
      app = await start(
        ErrorHandlingModule.forRoot({
          isGlobal: false,
          logging: false,
          audit: { store },
        }),
        NotesModule,
      );
    });
    afterAll(() => app.close());

    it("audits @Audit() routes of the application's other modules all the same", async () => {
      await request(app.getHttpServer()).post('/notes').send({ text: 'hello' }).expect(201);
      await waitUntil(
        () => store.events.length > 0,
        10_000,
        () => 'no audit event was stored',
      );
      expect(store.events).toEqual([
        expect.objectContaining({ action: 'NOTE_CREATED', outcome: 'success', status: 201 }),
      ]);
    });
  });
});
