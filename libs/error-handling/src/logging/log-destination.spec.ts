import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogDestination, type LogIo } from './log-destination';

type WritevCallback = (err: NodeJS.ErrnoException | null, bytesWritten: number) => void;

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

/**
 * A file system stand-in that keeps what was written, and can refuse (EAGAIN), write part of a
 * chunk, fail, or hold asynchronous writes until the test completes them.
 */
class FakeIo implements LogIo {
  readonly written: Buffer[] = [];
  /** Sizes of the synchronous writes, in bytes, as asked. */
  readonly syncWrites: number[] = [];
  /** Buffers of each asynchronous write, as asked. */
  readonly asyncWrites: Buffer[][] = [];
  /** The next this many synchronous writes throw EAGAIN. */
  eagain = 0;
  /** Every synchronous write throws EAGAIN while true (a stalled non-blocking pipe). */
  full = false;
  /** A synchronous write takes at most this many bytes. */
  maxBytes = Infinity;
  /** Throws this code on the next synchronous write. */
  failWith: string | undefined;
  /** Asynchronous writes wait for `complete()` while true. */
  hold = false;
  /** Asynchronous writes answer EAGAIN this many times. */
  asyncEagain = 0;
  closed: number[] = [];
  private held: { buffers: Uint8Array[]; callback: WritevCallback }[] = [];

  writeSync(_fd: number, data: string | Uint8Array): number {
    const buffer = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    this.syncWrites.push(buffer.length);
    if (this.failWith) throw errno(this.failWith);
    if (this.full || this.eagain > 0) {
      this.eagain = Math.max(0, this.eagain - 1);
      throw errno('EAGAIN');
    }
    const n = Math.min(buffer.length, this.maxBytes);
    this.written.push(buffer.subarray(0, n));
    return n;
  }

  writev(_fd: number, buffers: Uint8Array[], callback: WritevCallback): void {
    this.asyncWrites.push(buffers.map((b) => Buffer.from(b)));
    if (this.hold) {
      this.held.push({ buffers, callback });
      return;
    }
    setImmediate(() => this.answer(buffers, callback));
  }

  /** Completes the asynchronous writes held so far. */
  complete(): void {
    const held = this.held;
    this.held = [];
    for (const { buffers, callback } of held) this.answer(buffers, callback);
  }

  closeSync(fd: number): void {
    this.closed.push(fd);
  }

  text(): string {
    return Buffer.concat(this.written).toString();
  }

  private answer(buffers: Uint8Array[], callback: WritevCallback): void {
    if (this.asyncEagain > 0) {
      this.asyncEagain--;
      callback(errno('EAGAIN'), 0);
      return;
    }
    let total = 0;
    for (const b of buffers) {
      this.written.push(Buffer.from(b));
      total += b.length;
    }
    callback(null, total);
  }
}

/** Lines of many lengths, some with multi-byte characters. */
const lines = Array.from(
  { length: 3000 },
  (_, i) =>
    `{"n":${i},"msg":"${'é'.repeat(i % 7)}${'x'.repeat((i * 37) % 900)}${i % 11 === 0 ? '🙂' : ''}"}\n`,
);
const bytesOf = (list: string[]) => list.reduce((sum, l) => sum + Buffer.byteLength(l), 0);

const flushed = (destination: LogDestination) =>
  new Promise<void>((resolve) => destination.flush(() => resolve()));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LogDestination', () => {
  let dir: string;
  const opened: LogDestination[] = [];
  const open = (options: ConstructorParameters<typeof LogDestination>[0]) => {
    const destination = new LogDestination(options);
    opened.push(destination);
    return destination;
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'faultline-dest-'))));
  afterEach(() => {
    for (const d of opened.splice(0)) d.end();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(['block', 'drop'] as const)("overflow '%s'", (overflow) => {
    it('writes every line to a file, whole and in order, when a burst comes in one turn', async () => {
      const path = join(dir, 'out.log');
      const fd = openSync(path, 'w');
      const destination = open({ fd, overflow, maxBufferBytes: 64 * 1024 * 1024 });
      for (const line of lines) destination.write(line);
      await flushed(destination);
      expect(destination.bufferedBytes).toBe(0);
      closeSync(fd);
      expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
    });

    it('holds nothing back once written, and counts the bytes (not characters) still waiting', async () => {
      const io = new FakeIo();
      io.hold = true;
      const destination = open({ fd: 9, overflow, io });
      const some = lines.slice(0, 100);
      for (const line of some) destination.write(line);
      expect(destination.bufferedBytes).toBe(bytesOf(some));
      await turn();
      io.hold = false;
      io.complete();
      await flushed(destination);
      expect(destination.bufferedBytes).toBe(0);
      expect(io.text()).toBe(some.join(''));
    });
  });

  it("joins a turn's lines into chunks of at most maxWrite bytes, each filled", async () => {
    const io = new FakeIo();
    const destination = open({ fd: 9, io, maxWrite: 4096 });
    for (const line of lines) destination.write(line);
    expect(io.syncWrites).toEqual([]); // nothing before the end of the turn
    await flushed(destination);
    expect(io.text()).toBe(lines.join(''));
    expect(io.syncWrites.length).toBeGreaterThan(10);
    for (const size of io.syncWrites) expect(size).toBeLessThanOrEqual(4096);
    const longest = Math.max(...lines.map((l) => Buffer.byteLength(l)));
    for (const size of io.syncWrites.slice(0, -1)) expect(size).toBeGreaterThan(4096 - longest);
  });

  it('writes a line longer than maxWrite on its own', async () => {
    const io = new FakeIo();
    const destination = open({ fd: 9, io, maxWrite: 1024 });
    const long = `${'y'.repeat(5000)}\n`;
    destination.write('a\n');
    destination.write(long);
    destination.write('b\n');
    await flushed(destination);
    expect(io.syncWrites).toEqual([2, 5001, 2]);
    expect(io.text()).toBe(`a\n${long}b\n`);
  });

  it('writes each line at once in sync mode', () => {
    const path = join(dir, 'sync.log');
    const fd = openSync(path, 'w');
    const destination = open({ fd, sync: true });
    for (const [i, line] of lines.slice(0, 200).entries()) {
      destination.write(line);
      expect(readFileSync(path, 'utf8')).toBe(lines.slice(0, i + 1).join(''));
    }
    closeSync(fd);
  });

  it('finishes a chunk the output took only part of, multi-byte characters included', async () => {
    const io = new FakeIo();
    io.maxBytes = 7; // splits 'é' and '🙂' between writes
    const destination = open({ fd: 9, io });
    const some = lines.slice(0, 50);
    for (const line of some) destination.write(line);
    await flushed(destination);
    expect(io.text()).toBe(some.join(''));
  });

  describe("'block' (the default) when the output does not keep up", () => {
    it('retries a full non-blocking pipe (EAGAIN) a few ms later, in order', async () => {
      const io = new FakeIo();
      io.eagain = 3;
      const destination = open({ fd: 9, io });
      destination.write('one\n');
      destination.write('two\n');
      await turn();
      expect(io.text()).toBe('');
      destination.write('three\n');
      await flushed(destination);
      expect(io.text()).toBe('one\ntwo\nthree\n');
    });

    it('past maxBufferBytes, waits for the pipe synchronously until half the backlog is out: no line lost', () => {
      const io = new FakeIo();
      io.full = true;
      const max = 64 * 1024;
      const destination = open({ fd: 9, io, maxBufferBytes: max });
      const written: string[] = [];
      let i = 0;
      // Fill the backlog while the pipe is full: nothing is written, nothing is lost.
      while (destination.bufferedBytes + Buffer.byteLength(lines[i]) <= max) {
        destination.write(lines[i]);
        written.push(lines[i++]);
      }
      expect(io.written).toHaveLength(0);
      // The pipe drains after a few tries; the line that overflows waits for it.
      io.full = false;
      io.eagain = 4;
      destination.write(lines[i]);
      written.push(lines[i]);
      expect(destination.bufferedBytes).toBeLessThanOrEqual(max / 2);
      expect(destination.blockedSeconds).toBeGreaterThan(0);
      destination.flushSync();
      expect(io.text()).toBe(written.join(''));
      expect(destination.droppedLines).toBe(0);
    });
  });

  describe("'drop'", () => {
    it('past maxBufferBytes, drops new lines, counts them, and reports once when there is room again', async () => {
      const io = new FakeIo();
      io.hold = true;
      const max = 64 * 1024;
      const destination = open({ fd: 9, io, overflow: 'drop', maxBufferBytes: max });
      const reports: number[] = [];
      destination.onDropped = (n) => {
        reports.push(n);
        destination.write(`dropped ${n}\n`);
      };
      const kept: string[] = [];
      let dropped = 0;
      for (const line of lines.slice(0, 600)) {
        if (destination.write(line)) kept.push(line);
        else dropped++;
      }
      expect(dropped).toBeGreaterThan(0);
      expect(destination.droppedLines).toBe(dropped);
      expect(destination.bufferedBytes).toBe(bytesOf(kept));
      expect(destination.bufferedBytes).toBeLessThanOrEqual(max);
      expect(reports).toEqual([]);

      io.hold = false;
      io.complete();
      await flushed(destination);
      expect(reports).toEqual([dropped]);
      expect(io.text()).toBe(`${kept.join('')}dropped ${dropped}\n`);
      // Later lines go out again; the count of the metric stays.
      destination.write('after\n');
      await flushed(destination);
      expect(io.text().endsWith('after\n')).toBe(true);
      expect(destination.droppedLines).toBe(dropped);
      expect(reports).toEqual([dropped]);
    });

    it('writes everything waiting in one asynchronous write, never blocking', async () => {
      const io = new FakeIo();
      io.hold = true;
      const destination = open({ fd: 9, io, overflow: 'drop', maxWrite: 4096 });
      destination.write(lines[0]); // goes out at once
      for (const line of lines.slice(1, 300)) destination.write(line);
      expect(io.asyncWrites).toHaveLength(1);
      expect(io.syncWrites).toEqual([]);
      io.hold = false;
      io.complete();
      await flushed(destination);
      expect(io.asyncWrites).toHaveLength(2);
      expect(io.asyncWrites[1].length).toBeGreaterThan(1);
      for (const b of io.asyncWrites[1]) expect(b.length).toBeLessThanOrEqual(4096);
      expect(io.text()).toBe(lines.slice(0, 300).join(''));
    });

    it('retries after EAGAIN, in order', async () => {
      const io = new FakeIo();
      io.asyncEagain = 2;
      const destination = open({ fd: 9, io, overflow: 'drop' });
      for (const line of lines.slice(0, 20)) destination.write(line);
      await flushed(destination);
      expect(io.text()).toBe(lines.slice(0, 20).join(''));
      expect(io.asyncWrites.length).toBeGreaterThanOrEqual(3);
    });
  });

  it.each([
    ['at exit', (d: LogDestination) => d.flushAtExit()],
    ['once the application closes', (d: LogDestination) => d.writeThrough()],
  ])('%s writes what is pending synchronously, then every line at once', (_when, close) => {
    const io = new FakeIo();
    const destination = open({ fd: 9, io });
    destination.write('pending\n');
    expect(io.text()).toBe('');
    close(destination);
    expect(io.text()).toBe('pending\n');
    destination.write('late\n');
    expect(io.text()).toBe('pending\nlate\n');
  });

  it('flushSync writes a drop report that is due', () => {
    const io = new FakeIo();
    io.hold = true;
    const destination = open({ fd: 9, io, overflow: 'drop', maxBufferBytes: 16 * 1024 });
    destination.onDropped = (n) => destination.write(`dropped ${n}\n`);
    for (const line of lines.slice(0, 200)) destination.write(line);
    const dropped = destination.droppedLines;
    expect(dropped).toBeGreaterThan(0);
    destination.flushSync();
    expect(io.text().endsWith(`dropped ${dropped}\n`)).toBe(true);
  });

  it('stops writing when the reader is gone (EPIPE), as pino does', async () => {
    const io = new FakeIo();
    const destination = open({ fd: 9, io });
    destination.write('one\n');
    io.failWith = 'EPIPE';
    await flushed(destination);
    expect(destination.write('two\n')).toBe(false);
    expect(destination.bufferedBytes).toBe(0);
  });

  it('end() writes what is pending and closes a file it owns', () => {
    const io = new FakeIo();
    const destination = open({ fd: 42, io, ownsFd: true });
    destination.write('last\n');
    destination.end();
    expect(io.text()).toBe('last\n');
    expect(io.closed).toEqual([42]);
    expect(destination.write('after\n')).toBe(false);
  });
});
