import { backoffMs, type Clock, type ClockTimer, systemClock, unrefTimer } from '../kernel/clock';
import { wholeNumber } from '../kernel/option-checks';
import { settleWithin } from '../kernel/settle-within';
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
  batchSize: 500,
  flushIntervalMs: 1000,
  maxQueue: 10_000,
  concurrency: 2,
  retryBaseMs: 250,
  retryMaxMs: 30_000,
  writeTimeoutMs: 30_000,
} as const;

/** The writer's numeric options, each a whole number >= 1 with its default. */
export type AuditWriterSettings = Record<keyof typeof AUDIT_WRITER_DEFAULTS, number>;

/** Their names, in the order of {@link AUDIT_WRITER_DEFAULTS}. */
export const AUDIT_WRITER_OPTIONS = Object.keys(AUDIT_WRITER_DEFAULTS) as (keyof AuditWriterSettings)[];

/**
 * Validates the writer's numeric options and applies the defaults; the module checks `audit`
 * with it at start-up and the writer itself with it when built on its own.
 *
 * @throws FaultlineConfigError naming `audit.<option>` for a value that is not a whole number >= 1.
 */
export function resolveWriterSettings(options: AuditWriterOptions): AuditWriterSettings {
  return Object.fromEntries(
    AUDIT_WRITER_OPTIONS.map((name) => [
      name,
      wholeNumber(options[name], AUDIT_WRITER_DEFAULTS[name], `audit.${name}`, 1),
    ]),
  ) as AuditWriterSettings;
}

/** Options of {@link AuditWriter}. */
export interface AuditWriterOptions {
  /**
   * Events written in one `store.write()`; reaching it starts a write at once.
   * @default 500
   */
  batchSize?: number;
  /**
   * Longest wait before a partial batch is written, in ms.
   * @default 1000
   */
  flushIntervalMs?: number;
  /**
   * Events kept in memory (the batches being written included); beyond it each new event goes
   * to the spill as `overflow`.
   * @default 10000
   */
  maxQueue?: number;
  /**
   * Batches written at the same time when the queue holds more than one. Two let the next batch
   * be encoded and sent while the database commits the last one; `1` writes strictly one batch
   * after another, so rows land in the order they were recorded. While the store fails, only
   * the failing batches are retried and no new one is started.
   * @default 2
   */
  concurrency?: number;
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
  /** The clock of the batching interval, the retry backoff and the timeouts. @default systemClock */
  clock?: Clock;
}

/** Counters of an {@link AuditWriter}. */
export interface AuditWriterStats {
  /** Events waiting, the batches being written included. */
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
  timer: ClockTimer;
}

/** A batch taken off the queue and being written: its events and the position of the first. */
interface Batch {
  events: AuditEvent[];
  start: number;
}

/**
 * Takes audit events off the request path: a bounded in-memory queue written to an
 * {@link AuditStore} in batches (by size and by time), taken in order, by up to `concurrency`
 * background writers. A failed write keeps its batch and is retried with exponential backoff and
 * full jitter for as long as the writer runs, so events outlive a store outage and are written
 * once it returns (once each, as stores are idempotent on `id`). What cannot be kept goes to the
 * spill, counted.
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
  private readonly concurrency: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly writeTimeoutMs: number;
  private readonly onError: ((err: unknown) => void) | undefined;
  private readonly clock: Clock;

  /** Events not yet taken by a writer. */
  private queue: AuditEvent[] = [];
  /** Batches being written (or retried), oldest first. */
  private readonly inFlight: Batch[] = [];
  /** Events ever queued, and events taken off the queue (into a batch or the spill): positions. */
  private accepted = 0;
  private taken = 0;
  /** Writers keep taking partial batches until `taken` reaches this. */
  private drainTarget = 0;
  private writers = 0;
  /** Set by a failed write, cleared by a successful one: no new batch is started meanwhile. */
  private failing = false;
  private timer: ClockTimer | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly sleepers = new Set<() => void>();
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
    const settings = resolveWriterSettings(options);
    this.batchSize = settings.batchSize;
    this.flushIntervalMs = settings.flushIntervalMs;
    this.maxQueue = settings.maxQueue;
    this.concurrency = settings.concurrency;
    this.retryBaseMs = settings.retryBaseMs;
    this.retryMaxMs = settings.retryMaxMs;
    this.writeTimeoutMs = settings.writeTimeoutMs;
    this.onError = options.onError;
    this.clock = options.clock ?? systemClock;
  }

  /** A snapshot of the counters. */
  get stats(): AuditWriterStats {
    return { queued: this.accepted - this.written(), ...this.counts };
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
    if (this.accepted - this.written() >= this.maxQueue) {
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
    if (this.written() >= target) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    this.drainTarget = Math.max(this.drainTarget, target);
    for (const wake of [...this.sleepers]) wake();
    this.startWriters();
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        // Not unref'd, unlike the writer's own timers: a caller is waiting (at shutdown, for
        // close() to spill what is left), so the process must not exit before the timeout.
        timer: this.clock.setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Flushes for up to `timeoutMs`, then stops and hands what is still queued (the batches being
   * written included) to the spill as `shutdown`. A write still in flight at that point may land
   * in the store too: the events are then both stored and spilled, never neither.
   */
  close(timeoutMs = 5000): Promise<void> {
    this.closing ??= this.flush(timeoutMs).then(() => {
      this.closed = true;
      this.clock.clearTimeout(this.timer);
      if (this.immediate) clearImmediate(this.immediate);
      this.timer = this.immediate = undefined;
      for (const wake of [...this.sleepers]) wake();
      const rest = [...this.inFlight.splice(0).flatMap((b) => b.events), ...this.queue];
      this.queue = [];
      this.taken = this.accepted;
      for (const w of this.waiters.splice(0)) {
        this.clock.clearTimeout(w.timer);
        w.resolve(false);
      }
      if (rest.length > 0) {
        this.counts.spilledShutdown += rest.length;
        this.spillSafely(rest, 'shutdown');
      }
    });
    return this.closing;
  }

  /** Position up to which every event has left the writer: the oldest batch in flight, else the queue's head. */
  private written(): number {
    return this.inFlight.length > 0 ? this.inFlight[0].start : this.taken;
  }

  /** Starts the writers on the next turn, so `enqueue()` does no store work itself. */
  private kick(): void {
    if (this.immediate || this.writers >= this.concurrency) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.startWriters();
    });
    this.immediate.unref();
  }

  private armTimer(): void {
    if (this.timer || this.writers > 0 || this.immediate) return;
    this.timer = unrefTimer(
      this.clock,
      () => {
        this.timer = undefined;
        this.drainTarget = Math.max(this.drainTarget, this.accepted);
        this.startWriters();
      },
      this.flushIntervalMs,
    );
  }

  private startWriters(): void {
    while (!this.closed && this.writers < this.concurrency && this.due(this.writers)) {
      this.writers++;
      void this.run().finally(() => {
        this.writers--;
        // Events may have arrived after this writer's last check and before this callback.
        if (this.closed || this.queue.length === 0 || this.writers > 0) return;
        if (this.due(0)) this.startWriters();
        else this.armTimer();
      });
    }
  }

  /**
   * A new batch is due: a full one, or a partial one that a flush or the interval asked for.
   * While writes fail, only a writer with no other writer running takes one.
   */
  private due(otherWriters: number): boolean {
    if (this.failing && otherWriters > 0) return false;
    return this.queue.length >= this.batchSize || (this.queue.length > 0 && this.taken < this.drainTarget);
  }

  /** One writer: takes the next batch while one is due, and writes it until it is stored. */
  private async run(): Promise<void> {
    while (!this.closed && this.due(this.writers - 1)) {
      const events = this.queue.length > this.batchSize ? this.queue.splice(0, this.batchSize) : this.queue;
      if (events === this.queue) this.queue = [];
      const batch: Batch = { events, start: this.taken };
      this.taken += events.length;
      this.inFlight.push(batch);
      if (!(await this.writeUntilStored(batch))) return;
      this.inFlight.splice(this.inFlight.indexOf(batch), 1);
      this.counts.written += events.length;
      this.settleWaiters();
      // A success may have ended a failure: let the other writers start again.
      this.startWriters();
    }
  }

  /** Writes the batch, retrying with backoff; false when the writer was closed meanwhile. */
  private async writeUntilStored(batch: Batch): Promise<boolean> {
    for (;;) {
      try {
        await this.writeWithTimeout(batch.events);
      } catch (err) {
        this.counts.writeFailures++;
        this.failing = true;
        this.report(err);
        if (this.closed) return false;
        await this.sleep(this.backoff());
        if (this.closed) return false;
        continue;
      }
      // After close() the batch was handed to the spill; nothing here is ours any more.
      if (this.closed) return false;
      this.attempt = 0;
      this.failing = false;
      return true;
    }
  }

  private writeWithTimeout(batch: AuditEvent[]): Promise<void> {
    return settleWithin(
      () => this.store.write(batch),
      this.writeTimeoutMs,
      `audit store write did not settle within ${this.writeTimeoutMs} ms`,
      { unref: true, clock: this.clock },
    );
  }

  /** Full jitter: a random delay between 0 and min(max, base * 2^attempt). */
  private backoff(): number {
    return backoffMs(this.attempt++, this.retryBaseMs, this.retryMaxMs, true);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = unrefTimer(this.clock, () => done(), ms);
      const done = (): void => {
        this.clock.clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      this.sleepers.add(done);
    });
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const written = this.written();
    const [done, pending] = partition(this.waiters, (w) => written >= w.target);
    this.waiters = pending;
    for (const w of done) {
      this.clock.clearTimeout(w.timer);
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

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
