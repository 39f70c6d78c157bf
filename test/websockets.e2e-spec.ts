import type { AddressInfo } from 'node:net';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  type INestApplication,
  UseFilters,
  UsePipes,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { IsString, MinLength } from 'class-validator';
import request from 'supertest';
import {
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  FaultlineValidationPipe,
  NotFoundError,
} from 'nestjs-faultline';
import { startHttpPeer } from './support/alert-peers';
import { testHttpAdapter, readyForRequests, TEST_ADAPTER } from './support/http-adapter';
import { withCapture } from './support/fixture-app';
import { LogCapture } from './support/log-capture';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { CapturingLogger } from './support/sample-app';
import { waitUntil } from './support/wait';

/** The part of a `ws` client this test uses (the package ships no types of its own). */
interface WsClient {
  readonly readyState: number;
  on(event: 'message', listener: (data: Buffer) => void): void;
  once(event: 'open', listener: () => void): void;
  once(event: 'error' | 'close', listener: (arg: unknown) => void): void;
  send(text: string): void;
  close(): void;
}
// `ws` is what @nestjs/platform-ws runs on, and what a Node client of it uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WebSocket } = require('ws') as { WebSocket: new (url: string) => WsClient };

const SECRET = 'hunter2';
const LEAKY = `db password=${SECRET} failed`;

/** An error of the application's own, answered by the application's own filter. */
class RoomClosedError extends Error {
  constructor(readonly room: string) {
    super(`room ${room} is closed`);
  }
}

/** The application's filter for its own error: it answers with an event of its own. */
@Catch(RoomClosedError)
class RoomClosedFilter implements ExceptionFilter {
  catch(exception: RoomClosedError, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<WsClient>();
    client.send(JSON.stringify({ event: 'room-closed', data: { room: exception.room } }));
  }
}

/** A catch-all filter the application put on one handler. */
@Catch()
class LegacyAckFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    host
      .switchToWs()
      .getClient<WsClient>()
      .send(JSON.stringify({ event: 'legacy-nack', data: null }));
  }
}

class ChatMessage {
  @IsString()
  @MinLength(1)
  text!: string;
}

/** A gateway as an application writes one, with filters of its own on the class and a handler. */
@WebSocketGateway()
@UseFilters(new RoomClosedFilter())
class ChatGateway {
  // Global pipes do not reach gateways either: validation is the gateway's to ask for.
  @SubscribeMessage('send')
  @UsePipes(new FaultlineValidationPipe({ whitelist: true, transform: true }))
  send(@MessageBody() message: ChatMessage): { event: string; data: string } {
    return { event: 'sent', data: message.text };
  }

  @SubscribeMessage('crash')
  crash(): never {
    throw new Error(LEAKY);
  }

  @SubscribeMessage('reject')
  reject(): never {
    throw new WsException('text must not be empty');
  }

  @SubscribeMessage('missing')
  missing(@MessageBody() body: { room: string }): never {
    throw new NotFoundError('Room', body.room);
  }

  @SubscribeMessage('join')
  join(@MessageBody() body: { room: string }): never {
    throw new RoomClosedError(body.room);
  }

  @SubscribeMessage('legacy')
  @UseFilters(new LegacyAckFilter())
  legacy(): never {
    throw new Error(LEAKY);
  }
}

/** A connected client that keeps every message it receives, parsed. */
interface Connection {
  readonly received: { event: string; data: unknown }[];
  send(event: string, data?: unknown): void;
  /** Waits for the next message, after those already read with it. */
  next(): Promise<{ event: string; data: unknown }>;
  close(): void;
}

async function connect(url: string): Promise<Connection> {
  const socket = new WebSocket(url);
  const received: { event: string; data: unknown }[] = [];
  socket.on('message', (data) =>
    received.push(JSON.parse(data.toString()) as { event: string; data: unknown }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let read = 0;
  return {
    received,
    send: (event, data = {}) => socket.send(JSON.stringify({ event, data })),
    next: async () => {
      await waitUntil(
        () => received.length > read,
        10_000,
        () => `no message came; received so far: ${JSON.stringify(received)}`,
      );
      return received[read++];
    },
    close: () => socket.close(),
  };
}

interface GatewayApp {
  app: INestApplication;
  pino: LogCapture;
  nest: CapturingLogger;
  url: string;
}

/** An app on the suite's platform with the gateway on its HTTP server, listening on 127.0.0.1. */
async function startGatewayApp(options: ErrorHandlingModuleOptions = {}): Promise<GatewayApp> {
  const pino = new LogCapture();
  const nest = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot(withCapture({ alerts: false, debug: false, ...options }, pino))],
    providers: [ChatGateway],
  }).compile();
  const adapter = testHttpAdapter();
  const app = adapter
    ? moduleRef.createNestApplication(adapter, { logger: nest })
    : moduleRef.createNestApplication({ logger: nest });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.init();
  await readyForRequests(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, pino, nest, url: `ws://127.0.0.1:${port}/` };
}

describe(`WebSocket gateways (@nestjs/platform-ws on ${TEST_ADAPTER}): what a client receives when a handler fails`, () => {
  let g: GatewayApp;
  let client: Connection;

  beforeAll(async () => {
    g = await startGatewayApp();
  });

  afterAll(async () => {
    await g?.app.close();
  });

  beforeEach(async () => {
    client = await connect(g.url);
  });

  afterEach(() => {
    client.close();
  });

  it('answers a handler that succeeds as usual', async () => {
    client.send('send', { text: 'hello' });
    await expect(client.next()).resolves.toEqual({ event: 'sent', data: 'hello' });
  });

  it("sends an unexpected 5xx as an exception event with a fixed message, the caller's request id, one redacted ws failed line", async () => {
    client.send('crash', { requestId: 'ws-crash-1' });
    const message = await client.next();
    expect(message).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        message: 'An unexpected error occurred.',
        requestId: 'ws-crash-1',
      },
    });
    const lines = (await g.pino.waitFor((l) => l.some((x) => x.requestId === 'ws-crash-1'))).filter(
      (l) => l.requestId === 'ws-crash-1',
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'ws failed',
        transport: 'ws',
        operation: 'crash',
        status: 500,
        code: 'INTERNAL_ERROR',
        err: expect.objectContaining({ type: 'Error', message: expect.stringContaining('db password=') }),
      }),
    ]);
    expect(g.pino.raw.join('\n')).not.toContain(SECRET);
    // Nest's WsExceptionsHandler did not log it too.
    expect(g.nest.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it("sends a WsException's string as a 400 BAD_REQUEST exception event with that message", async () => {
    client.send('reject', { requestId: 'ws-reject-1' });
    await expect(client.next()).resolves.toEqual({
      event: 'exception',
      data: {
        status: 'error',
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'text must not be empty',
        requestId: 'ws-reject-1',
      },
    });
    await g.pino.waitFor((l) =>
      l.some((x) => x.requestId === 'ws-reject-1' && x.msg === 'ws failed' && x.level === 40),
    );
  });

  it('sends a 404 error class with its message, and a failure of FaultlineValidationPipe with its field errors', async () => {
    client.send('missing', { room: 'r9' });
    expect(await client.next()).toEqual({
      event: 'exception',
      data: expect.objectContaining({ statusCode: 404, code: 'NOT_FOUND', message: 'Room not found: r9' }),
    });
    client.send('send', { text: '' });
    const invalid = await client.next();
    expect(invalid).toEqual({
      event: 'exception',
      data: expect.objectContaining({
        statusCode: 400,
        code: 'VALIDATION_ERROR',
        errors: [expect.objectContaining({ field: 'text' })],
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      }),
    });
  });

  it("leaves the application's own @UseFilters in charge of what they catch", async () => {
    client.send('join', { room: 'lobby' });
    await expect(client.next()).resolves.toEqual({ event: 'room-closed', data: { room: 'lobby' } });
    client.send('legacy', { requestId: 'ws-legacy-1' });
    await expect(client.next()).resolves.toEqual({ event: 'legacy-nack', data: null });
    // Faultline did not see them: no line, no exception event.
    client.send('send', { text: 'after' });
    await expect(client.next()).resolves.toEqual({ event: 'sent', data: 'after' });
    expect(g.pino.lines.filter((l) => l.requestId === 'ws-legacy-1')).toEqual([]);
    expect(client.received.filter((m) => m.event === 'exception')).toEqual([]);
  });

  it('counts each failure once in app_errors_total, unexpected ones in faultline_unexpected_errors_total', async () => {
    const server = g.app.getHttpServer() as Parameters<typeof request>[0];
    const read = async () => parseMetrics((await request(server).get('/metrics').expect(200)).text);
    const sum = (samples: Awaited<ReturnType<typeof read>>, name: string, labels: Record<string, string>) =>
      samplesOf(samples, name, labels).reduce((total, s) => total + s.value, 0);
    const before = await read();
    client.send('crash', {});
    await client.next();
    client.send('missing', { room: 'r1' });
    await client.next();
    const after = await read();
    expect(sum(after, 'app_errors_total', { code: 'INTERNAL_ERROR', status: '500' })).toBe(
      sum(before, 'app_errors_total', { code: 'INTERNAL_ERROR', status: '500' }) + 1,
    );
    expect(sum(after, 'app_errors_total', { code: 'NOT_FOUND', status: '404' })).toBe(
      sum(before, 'app_errors_total', { code: 'NOT_FOUND', status: '404' }) + 1,
    );
    expect(sum(after, 'faultline_unexpected_errors_total', { code: 'INTERNAL_ERROR' })).toBe(
      sum(before, 'faultline_unexpected_errors_total', { code: 'INTERNAL_ERROR' }) + 1,
    );
  });

  it('raises a server-error alert for an unexpected failure, with its request id and without the secret', async () => {
    const webhook = await startHttpPeer();
    const alerting = await startGatewayApp({
      alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
    });
    const other = await connect(alerting.url);
    try {
      other.send('crash', { requestId: 'ws-alert-1' });
      await other.next();
      const [alert] = await webhook.waitFor(1);
      expect(alert.json).toMatchObject({
        kind: 'server-error',
        code: 'INTERNAL_ERROR',
        status: 500,
        requestId: 'ws-alert-1',
        errorClass: 'Error',
      });
      expect(alert.raw).not.toContain(SECRET);
    } finally {
      other.close();
      await alerting.app.close();
      await webhook.close();
    }
  });

  it('answers the gateway of a second application in the process with that application (the filter of the first comes off)', async () => {
    const second = await startGatewayApp();
    const other = await connect(second.url);
    try {
      other.send('crash', { requestId: 'ws-second-1' });
      await expect(other.next()).resolves.toMatchObject({
        event: 'exception',
        data: { requestId: 'ws-second-1' },
      });
      await second.pino.waitFor((l) => l.some((x) => x.requestId === 'ws-second-1' && x.msg === 'ws failed'));
      expect(g.pino.lines.filter((l) => l.requestId === 'ws-second-1')).toEqual([]);
    } finally {
      other.close();
      await second.app.close();
    }
  });
});
