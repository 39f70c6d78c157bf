import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorHandlingModule, enableGracefulShutdown } from 'nestjs-faultline';
import { readyForRequests, TEST_ADAPTER } from './support/http-adapter';
import { Gate } from './support/gate';
import { CapturingLogger } from './support/sample-app';

/** `GET /slow` answers once the test releases it. */
let gate = new Gate();

@Controller()
class SlowController {
  @Get('slow')
  async slow() {
    await gate.pass();
    return { slow: true };
  }

  @Get('fast')
  fast() {
    return { fast: true };
  }
}

/** A key and a self-signed certificate for 127.0.0.1, made for this run. */
function selfSigned(dir: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/** The fixture app on the suite's platform, over HTTPS when `tls` is given, listening on 127.0.0.1. */
async function start(tls?: { key: Buffer; cert: Buffer }) {
  const moduleRef = await Test.createTestingModule({
    imports: [ErrorHandlingModule.forRoot({ logging: false })],
    controllers: [SlowController],
  }).compile();
  let app: INestApplication;
  if (TEST_ADAPTER === 'fastify') {
    // Loaded only on the Fastify leg.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fastify = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
    app = moduleRef.createNestApplication(new fastify.FastifyAdapter(tls ? { https: tls } : {}), {
      logger: new CapturingLogger(),
    });
  } else {
    app = moduleRef.createNestApplication({ httpsOptions: tls, logger: new CapturingLogger() });
  }
  const shutdown = enableGracefulShutdown(app, { exit: false, signals: [] });
  await app.init();
  await readyForRequests(app);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return { app, shutdown, port };
}

describe('graceful shutdown of connections in flight', () => {
  let dir: string;
  let app: INestApplication | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-https-'));
  });

  beforeEach(() => {
    gate = new Gate();
  });

  afterEach(async () => {
    gate.release();
    await app?.close().catch(() => undefined);
    app = undefined;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request in flight when the drain starts with Connection: close, over HTTPS', async () => {
    const started = await start(selfSigned(dir));
    app = started.app;
    const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    const answer = new Promise<{ status?: number; connection?: string; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: started.port, path: '/slow', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.end();
    });
    await gate.reached;

    const stopped = started.shutdown();
    gate.release();
    expect(await answer).toEqual({ status: 200, connection: 'close', body: '{"slow":true}' });
    await stopped;
    agent.destroy();
    app = undefined;
  });

  it('sends every answer of a pipelined connection in flight, then closes it', async () => {
    const started = await start();
    app = started.app;
    const socket = connect(started.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Two requests on one connection, the second sent before the first is answered.
    socket.write(
      'GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    await gate.reached;

    const stopped = started.shutdown();
    gate.release();
    await closed;
    await stopped;
    app = undefined;
    // Both answers, in order, the connection closed after the second (the last read on it).
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect([first, second].map((answer) => /^HTTP\/1\.1 (\d+)/.exec(answer ?? '')?.[1])).toEqual([
      '200',
      '200',
    ]);
    expect(first).toMatch(/\r\n\r\n\{"slow":true\}$/);
    expect(first).not.toMatch(/^connection: close$/im);
    expect(second).toMatch(/^connection: close\r$/im);
    expect(second).toMatch(/\r\n\r\n\{"fast":true\}$/);
  });
});
