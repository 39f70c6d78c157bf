import { Controller, Get } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LEVEL } from './support/log-capture';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { Gate } from './support/gate';

let gate = new Gate();

@Controller()
class LateController {
  /** Fails only after the test lets it go on: its client may be gone by then. */
  @Get('slow-fail')
  async slowFail(): Promise<never> {
    await gate.pass();
    throw new Error('late failure of the report job');
  }

  @Get('quiet/fail')
  quietFail(): never {
    throw new Error('probe backend is down');
  }

  @Get('quiet/ok')
  quietOk() {
    return { ok: true };
  }
}

/** Sends a request and destroys it once the handler has started; resolves when it is gone. */
async function abandon(f: FixtureApp, path: string, requestId: string): Promise<void> {
  const server = f.app.getHttpServer() as { address(): AddressInfo | string | null; listening: boolean };
  if (!server.listening) await f.app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'X-Request-Id': requestId } });
  // The destroyed request's 'socket hang up' is expected.
  req.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => req.once('close', () => resolve()));
  req.end();
  await gate.reached;
  req.destroy();
  await closed;
}

describe('failures no request line carries', () => {
  let f: FixtureApp;

  beforeEach(async () => {
    gate = new Gate();
    f = await startFixture([LateController], { logging: { quietPaths: ['/quiet/fail', '/quiet/ok'] } });
  });

  afterEach(async () => {
    gate.release();
    await f.close();
  });

  it('logs a failure that comes after the client went away on a line of its own, with its stack', async () => {
    await abandon(f, '/slow-fail', 'late-1');
    await f.pino.request('late-1');
    expect(f.pino.forRequest('late-1')).toEqual([
      expect.objectContaining({ msg: 'request aborted', level: LEVEL.info }),
    ]);

    gate.release();
    const lines = await f.pino.waitFor((all) =>
      all.some((l) => l.requestId === 'late-1' && l.msg === 'request failed'),
    );
    const failed = lines.filter((l) => l.requestId === 'late-1' && l.msg === 'request failed');
    expect(failed).toEqual([
      expect.objectContaining({
        level: LEVEL.error,
        status: 500,
        code: 'INTERNAL_ERROR',
        err: expect.objectContaining({ type: 'Error', message: 'late failure of the report job' }),
      }),
    ]);
    expect(String((failed[0].err as { stack?: unknown }).stack)).toMatch(/late failure of the report job/);
  });

  it('logs a failure on a quiet path, and nothing for a success there', async () => {
    await f.http().get('/quiet/ok').set('X-Request-Id', 'quiet-ok').expect(200);
    await f.http().get('/quiet/fail').set('X-Request-Id', 'quiet-fail').expect(500);
    const lines = await f.pino.waitFor((all) => all.some((l) => l.requestId === 'quiet-fail'));
    expect(lines.filter((l) => l.requestId === 'quiet-fail')).toEqual([
      expect.objectContaining({
        msg: 'request failed',
        level: LEVEL.error,
        status: 500,
        err: expect.objectContaining({ message: 'probe backend is down' }),
      }),
    ]);
    expect(f.pino.forRequest('quiet-ok')).toEqual([]);
  });
});
