import { Logger } from '@nestjs/common';
import { backoffMs, type Clock, type ClockTimer, sleepOn, systemClock } from '../kernel/clock';
import { describeType, safeGet, safeString } from '../kernel/safe-access';
import { settleWithin } from '../kernel/settle-within';
import type { AlertMessage } from './alert.interface';
import type { AlertChannel } from './alert-channel.interface';
import { escapeControl } from '../kernel/escape-control';

/** The longest wait between two delivery attempts. */
const MAX_RETRY_DELAY_MS = 30_000;

/** Delivery counters of one channel. */
export interface AlertChannelStats {
  /** Alerts the channel accepted. */
  sent: number;
  /** Alerts held back by throttling (they would have gone to this channel). */
  suppressed: number;
  /** Alerts held back by this channel's budget (`alerts.budget`), summaries of the throttle's included. */
  heldBackByBudget: number;
  /** Alerts the channel did not accept after every retry, or that timed out. */
  failed: number;
  /** Alerts dropped because the channel's queue was full. */
  dropped: number;
  /** Alerts waiting or in flight. */
  pending: number;
}

/** How alerts are delivered. */
export interface DispatchOptions {
  maxQueue: number;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
}

interface Lane {
  channel: AlertChannel;
  queue: AlertMessage[];
  busy: boolean;
  stats: AlertChannelStats;
}

/**
 * Delivers alerts off the request path: one bounded queue per channel, so a slow channel does
 * not hold up the others; a timeout per attempt, retries with exponential backoff. A failure is
 * logged at `warn` and counted, never thrown.
 */
export class AlertDispatcher {
  private readonly lanes: Lane[];
  private readonly logger = new Logger('FaultlineAlerts');
  private idleWaiters: (() => void)[] = [];

  constructor(
    channels: readonly AlertChannel[],
    private readonly options: DispatchOptions,
    private readonly clock: Clock = systemClock,
    /** Redacts the text of a channel's error before it is logged (the module's Redactor). */
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    this.lanes = channels.map((channel) => ({
      channel,
      queue: [],
      busy: false,
      stats: { sent: 0, suppressed: 0, heldBackByBudget: 0, failed: 0, dropped: 0, pending: 0 },
    }));
  }

  /** The channels' names, in order. */
  get channels(): string[] {
    return this.lanes.map((l) => l.channel.name);
  }

  /** Queues a message for every channel, or for those named in `to`; returns at once. */
  enqueue(message: AlertMessage, to?: readonly string[]): void {
    for (const lane of this.lanes) {
      if (to && !to.includes(lane.channel.name)) continue;
      if (lane.queue.length >= this.options.maxQueue) {
        lane.stats.dropped++;
        if (lane.stats.dropped === 1 || lane.stats.dropped % 100 === 0) {
          this.logger.warn(
            `alert queue of channel ${lane.channel.name} is full (${this.options.maxQueue}); ` +
              `${lane.stats.dropped} alerts dropped so far`,
          );
        }
        continue;
      }
      lane.queue.push(message);
      lane.stats.pending++;
      if (!lane.busy) void this.pump(lane);
    }
  }

  /** Counts an alert that throttling held back, on every channel. */
  suppressed(): void {
    for (const lane of this.lanes) lane.stats.suppressed++;
  }

  /** Counts an alert the budget held back on the channels not in `admitted`. */
  heldBackByBudget(admitted: readonly string[]): void {
    for (const lane of this.lanes) if (!admitted.includes(lane.channel.name)) lane.stats.heldBackByBudget++;
  }

  /** Counters by channel name. */
  stats(): Record<string, AlertChannelStats> {
    return Object.fromEntries(this.lanes.map((l) => [l.channel.name, { ...l.stats }]));
  }

  /** Resolves when every queue is empty, or after `timeoutMs`; true when everything went out. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.idle()) return true;
    let timer: ClockTimer | undefined;
    const done = await Promise.race([
      new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = this.clock.setTimeout(() => resolve(false), timeoutMs))),
    ]);
    this.clock.clearTimeout(timer);
    return done;
  }

  /** Closes every channel that has a `close()`. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.channel.close?.().catch(() => undefined)));
  }

  private idle(): boolean {
    return this.lanes.every((l) => !l.busy && l.queue.length === 0);
  }

  private async pump(lane: Lane): Promise<void> {
    lane.busy = true;
    try {
      for (let message = lane.queue.shift(); message; message = lane.queue.shift()) {
        await this.deliver(lane, message);
        lane.stats.pending--;
      }
    } finally {
      lane.busy = false;
      if (this.idle()) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  private async deliver(lane: Lane, message: AlertMessage): Promise<void> {
    const { retries, retryBaseMs } = this.options;
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleepOn(this.clock, backoffMs(attempt - 1, retryBaseMs, MAX_RETRY_DELAY_MS));
      try {
        await this.attempt(lane.channel, message);
        lane.stats.sent++;
        return;
      } catch (err) {
        lastError = err;
      }
    }
    lane.stats.failed++;
    // A channel of the application's may put anything in its error: redacted, and escaped for
    // Nest's console logger.
    this.logger.warn(
      escapeControl(
        `alert delivery to channel ${lane.channel.name} failed after ${retries + 1} attempts ` +
          `(${message.kind} ${JSON.stringify(message.fingerprint)}): ${this.redact(describe(lastError))}`,
      ),
    );
  }

  /** One attempt, bounded by the timeout even when the channel ignores its abort signal. */
  private attempt(channel: AlertChannel, message: AlertMessage): Promise<void> {
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs;
    return settleWithin(
      () => channel.send(message, controller.signal),
      timeoutMs,
      `timed out after ${timeoutMs} ms`,
      { onTimeout: () => controller.abort(), clock: this.clock },
    );
  }
}

/** The message of what a channel threw (and its cause's); never throws, whatever was thrown. */
function describe(err: unknown): string {
  const message = safeString(err, 'message');
  if (message !== undefined) {
    const cause = safeString(safeGet(err, 'cause'), 'message');
    return cause === undefined ? message : `${message} (${cause})`;
  }
  if (typeof err === 'string') return err;
  return `[${describeType(err)}]`;
}
