import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { flushAtExit } from './exit-flush';

/** What the writer does when its backlog is full: wait for the output, or shed lines. */
export type LogOverflow = 'block' | 'drop';

/** The file system calls a {@link LogDestination} makes: node:fs, or a stand-in in tests. */
export interface LogIo {
  writeSync(fd: number, data: string | Uint8Array): number;
  writev(
    fd: number,
    buffers: Uint8Array[],
    callback: (err: NodeJS.ErrnoException | null, bytesWritten: number) => void,
  ): void;
  closeSync(fd: number): void;
}

/** Options of a {@link LogDestination}. */
export interface LogDestinationOptions {
  /** The file descriptor written to (1 for standard output). */
  fd: number;
  /** Write each line at once, synchronously: nothing is ever pending. */
  sync?: boolean;
  /** Bytes that may wait to be written before `overflow` applies. @default 4 MiB */
  maxBufferBytes?: number;
  /** @default 'block' */
  overflow?: LogOverflow;
  /** Bytes joined into one chunk, and so the most one synchronous write takes. @default 16 KiB */
  maxWrite?: number;
  /** Close `fd` on `end()` (a file Faultline opened). */
  ownsFd?: boolean;
  /** @default node:fs */
  io?: LogIo;
}

/** What a destination has held back, dropped and waited for; read by the metrics. */
export interface LogOutputStats {
  /** Bytes written by the application and not yet by the operating system. */
  readonly bufferedBytes: number;
  /** Lines shed because the backlog was full (`overflow: 'drop'`), since the start. */
  readonly droppedLines: number;
  /** Seconds the application waited for the output because the backlog was full (`'block'`). */
  readonly blockedSeconds: number;
}

/** Default of `logging.maxBufferBytes`. */
export const DEFAULT_MAX_BUFFER_BYTES = 4 * 1024 * 1024;
const MAX_WRITE = 16 * 1024;
/** writev takes at most IOV_MAX (1024 on Linux) buffers. */
const IOV_MAX = 1024;
/** After EAGAIN (a full non-blocking pipe): how long to wait before the next try. */
const RETRY_MS = 5;
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * A pino destination on a file descriptor (standard output by default), with a bounded backlog.
 *
 * Lines are joined into chunks of up to 16 KiB. With `overflow: 'block'` (the default) they are
 * written with `fs.writeSync` once per turn of the event loop, after the turn's I/O callbacks: a
 * line leaves within the turn that wrote it, and a turn that handled many requests writes their
 * lines together. A full non-blocking pipe (EAGAIN) keeps them waiting, retried every few
 * milliseconds; past `maxBufferBytes` the writer waits for the pipe, synchronously, until half
 * the backlog is written, so the application slows down and no line is lost. With `'drop'` the
 * backlog is written by `fs.writev` on libuv's thread pool, everything waiting in one call, so a
 * slow output never blocks the event loop; past `maxBufferBytes` new lines are dropped and
 * counted, and once the backlog is back under half the limit one `log lines dropped: N` line is
 * written (through `onDropped`). With `sync` each line is written at once.
 *
 * Lines are written whole and in order in every mode: nothing is written synchronously while an
 * asynchronous write is in flight, except at exit. What is pending when the process exits is
 * written synchronously then.
 */
export class LogDestination implements LogOutputStats {
  /** Told how many lines were dropped, once the backlog has room again. */
  onDropped: ((lines: number) => void) | undefined;
  droppedLines = 0;
  blockedSeconds = 0;

  private readonly fd: number;
  private readonly io: LogIo;
  private readonly maxBuffer: number;
  private readonly lowWater: number;
  private readonly maxWrite: number;
  private readonly drop: boolean;
  private readonly ownsFd: boolean;
  private sync: boolean;
  /** Chunks waiting, oldest first, and their sizes in bytes. */
  private chunks: (string | Buffer)[] = [];
  private sizes: number[] = [];
  /** Whether the last chunk is a string more lines may join. */
  private lastOpen = false;
  /** Bytes in `chunks`, plus those of an asynchronous write in flight. */
  private pending = 0;
  /** A flush is scheduled ('block'), or a write is in flight or waiting to be retried ('drop'). */
  private busy = false;
  /** 'drop': the buffers of the write in flight. */
  private inFlight: Buffer[] | undefined;
  private dropping = 0;
  private closed = false;
  private ending = false;
  private drainWaiters: ((err?: Error) => void)[] = [];
  private readonly stopExitFlush: () => void;

  constructor(options: LogDestinationOptions) {
    this.fd = options.fd;
    this.io = options.io ?? fs;
    this.sync = options.sync ?? false;
    this.maxBuffer = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    this.lowWater = Math.floor(this.maxBuffer / 2);
    this.maxWrite = options.maxWrite ?? MAX_WRITE;
    this.drop = options.overflow === 'drop';
    this.ownsFd = options.ownsFd ?? false;
    this.stopExitFlush = flushAtExit(this);
  }

  /** Bytes waiting to be written. */
  get bufferedBytes(): number {
    return this.pending;
  }

  /** Queues one line (pino writes a line a call); false when it was dropped or the output is closed. */
  write(line: string): boolean {
    if (this.closed) return false;
    const bytes = Buffer.byteLength(line);
    if (this.sync) {
      this.append(line, bytes);
      this.writeSyncDownTo(0, true);
      return true;
    }
    if (this.pending + bytes > this.maxBuffer && this.pending > 0) {
      if (this.drop) {
        this.droppedLines++;
        this.dropping++;
        return false;
      }
      this.append(line, bytes);
      this.block();
      if (this.pending > 0 && !this.busy && !this.closed) {
        this.busy = true;
        setImmediate(this.flushNow);
      }
      return true;
    }
    this.append(line, bytes);
    if (!this.busy) {
      this.busy = true;
      if (this.drop) this.writeAsync();
      else setImmediate(this.flushNow);
    }
    return true;
  }

  /** Writes everything pending, synchronously (pino calls it at exit, through multistream too). */
  flushSync(): void {
    if (this.closed) return;
    // An asynchronous write in flight cannot be waited for; what is queued behind it is written
    // after it here, which at exit is the best left to do.
    this.writeSyncDownTo(0, true);
    this.reportDropped();
    this.writeSyncDownTo(0, true);
  }

  /** Calls back once everything written so far is out (pino's `logger.flush(cb)`). */
  flush(callback?: (err?: Error) => void): void {
    const done = callback ?? (() => undefined);
    if (this.closed || this.pending === 0) {
      process.nextTick(done);
      return;
    }
    this.drainWaiters.push(done);
  }

  /** Writes what is pending and stops; a file Faultline opened is closed. */
  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (this.inFlight === undefined) this.finish();
  }

  /**
   * Writes what is pending, and from then on each line at once: for the application's shutdown,
   * which may end the process without an exit event (Nest's `enableShutdownHooks()` raises the
   * signal again once its hooks are done), and at exit.
   */
  writeThrough(): void {
    this.flushSync();
    this.sync = true;
  }

  /** At exit: write what is left, and from then on each line at once. */
  flushAtExit(): void {
    this.writeThrough();
  }

  private finish(): void {
    this.flushSync();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopExitFlush();
    this.chunks = [];
    this.sizes = [];
    this.pending = 0;
    if (this.ownsFd) {
      try {
        this.io.closeSync(this.fd);
      } catch {
        // Already closed: nothing to do.
      }
    }
    this.notifyDrained();
  }

  private append(line: string, bytes: number): void {
    const last = this.chunks.length - 1;
    if (last >= 0 && this.lastOpen && this.sizes[last] + bytes <= this.maxWrite) {
      this.chunks[last] = (this.chunks[last] as string) + line;
      this.sizes[last] += bytes;
    } else {
      this.chunks.push(line);
      this.sizes.push(bytes);
      this.lastOpen = true;
    }
    this.pending += bytes;
  }

  /** 'block', backlog full: wait for the output until half of it is written. */
  private block(): void {
    const started = performance.now();
    this.writeSyncDownTo(this.lowWater, true);
    this.blockedSeconds += (performance.now() - started) / 1000;
  }

  /** 'block': the turn's lines (or those a full pipe held back), written synchronously. */
  private readonly flushNow = (): void => {
    this.busy = false;
    if (this.closed) return;
    this.writeSyncDownTo(0, false);
    if (this.pending > 0 && !this.busy && !this.closed) {
      // EAGAIN: the pipe is full; try again shortly.
      this.busy = true;
      setTimeout(this.flushNow, RETRY_MS);
    }
  };

  /**
   * Writes chunks synchronously until at most `target` bytes are pending. On EAGAIN it sleeps
   * and tries again when `wait`, else it returns with the rest still pending.
   */
  private writeSyncDownTo(target: number, wait: boolean): void {
    let pause = 1;
    while (this.pending > target && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const size = this.sizes[0];
      let written: number;
      try {
        written = this.io.writeSync(this.fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return this.fail();
        written = 0;
      }
      if (written === 0) {
        if (!wait) return;
        Atomics.wait(SLEEP, 0, 0, pause);
        pause = Math.min(pause * 2, 50);
        continue;
      }
      pause = 1;
      this.pending -= written;
      if (written >= size) {
        this.chunks.shift();
        this.sizes.shift();
      } else {
        this.chunks[0] = (typeof chunk === 'string' ? Buffer.from(chunk) : chunk).subarray(written);
        this.sizes[0] = size - written;
        if (this.chunks.length === 1) this.lastOpen = false;
      }
    }
    if (this.pending === 0) this.notifyDrained();
  }

  /** 'drop': writes everything waiting in one `writev` on the thread pool. */
  private writeAsync(): void {
    if (this.closed || this.chunks.length === 0) {
      this.busy = false;
      return;
    }
    const count = Math.min(this.chunks.length, IOV_MAX);
    const chunks = this.chunks.splice(0, count);
    this.sizes.splice(0, count);
    const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
    this.inFlight = buffers;
    this.io.writev(this.fd, buffers, this.afterWrite);
  }

  private readonly afterWrite = (err: NodeJS.ErrnoException | null, written: number): void => {
    const buffers = this.inFlight ?? [];
    this.inFlight = undefined;
    if (this.closed) return;
    if (err && err.code !== 'EAGAIN') return this.fail();
    const rest = restOf(buffers, err ? 0 : written);
    this.pending -= err ? 0 : written;
    if (rest.length > 0) {
      if (this.chunks.length === 0) this.lastOpen = false;
      this.chunks.unshift(...rest);
      this.sizes.unshift(...rest.map((b) => b.length));
    }
    if (this.ending) return this.finish();
    if (this.pending <= this.lowWater) this.reportDropped();
    if (this.chunks.length === 0) {
      this.busy = false;
      this.notifyDrained();
    } else if (err || written === 0) {
      setTimeout(() => this.writeAsync(), RETRY_MS);
    } else {
      this.writeAsync();
    }
  };

  /** Writes the one line that tells how many were dropped since it was last written. */
  private reportDropped(): void {
    const lines = this.dropping;
    if (lines === 0) return;
    this.dropping = 0;
    try {
      this.onDropped?.(lines);
    } catch {
      // Reporting must not break writing.
    }
  }

  /** EPIPE (the reader is gone) and other write errors end the output, as pino's own does. */
  private fail(): void {
    this.close();
  }

  private notifyDrained(): void {
    if (this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** The part of `buffers` past the first `written` bytes. */
function restOf(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  let i = 0;
  while (i < buffers.length && skip >= buffers[i].length) skip -= buffers[i++].length;
  if (i === buffers.length) return [];
  const rest = buffers.slice(i);
  if (skip > 0) rest[0] = rest[0].subarray(skip);
  return rest;
}
