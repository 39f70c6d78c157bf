import { wholeNumber } from '../errors/option-checks';
import { settleWithin } from '../errors/settle-within';
import type { AuditEvent } from './audit-event.interface';
import type { AuditStore } from './audit-store.interface';

/** Why events went to the spill instead of the store. */
export type AuditSpillReason = 'overflow' | 'shutdown';

/**
 * Receives the events the store could not take: the newest event when the queue is full
 * (`overflow`), what was still queued at `close()` (`shutdown`). It must not throw; the module
 * writes them to the `audit` log channel.
 */
export type AuditSpill = (events: AuditEvent[], reason: AuditSpillReason) => void;

/** The writer's defaults, in one place (the module's `audit` options use them too). */
export const AUDIT_WRITER_DEFAULTS = {
  batchSize: 100,
  flushIntervalMs: 1000,
  maxQueue: 10_000,
  retryBaseMs: 250,
  retryMaxMs: 30_000,
  writeTimeoutMs: 30_000,
} as const;

/** Options of {@link AuditWriter}. */
export interface AuditWriterOptions {
  /**
   * Events written in one `store.write()`; reaching it starts a write at once.
   * @default 100
   */
  batchSize?: number;
  /**
   * Longest wait before a partial batch is written, in ms.
   * @default 1000
   */
  flushIntervalMs?: number;
  /**
   * Events kept in memory (the batch being written included); beyond it each new event goes to
   * the spill as `overflow`.
   * @default 10000
   */
  maxQueue?: number;
  /**
   * First retry delay after a failed write, in ms; it doubles with each failure, with full jitter.
   * @default 250
   */
  retryBaseMs?: number;
  /**
   * Longest retry delay, in ms.
   * @default 30000
   */
  retryMaxMs?: number;
  /**
   * A write that has not settled after this long counts as failed and is retried (a hung
   * connection must not stall the queue for good).
   * @default 30000
   */
  writeTimeoutMs?: number;
  /** Called once for every failed write attempt (and for a spill that throws); it must not throw. */
  onError?: (err: unknown) => void;
}

/** Counters of an {@link AuditWriter}. */
export interface AuditWriterStats {
  /** Events waiting, the batch being written included. */
  queued: number;
  /** Events the store took. */
  written: number;
  /** Failed write attempts (a batch retried three times counts three). */
  writeFailures: number;
  /** Events handed to the spill because the queue was full. */
  spilledOverflow: number;
  /** Events handed to the spill at or after `close()`. */
  spilledShutdown: number;
}

interface Waiter {
  target: number;
  resolve: (done: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * Takes audit events off the request path: a bounded in-memory queue written to an
 * {@link AuditStore} in batches (by size and by time), in order, by one background loop. A failed
 * write keeps its batch and is retried with exponential backoff and full jitter for as long as
 * the writer runs, so events outlive a store outage and are written once it returns (once each,
 * as stores are idempotent on `id`). What cannot be kept goes to the spill, counted.
 *
 * @example
 * const writer = new AuditWriter(store, (events, reason) => log.warn({ events, reason }), { batchSize: 200 });
 * writer.enqueue(event);
 * await writer.close(5000); // on shutdown
 */
export class AuditWriter {
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueue: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly writeTimeoutMs: number;
  private readonly onError: ((err: unknown) => void) | undefined;

  private readonly queue: AuditEvent[] = [];
  /** Events ever queued, and events that left the queue: positions, for `flush()`. */
  private accepted = 0;
  private removed = 0;
  /** The loop keeps writing partial batches until `removed` reaches this. */
  private drainTarget = 0;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private wake: (() => void) | undefined;
  private waiters: Waiter[] = [];
  private attempt = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly counts = { written: 0, writeFailures: 0, spilledOverflow: 0, spilledShutdown: 0 };

  constructor(
    private readonly store: AuditStore,
    private readonly spill: AuditSpill,
    options: AuditWriterOptions = {},
  ) {
    this.batchSize = wholeNumber(options.batchSize, AUDIT_WRITER_DEFAULTS.batchSize, 'audit.batchSize', 1);
    this.flushIntervalMs = wholeNumber(
      options.flushIntervalMs,
      AUDIT_WRITER_DEFAULTS.flushIntervalMs,
      'audit.flushIntervalMs',
      1,
    );
    this.maxQueue = wholeNumber(options.maxQueue, AUDIT_WRITER_DEFAULTS.maxQueue, 'audit.maxQueue', 1);
    this.retryBaseMs = wholeNumber(
      options.retryBaseMs,
      AUDIT_WRITER_DEFAULTS.retryBaseMs,
      'audit.retryBaseMs',
      1,
    );
    this.retryMaxMs = wholeNumber(
      options.retryMaxMs,
      AUDIT_WRITER_DEFAULTS.retryMaxMs,
      'audit.retryMaxMs',
      1,
    );
    this.writeTimeoutMs = wholeNumber(
      options.writeTimeoutMs,
      AUDIT_WRITER_DEFAULTS.writeTimeoutMs,
      'audit.writeTimeoutMs',
      1,
    );
    this.onError = options.onError;
  }

  /** A snapshot of the counters. */
  get stats(): AuditWriterStats {
    return { queued: this.queue.length, ...this.counts };
  }

  /**
   * Queues an event; never throws and never waits. When the queue is full the event goes to
   * the spill as `overflow`; after `close()`, as `shutdown`.
   */
  enqueue(event: AuditEvent): void {
    if (this.closed) {
      this.counts.spilledShutdown++;
      this.spillSafely([event], 'shutdown');
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.counts.spilledOverflow++;
      this.spillSafely([event], 'overflow');
      return;
    }
    this.queue.push(event);
    this.accepted++;
    if (this.queue.length >= this.batchSize) this.kick();
    else this.armTimer();
  }

  /**
   * Resolves `true` once every event queued before the call is written, or `false` when
   * `timeoutMs` passes first (or the writer is closed meanwhile). A pending retry is tried at once.
   */
  flush(timeoutMs = 5000): Promise<boolean> {
    const target = this.accepted;
    if (this.removed >= target) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    this.drainTarget = Math.max(this.drainTarget, target);
    this.wake?.();
    this.startLoop();
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        // Not unref'd, unlike the writer's own timers: a caller is waiting (at shutdown, for
        // close() to spill what is left), so the process must not exit before the timeout.
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Flushes for up to `timeoutMs`, then stops and hands what is still queued to the spill as
   * `shutdown`. A write still in flight at that point may land in the store too: the events
   * are then both stored and spilled, never neither.
   */
  close(timeoutMs = 5000): Promise<void> {
    this.closing ??= this.flush(timeoutMs).then(() => {
      this.closed = true;
      clearTimeout(this.timer);
      if (this.immediate) clearImmediate(this.immediate);
      this.timer = this.immediate = undefined;
      this.wake?.();
      const rest = this.queue.splice(0);
      this.removed += rest.length;
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.resolve(false);
      }
      if (rest.length > 0) {
        this.counts.spilledShutdown += rest.length;
        this.spillSafely(rest, 'shutdown');
      }
    });
    return this.closing;
  }

  /** Starts the loop on the next turn, so `enqueue()` does no store work itself. */
  private kick(): void {
    if (this.loop || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.startLoop();
    });
    this.immediate.unref();
  }

  private armTimer(): void {
    if (this.timer || this.loop || this.immediate) return;
    this.timer = unref(
      setTimeout(() => {
        this.timer = undefined;
        this.drainTarget = Math.max(this.drainTarget, this.accepted);
        this.startLoop();
      }, this.flushIntervalMs),
    );
  }

  private startLoop(): void {
    if (this.loop || this.closed) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      // Events may have arrived after the loop's last check and before this callback.
      if (this.closed || this.queue.length === 0) return;
      if (this.due()) this.startLoop();
      else this.armTimer();
    });
  }

  private due(): boolean {
    return this.queue.length >= this.batchSize || (this.queue.length > 0 && this.removed < this.drainTarget);
  }

  private async run(): Promise<void> {
    while (!this.closed && this.due()) {
      const batch = this.queue.slice(0, this.batchSize);
      try {
        await this.writeWithTimeout(batch);
      } catch (err) {
        this.counts.writeFailures++;
        this.report(err);
        if (this.closed) return;
        await this.sleep(this.backoff());
        continue;
      }
      // After close() the queue was handed to the spill; nothing here is ours any more.
      if (this.closed) return;
      this.attempt = 0;
      this.queue.splice(0, batch.length);
      this.removed += batch.length;
      this.counts.written += batch.length;
      this.settleWaiters();
    }
  }

  private writeWithTimeout(batch: AuditEvent[]): Promise<void> {
    return settleWithin(
      () => this.store.write(batch),
      this.writeTimeoutMs,
      `audit store write did not settle within ${this.writeTimeoutMs} ms`,
      { unref: true },
    );
  }

  /** Full jitter: a random delay between 0 and min(max, base * 2^attempt). */
  private backoff(): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.random() * ceiling;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = unref(setTimeout(() => done(), ms));
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const [done, pending] = partition(this.waiters, (w) => this.removed >= w.target);
    this.waiters = pending;
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve(true);
    }
  }

  private spillSafely(events: AuditEvent[], reason: AuditSpillReason): void {
    try {
      this.spill(events, reason);
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    try {
      this.onError?.(err);
    } catch {
      // The error reporter failed too; there is nowhere left to say so.
    }
  }
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref();
  return timer;
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
