import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorHandlingModule, enableGracefulShutdown } from 'nestjs-faultline';
import { readyForRequests, TEST_ADAPTER } from './support/http-adapter';
import { CapturingLogger } from './support/sample-app';

/** Resolved by the test: `GET /slow` answers once it is. */
let release: () => void = () => undefined;
let entered: () => void = () => undefined;

@Controller()
class SlowController {
  @Get('slow')
  async slow() {
    await new Promise<void>((resolve) => {
      release = resolve;
      entered();
    });
    return { slow: true };
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

describe('graceful shutdown over HTTPS', () => {
  let dir: string;
  let app: INestApplication | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-https-'));
  });

  afterAll(async () => {
    release();
    await app?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request in flight when the drain starts with Connection: close', async () => {
    const tls = selfSigned(dir);
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot({ logging: false })],
      controllers: [SlowController],
    }).compile();
    if (TEST_ADAPTER === 'fastify') {
      // Loaded only on the Fastify leg.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fastify = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
      app = moduleRef.createNestApplication(new fastify.FastifyAdapter({ https: tls }), {
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

    const slowEntered = new Promise<void>((resolve) => (entered = resolve));
    const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    const answer = new Promise<{ status?: number; connection?: string; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.end();
    });
    await slowEntered;

    const stopped = shutdown();
    release();
    expect(await answer).toEqual({ status: 200, connection: 'close', body: '{"slow":true}' });
    await stopped;
    agent.destroy();
    app = undefined;
  });
});
