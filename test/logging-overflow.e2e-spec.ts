import { Controller, Get } from '@nestjs/common';
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { parseMetrics, samplesOf } from './support/metrics-text';
import { sleep, waitUntil } from './support/wait';

const DESTINATION = join(__dirname, '..', 'libs/error-handling/dist/cjs/logging/log-destination.js');

/** What the child below reports on stderr once its lines are written. */
interface ChildReport {
  nonBlocking: boolean;
  droppedLines: number;
  blockedSeconds: number;
}

/**
 * Runs Faultline's built LogDestination on a child's standard output, a real pipe this test reads
 * only after a pause: the pipe fills, and the child (which made its stdout non-blocking, as
 * touching `process.stdout` does) meets EAGAIN. Returns the child's output and report.
 */
async function writeThroughPipe(
  overflow: 'block' | 'drop',
  lines: number,
): Promise<{ out: string; report: ChildReport }> {
  const script = `
    const { readFileSync } = require('node:fs');
    process.stdout; // a pipe's stdout turns non-blocking once Node opens it
    const flags = Number('0o' + /flags:\\s+(\\d+)/.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))[1]);
    const { LogDestination } = require(${JSON.stringify(DESTINATION)});
    const d = new LogDestination({ fd: 1, overflow: ${JSON.stringify(overflow)}, maxBufferBytes: 64 * 1024 });
    d.onDropped = (n) => d.write(JSON.stringify({ msg: 'log lines dropped: ' + n, droppedLines: n }) + '\\n');
    let i = 0;
    const pad = 'x'.repeat(180);
    (function burst() {
      for (let end = i + 500; i < end && i < ${lines}; i++) d.write(JSON.stringify({ n: i, pad }) + '\\n');
      if (i < ${lines}) return setImmediate(burst);
      d.flush(() => {
        process.stderr.write(JSON.stringify({
          nonBlocking: (flags & 0o4000) !== 0, droppedLines: d.droppedLines, blockedSeconds: d.blockedSeconds,
        }));
      });
    })();
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // Not read for a while: the pipe and the stream's buffer fill up.
  await sleep(500);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
  return { out, report: JSON.parse(err) as ChildReport };
}

describe('LogDestination on a real pipe that does not keep up', () => {
  it("'block' writes every line, whole and in order, waiting for the pipe (EAGAIN)", async () => {
    const { out, report } = await writeThroughPipe('block', 20_000);
    const lines = out.split('\n').slice(0, -1);
    expect(lines).toHaveLength(20_000);
    lines.forEach((line, i) => expect((JSON.parse(line) as { n: number }).n).toBe(i));
    expect(report).toEqual({ nonBlocking: true, droppedLines: 0, blockedSeconds: expect.any(Number) });
    expect(report.blockedSeconds).toBeGreaterThan(0);
  }, 60_000);

  it("'drop' sheds lines instead of waiting, and reports how many", async () => {
    const { out, report } = await writeThroughPipe('drop', 20_000);
    const parsed = out
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { n?: number; droppedLines?: number });
    const kept = parsed.filter((l) => l.n !== undefined).map((l) => l.n as number);
    const reported = parsed.reduce((sum, l) => sum + (l.droppedLines ?? 0), 0);
    expect(report.droppedLines).toBeGreaterThan(0);
    expect(reported).toBe(report.droppedLines);
    expect(kept.length + report.droppedLines).toBe(20_000);
    // What was kept is in order.
    for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1]);
    expect(report.blockedSeconds).toBe(0);
  }, 60_000);
});

@Controller()
class OkController {
  @Get('ok')
  ok() {
    return { ok: true };
  }
}

describe("logging.overflow: 'drop' in an application, to a FIFO nobody reads for a while", () => {
  let dir: string;
  let reader: number;
  let f: FixtureApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-fifo-'));
    const fifo = join(dir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    // The read end first (non-blocking), so the app's open for writing does not wait.
    reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    f = await startFixture([OkController], {
      logging: { destination: fifo, overflow: 'drop', maxBufferBytes: 16 * 1024 },
    });
  });
  afterAll(async () => {
    await f.close();
    // Closing the reader ends any write still waiting on the FIFO (EPIPE).
    closeSync(reader);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Reads what the FIFO holds now. */
  function drain(): string {
    const buffer = Buffer.alloc(64 * 1024);
    let text = '';
    for (;;) {
      let n: number;
      try {
        n = readSync(reader, buffer, 0, buffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return text;
        throw err;
      }
      if (n === 0) return text;
      text += buffer.toString('utf8', 0, n);
    }
  }

  async function metric(name: string): Promise<number> {
    const res = await f.http().get('/metrics');
    return samplesOf(parseMetrics(res.text), name)[0]?.value ?? NaN;
  }

  it('drops lines past maxBufferBytes, counts them in faultline_log_lines_dropped_total, then says so in one line', async () => {
    // 64 KiB fill the FIFO, 16 KiB the backlog; the rest is dropped.
    for (let i = 0; i < 60; i++) {
      await Promise.all(Array.from({ length: 10 }, () => f.http().get('/ok').expect(200)));
    }
    const dropped = await metric('faultline_log_lines_dropped_total');
    expect(dropped).toBeGreaterThan(0);
    expect(await metric('faultline_log_buffer_bytes')).toBeGreaterThan(0);
    expect(await metric('faultline_log_buffer_bytes')).toBeLessThanOrEqual(16 * 1024);

    let text = '';
    await waitUntil(
      () => {
        text += drain();
        return /"msg":"log lines dropped: \d+"/.test(text);
      },
      20_000,
      () => `no report of dropped lines; got ${text.length} chars:\n${text.slice(-2000)}`,
    );
    const lines = text.split('\n').slice(0, -1);
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; level: number; droppedLines?: number });
    const reports = parsed.filter((l) => l.msg.startsWith('log lines dropped: '));
    expect(reports[0]).toEqual(
      expect.objectContaining({ level: 40, msg: `log lines dropped: ${reports[0].droppedLines}` }),
    );
    expect(reports[0].droppedLines).toBeGreaterThanOrEqual(dropped);
    const kept = parsed.filter((l) => l.msg === 'request completed').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(600);
  }, 60_000);
});

describe('logging.destination as a file descriptor or a file path', () => {
  it("writes the JSON lines there, through Faultline's destination", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-dest-'));
    const byFd = join(dir, 'by-fd.log');
    const fd = openSync(byFd, 'a');
    const byPath = join(dir, 'nested', 'by-path.log');
    try {
      for (const [destination, file] of [
        [fd, byFd],
        [byPath, byPath],
      ] as const) {
        const f = await startFixture([OkController], { logging: { destination } });
        const id = `dest-${typeof destination}`;
        await f.http().get('/ok').set('X-Request-Id', id).expect(200);
        await waitUntil(
          () => existsSync(file) && readFileSync(file, 'utf8').includes(`"requestId":"${id}"`),
          10_000,
          () => `no request line in ${file}`,
        );
        await f.close();
      }
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
