import { Logger } from '@nestjs/common';
import { type Clock, systemClock } from './clock';
import { settleWithin } from './settle-within';

/** What a {@link SharedStoreFallback} says when the shared store goes away and comes back. */
export interface FallbackNotices {
  /** The logger's context (`FaultlineAlerts`). */
  context: string;
  /** Logged once at `warn` when the shared store fails, before the reason. */
  down: string;
  /** Logged once when the shared store answers again. */
  back: string;
}

/**
 * The rule for a shared store (Redis) with an in-process one behind it: when a call to the shared
 * store fails, the failure is logged once and the in-process store answers; the shared store is
 * tried again every `retryMs`, and its return is logged. One instance serves every store that
 * uses the same connection, so they fall back and return together, with one notice.
 */
export class SharedStoreFallback {
  private downSince: number | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly notices: FallbackNotices,
    private readonly retryMs = 5000,
    private readonly clock: Clock = systemClock,
  ) {
    this.logger = new Logger(notices.context);
  }

  /** True while the shared store is being skipped. */
  get fallenBack(): boolean {
    return this.downSince !== undefined;
  }

  /** Runs the shared store's `init`, waiting at most `timeoutMs`; a failure means falling back. */
  async init(init: (() => Promise<void>) | undefined, timeoutMs = 2000): Promise<void> {
    if (!init) return;
    try {
      await settleWithin(init, timeoutMs, `not connected within ${timeoutMs} ms`, { clock: this.clock });
    } catch (err) {
      this.failed(err);
    }
  }

  /** Asks the shared store, or the in-process one while the shared store is down. */
  async call<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.skipShared()) return local();
    try {
      const value = await shared();
      this.recovered();
      return value;
    } catch (err) {
      this.failed(err);
      return local();
    }
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
    if (first) {
      this.logger.warn(`${this.notices.down}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private recovered(): void {
    if (this.downSince === undefined) return;
    this.downSince = undefined;
    this.logger.log(this.notices.back);
  }
}
