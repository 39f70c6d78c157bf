import { Controller, Get, StreamableFile } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { LEVEL, type LogRecord } from './support/log-capture';
import { startFixture, type FixtureApp } from './support/fixture-app';

const BLOCK = 64 * 1024;

/** Lets a test decide when the slow file goes on. */
let release: () => void = () => undefined;

@Controller()
class DownloadController {
  /** A file whose read fails after its headers and first blocks went out. */
  @Get('broken-file')
  brokenFile(): StreamableFile {
    let blocks = 0;
    const stream = new Readable({
      read() {
        if (blocks++ < 3) this.push(Buffer.alloc(BLOCK, 97));
        else this.destroy(new Error('disk read failed at block 3'));
      },
    });
    return new StreamableFile(stream, { type: 'application/octet-stream' });
  }

  /** A file that sends one block, then waits for the test. */
  @Get('slow-file')
  slowFile(): StreamableFile {
    let sent = false;
    const stream = new Readable({
      read() {
        if (sent) return;
        sent = true;
        this.push(Buffer.alloc(BLOCK, 98));
        release = () => this.push(null);
      },
    });
    return new StreamableFile(stream, { type: 'application/octet-stream' });
  }
}

/** GETs `path` and resolves once the response ended or was cut short, without failing. */
async function download(f: FixtureApp, path: string, requestId: string, abortAfterFirstChunk = false) {
  const server = f.app.getHttpServer() as { address(): AddressInfo | string | null; listening: boolean };
  if (!server.listening) await f.app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'X-Request-Id': requestId } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.on('error', () => resolve());
      res.on('close', () => resolve());
      res.once('data', () => {
        if (abortAfterFirstChunk) req.destroy();
      });
      res.resume();
    });
    req.end();
  });
}

const requestLines = (lines: LogRecord[]) => lines.filter((l) => /^request /.test(String(l.msg)));

describe('a streamed file that fails or is abandoned', () => {
  let f: FixtureApp;

  beforeEach(async () => {
    // Nest's own StreamableFile logger writes through Faultline, as in an application.
    f = await startFixture([DownloadController], { logging: { useAsNestLogger: true } });
  });

  afterEach(async () => {
    release();
    await f.close();
  });

  it('logs the read error of a file that failed after its headers went out, with the request id', async () => {
    await download(f, '/broken-file', 'file-broken-1');
    const lines = await f.pino.waitFor((all) =>
      all.some(
        (l) =>
          l.requestId === 'file-broken-1' &&
          l.level >= LEVEL.warn &&
          String((l.err as { message?: unknown } | undefined)?.message).includes(
            'disk read failed at block 3',
          ),
      ),
    );
    const own = lines.filter((l) => l.requestId === 'file-broken-1');
    // One request line, cut short, and nothing of the platform's own about how the request ended.
    await f.pino.request('file-broken-1');
    expect(requestLines(f.pino.forRequest('file-broken-1')).map((l) => [l.msg, l.status])).toEqual([
      ['request aborted', 200],
    ]);
    expect(own.map((l) => l.msg)).not.toContain('request completed');
    expect(own.map((l) => l.msg)).not.toContain('request errored');
  });

  it('writes only the request line for a download its client abandoned', async () => {
    await download(f, '/slow-file', 'file-abandoned-1', true);
    const lines = await f.pino.request('file-abandoned-1');
    expect(lines.map((l) => [l.msg, l.level])).toEqual([['request aborted', LEVEL.info]]);
  });
});
