import { type Clock, systemClock } from './clock';
import { settleWithin } from './settle-within';

/** What a {@link SharedFallback} tells, once each: the shared store failed, and it is back. */
export interface FallbackReport {
  down(err: unknown): void;
  back(): void;
}

/**
 * The rule of every store that shares counts through Redis (the alert throttle and budget, the
 * security counters): while the shared store fails, the work is done in this process; the failure
 * is reported once, not per call; the shared store is tried again every `retryMs`, and its return
 * is reported. Nothing waits for Redis to come back. Stores on one connection share one instance
 * (the alert throttle and budget do), so they fall back and return together, with one notice.
 */
export class SharedFallback {
  private downSince: number | undefined;

  constructor(
    private readonly report: FallbackReport,
    private readonly retryMs = 5000,
    private readonly clock: Clock = systemClock,
  ) {}

  /** True while the shared store is being skipped. */
  get fallenBack(): boolean {
    return this.downSince !== undefined;
  }

  /** Runs `connect` (the shared store's), waiting at most `timeoutMs`; a failure means falling back. */
  async init(connect: (() => Promise<void>) | undefined, timeoutMs = 2000): Promise<void> {
    if (!connect) return;
    try {
      await settleWithin(connect, timeoutMs, `not connected within ${timeoutMs} ms`, { clock: this.clock });
    } catch (err) {
      this.failed(err);
    }
  }

  /** `shared()`, or `local()` while the shared store is skipped or when `shared()` fails. */
  async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.skipShared()) return local();
    let result: T;
    try {
      result = await shared();
    } catch (err) {
      this.failed(err);
      return local();
    }
    this.recovered();
    return result;
  }

  /**
   * Reads what the in-process store knows (a window counted while the shared store was down),
   * else the shared store's answer; undefined when neither knows.
   */
  async read<T>(
    local: () => Promise<T | undefined>,
    shared: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const value = await local();
    if (value !== undefined || this.skipShared()) return value;
    try {
      return await shared();
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  private skipShared(): boolean {
    return this.downSince !== undefined && this.clock.now() - this.downSince < this.retryMs;
  }

  private failed(err: unknown): void {
    const first = this.downSince === undefined;
    this.downSince = this.clock.now();
    if (first) this.report.down(err);
  }

  private recovered(): void {
    if (this.downSince === undefined) return;
    this.downSince = undefined;
    this.report.back();
  }
}
