import { randomUUID } from 'node:crypto';
import type { AddressInfo, Server } from 'node:net';
import {
  Controller,
  type DynamicModule,
  type INestApplication,
  type INestMicroservice,
  Module,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxyFactory,
  EventPattern,
  MessagePattern,
  type ClientProxy,
  type MicroserviceOptions,
  Payload,
  RpcException,
  Transport,
} from '@nestjs/microservices';
import { IsInt, IsString, Min } from 'class-validator';
import Redis from 'ioredis';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import {
  ConflictError,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  MetricsService,
  NotFoundError,
} from 'nestjs-faultline';
import { startHttpPeer } from './support/alert-peers';
import { testHttpAdapter, readyForRequests, TEST_ADAPTER } from './support/http-adapter';
import { LogCapture, type LogRecord } from './support/log-capture';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { CapturingLogger } from './support/sample-app';
import { describeWith, TEST_REDIS_URL } from './support/services';
import { withCapture } from './support/fixture-app';
import { waitUntil } from './support/wait';

/** What a handler's unexpected failure says: a secret the client and the log must never see. */
const SECRET = 'hunter2';
const LEAKY = `db password=${SECRET} failed`;
/** The message a client gets for any 5xx. */
const HIDDEN = 'An unexpected error occurred.';

/**
 * Message patterns of this run: Redis channels are shared by every client of the server, so a
 * pattern names the run and no other test's server answers (or steals) these messages.
 */
const RUN = randomUUID().slice(0, 8);
const P = {
  get: `notifications.get.${RUN}`,
  create: `notifications.create.${RUN}`,
  crash: `notifications.crash.${RUN}`,
  reject: `notifications.reject.${RUN}`,
  rejectObject: `notifications.reject-object.${RUN}`,
  conflict: `notifications.conflict.${RUN}`,
  unavailable: `notifications.unavailable.${RUN}`,
  sent: `notifications.sent.${RUN}`,
} as const;

class CreateNotification {
  @IsString()
  title!: string;

  @IsInt()
  @Min(1)
  priority!: number;
}

/** A message handler controller as an application writes one. */
@Controller()
class NotificationsRpc {
  @MessagePattern(P.get)
  get(@Payload() data: { id: string }): { id: string } {
    if (data.id === 'missing') throw new NotFoundError('Notification', data.id);
    return { id: data.id };
  }

  @MessagePattern(P.create)
  create(@Payload() data: CreateNotification): { title: string } {
    return { title: data.title };
  }

  @MessagePattern(P.crash)
  crash(): never {
    throw new Error(LEAKY);
  }

  @MessagePattern(P.reject)
  reject(): never {
    throw new RpcException('priority must be positive');
  }

  @MessagePattern(P.rejectObject)
  rejectObject(): never {
    throw new RpcException({ status: 429, code: 'QUOTA_EXCEEDED', message: 'Daily quota reached' });
  }

  @MessagePattern(P.unavailable)
  unavailable(): never {
    throw new RpcException({ status: 503, message: `cache at 10.0.0.3 refused: password=${SECRET}` });
  }

  @EventPattern(P.sent)
  onSent(): void {
    throw new Error(LEAKY);
  }

  @MessagePattern(P.conflict)
  conflict(): never {
    throw new ConflictError('Notification already sent', { details: { constraint: 'sent_once', code: 'X' } });
  }
}

/** The application module of a fixture: Faultline with its logging captured, and the controller. */
function appModule(pino: LogCapture, options: ErrorHandlingModuleOptions = {}): DynamicModule {
  @Module({})
  class AppModule {}
  return {
    module: AppModule,
    imports: [
      ErrorHandlingModule.forRoot(
        withCapture(
          {
            alerts: false,
            debug: false,
            // The service's own rate limit is a security event too (by code, not by status).
            audit: { security: { codes: { QUOTA_EXCEEDED: 'RATE_LIMIT_HIT' } } },
            ...options,
          },
          pino,
        ),
      ),
    ],
    controllers: [NotificationsRpc],
  };
}

/** The server side of a scenario, and the client that talks to it. */
interface Rpc {
  pino: LogCapture;
  nest: CapturingLogger;
  client: ClientProxy;
  /** Sends `data` to `pattern`; resolves with the answer or, when the handler failed, with the error received. */
  call(pattern: string, data: object): Promise<unknown>;
  /** The text of Faultline's metrics, as Prometheus would read it. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** The transports tested: TCP, and Redis (pub/sub, as a deployment with several replicas uses). */
type Kind = Transport.TCP | Transport.REDIS;

const redisUrl = new URL(TEST_REDIS_URL);
const redisOptions = {
  host: redisUrl.hostname,
  port: Number(redisUrl.port || 6379),
  ...(redisUrl.password ? { password: decodeURIComponent(redisUrl.password) } : {}),
};

/** Server options on an ephemeral port of 127.0.0.1 (TCP) or on the test Redis. */
function serverOptions(kind: Kind): MicroserviceOptions {
  return kind === Transport.TCP
    ? { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } }
    : { transport: Transport.REDIS, options: redisOptions };
}

/** A client of `server` (whose TCP port is known once it listens). */
async function clientOf(kind: Kind, server: INestMicroservice): Promise<ClientProxy> {
  if (kind === Transport.TCP) {
    const { port } = server.unwrap<Server>().address() as AddressInfo;
    return ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  }
  // The server subscribes after `listen()` resolves: a message published before then is lost.
  const probe = new Redis({ ...redisOptions, lazyConnect: true });
  await probe.connect();
  try {
    await waitUntil(
      async () => {
        const counts = (await probe.pubsub('NUMSUB', ...Object.values(P))) as (string | number)[];
        return counts.filter((_, i) => i % 2 === 1).every((n) => Number(n) > 0);
      },
      10_000,
      () => 'the Redis transport never subscribed to its patterns',
    );
  } finally {
    probe.disconnect();
  }
  return ClientProxyFactory.create({ transport: Transport.REDIS, options: redisOptions });
}

function rpcOf(
  pino: LogCapture,
  nest: CapturingLogger,
  client: ClientProxy,
  metrics: () => Promise<string>,
  close: () => Promise<void>,
): Rpc {
  return {
    pino,
    nest,
    client,
    call: (pattern, data) => firstValueFrom(client.send<unknown>(pattern, data)).catch((e: unknown) => e),
    metrics,
    close: async () => {
      await client.close();
      await close();
    },
  };
}

/** `NestFactory.createMicroservice(AppModule)`: APP_FILTER applies as it does to an HTTP app. */
async function startStandalone(kind: Kind, options: ErrorHandlingModuleOptions = {}): Promise<Rpc> {
  const pino = new LogCapture();
  const nest = new CapturingLogger();
  const server = await NestFactory.createMicroservice<MicroserviceOptions>(appModule(pino, options), {
    ...serverOptions(kind),
    logger: nest,
  });
  await server.listen();
  const client = await clientOf(kind, server);
  await client.connect();
  return rpcOf(
    pino,
    nest,
    client,
    () => server.get(MetricsService).registry.metrics(),
    () => server.close(),
  );
}

/**
 * `app.connectMicroservice()` on an HTTP application: its microservice gets the application's
 * global filters, pipes and interceptors only with `inheritAppConfig: true`.
 */
async function startHybrid(kind: Kind, inheritAppConfig: boolean): Promise<Rpc & { app: INestApplication }> {
  const pino = new LogCapture();
  const nest = new CapturingLogger();
  const adapter = testHttpAdapter();
  const module = appModule(pino);
  const app = adapter
    ? await NestFactory.create(module, adapter, { logger: nest })
    : await NestFactory.create(module, { logger: nest });
  const microservice = app.connectMicroservice<MicroserviceOptions>(serverOptions(kind), {
    inheritAppConfig,
  });
  await app.startAllMicroservices();
  await app.init();
  await readyForRequests(app);
  const client = await clientOf(kind, microservice);
  await client.connect();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  return {
    ...rpcOf(
      pino,
      nest,
      client,
      async () => (await request(server).get('/metrics').expect(200)).text,
      () => app.close(),
    ),
    app,
  };
}

const failedLines = (pino: LogCapture): LogRecord[] => pino.lines.filter((l) => l.msg === 'rpc failed');
/** What Nest's own loggers wrote at error level (RpcExceptionsHandler's line among them). */
const nestErrors = (nest: CapturingLogger) => nest.entries.filter((e) => e.level === 'error');

/** The scenarios every transport and set-up must pass: what the client receives, what is logged and counted. */
function transportSuite(start: () => Promise<Rpc>): void {
  let rpc: Rpc;

  beforeAll(async () => {
    rpc = await start();
  });

  afterAll(async () => {
    await rpc?.close();
  });

  it('answers a handler that succeeds as usual', async () => {
    await expect(rpc.call(P.get, { id: 'n1' })).resolves.toEqual({ id: 'n1' });
  });

  it("answers an unexpected 5xx with a fixed message and the caller's request id, logged once, redacted", async () => {
    const requestId = `rpc-crash-${RUN}`;
    const body = await rpc.call(P.crash, { requestId });
    expect(body).toEqual({
      status: 'error',
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: HIDDEN,
      requestId,
    });
    const lines = (await rpc.pino.waitFor((l) => l.some((x) => x.requestId === requestId))).filter(
      (l) => l.requestId === requestId,
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'rpc failed',
        requestId,
        transport: 'rpc',
        operation: P.crash,
        status: 500,
        code: 'INTERNAL_ERROR',
        err: expect.objectContaining({ type: 'Error', message: expect.stringContaining('db password=') }),
      }),
    ]);
    expect(JSON.stringify(rpc.pino.raw)).not.toContain(SECRET);
    expect(JSON.stringify(body)).not.toContain(SECRET);
    // Nest's own RpcExceptionsHandler did not log it a second time (with the secret).
    expect(nestErrors(rpc.nest)).toEqual([]);
  });

  it('answers a 404 error class with its message and code', async () => {
    const requestId = `rpc-missing-${RUN}`;
    await expect(rpc.call(P.get, { id: 'missing', requestId })).resolves.toEqual({
      status: 'error',
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Notification not found: missing',
      requestId,
    });
  });

  it('answers a payload that fails validation with 400 VALIDATION_ERROR and the field errors', async () => {
    const body = (await rpc.call(P.create, { title: 'hi', priority: 0 })) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'error', statusCode: 400, code: 'VALIDATION_ERROR' });
    expect(body.errors).toEqual([expect.objectContaining({ field: 'priority' })]);
    expect(typeof body.requestId).toBe('string');
  });

  it("carries a shown error's details beside Faultline's members, never in their place", async () => {
    const requestId = `rpc-conflict-${RUN}`;
    await expect(rpc.call(P.conflict, { requestId })).resolves.toEqual({
      status: 'error',
      statusCode: 409,
      code: 'CONFLICT',
      message: 'Notification already sent',
      constraint: 'sent_once',
      requestId,
    });
  });

  it("answers an RpcException's string as a 400 BAD_REQUEST with that message", async () => {
    await expect(rpc.call(P.reject, {})).resolves.toMatchObject({
      status: 'error',
      statusCode: 400,
      code: 'BAD_REQUEST',
      message: 'priority must be positive',
    });
  });

  it("answers an RpcException's object with its status, code and message, and a 429's retryAfterSeconds", async () => {
    const requestId = `rpc-quota-${RUN}`;
    await expect(rpc.call(P.rejectObject, { requestId })).resolves.toMatchObject({
      status: 'error',
      statusCode: 429,
      code: 'QUOTA_EXCEEDED',
      message: 'Daily quota reached',
      retryAfterSeconds: 5,
      requestId,
    });
    // Recorded as a security event with the message's request id and pattern, as a route's 429 is.
    const lines = await rpc.pino.waitFor((all) =>
      all.some((l) => l.action === 'RATE_LIMIT_HIT' && l.requestId === requestId),
    );
    expect(lines.filter((l) => l.action === 'RATE_LIMIT_HIT' && l.requestId === requestId)).toEqual([
      expect.objectContaining({
        kind: 'security',
        status: 429,
        errorCode: 'QUOTA_EXCEEDED',
        route: P.rejectObject,
      }),
    ]);
  });

  it("hides a 5xx RpcException's own message too, and tells the client when to retry", async () => {
    const body = await rpc.call(P.unavailable, {});
    expect(body).toEqual({
      status: 'error',
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable. Try again later.',
      requestId: expect.any(String),
      retryAfterSeconds: 5,
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.3|hunter2/);
  });

  it('gives a failure without a usable request id a new one, on the body and the line', async () => {
    const body = (await rpc.call(P.conflict, { requestId: 'not a sane id!' })) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 409, code: 'CONFLICT', message: 'Notification already sent' });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await rpc.pino.waitFor((l) => l.some((x) => x.requestId === body.requestId && x.msg === 'rpc failed'));
  });

  it("logs an event handler's failure once (an event has no answer to carry it)", async () => {
    const requestId = `rpc-event-${RUN}`;
    await firstValueFrom(rpc.client.emit(P.sent, { requestId }), { defaultValue: undefined });
    await rpc.pino.waitFor((l) => l.some((x) => x.requestId === requestId));
    expect(rpc.pino.forRequest(requestId)).toEqual([
      expect.objectContaining({ msg: 'rpc failed', operation: P.sent, status: 500, code: 'INTERNAL_ERROR' }),
    ]);
    expect(nestErrors(rpc.nest)).toEqual([]);
  });

  it('counts each failure once in app_errors_total and unexpected ones in faultline_unexpected_errors_total', async () => {
    const before = parseMetrics(await rpc.metrics());
    const count = (samples: typeof before, name: string, labels: Record<string, string>) =>
      samplesOf(samples, name, labels).reduce((sum, s) => sum + s.value, 0);
    await rpc.call(P.crash, {});
    await rpc.call(P.get, { id: 'missing' });
    const after = parseMetrics(await rpc.metrics());
    for (const [name, labels] of [
      ['app_errors_total', { code: 'INTERNAL_ERROR', status: '500' }],
      ['app_errors_total', { code: 'NOT_FOUND', status: '404' }],
      ['faultline_unexpected_errors_total', { code: 'INTERNAL_ERROR' }],
    ] as const) {
      expect({ name, labels, delta: count(after, name, labels) - count(before, name, labels) }).toEqual({
        name,
        labels,
        delta: 1,
      });
    }
    // One line for each failure of the suite, never two.
    const ids = failedLines(rpc.pino).map((l) => l.requestId);
    expect(new Set(ids).size).toBe(ids.length);
  });
}

describe('Microservices (RPC): what a client receives when a message handler fails', () => {
  describe('TCP transport, standalone (NestFactory.createMicroservice)', () => {
    transportSuite(() => startStandalone(Transport.TCP));
  });

  describe(`TCP transport, hybrid app on ${TEST_ADAPTER} with inheritAppConfig: true`, () => {
    transportSuite(() => startHybrid(Transport.TCP, true));
  });

  describeWith('redis')('Redis transport, standalone', () => {
    transportSuite(() => startStandalone(Transport.REDIS));
  });

  describeWith('redis')(`Redis transport, hybrid app on ${TEST_ADAPTER} with inheritAppConfig: true`, () => {
    transportSuite(() => startHybrid(Transport.REDIS, true));
  });

  describe('alerts', () => {
    it('raises a server-error alert for an unexpected failure, with its request id and without the secret', async () => {
      const webhook = await startHttpPeer();
      const rpc = await startStandalone(Transport.TCP, {
        alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
      });
      try {
        await rpc.call(P.get, { id: 'missing' });
        await rpc.call(P.crash, { requestId: `rpc-alert-${RUN}` });
        const [alert] = await webhook.waitFor(1);
        expect(alert.json).toMatchObject({
          kind: 'server-error',
          code: 'INTERNAL_ERROR',
          status: 500,
          requestId: `rpc-alert-${RUN}`,
          errorClass: 'Error',
        });
        expect(alert.raw).not.toContain(SECRET);
        // The 404 before it raised none: the first alert is the 500's.
        expect(webhook.received).toHaveLength(1);
      } finally {
        await rpc.close();
        await webhook.close();
      }
    });
  });

  describe('logging off', () => {
    it("logs the failure once through Nest's logger, redacted", async () => {
      const rpc = await startStandalone(Transport.TCP, { logging: false });
      try {
        await expect(rpc.call(P.crash, { requestId: `rpc-nolog-${RUN}` })).resolves.toMatchObject({
          statusCode: 500,
          requestId: `rpc-nolog-${RUN}`,
        });
        const errors = nestErrors(rpc.nest);
        expect(errors.map((e) => e.message)).toEqual([
          `rpc ${P.crash} failed 500 INTERNAL_ERROR requestId=rpc-nolog-${RUN} Error: db password=[REDACTED] failed`,
        ]);
        expect(JSON.stringify(rpc.nest.entries)).not.toContain(SECRET);
      } finally {
        await rpc.close();
      }
    });
  });

  describe('a hybrid app without inheritAppConfig', () => {
    it("gets Nest's own answer and Nest's own unredacted error line: Faultline's filter is not there", async () => {
      const rpc = await startHybrid(Transport.TCP, false);
      try {
        const body = await rpc.call(P.crash, { requestId: `rpc-bare-${RUN}` });
        expect(body).toEqual({ status: 'error', message: 'Internal server error' });
        expect(failedLines(rpc.pino)).toEqual([]);
        expect(nestErrors(rpc.nest).map((e) => e.extra.at(-1))).toContain('RpcExceptionsHandler');
      } finally {
        await rpc.close();
      }
    });
  });
});
