import { type Clock, systemClock } from './clock';
import { settleWithin } from './settle-within';

/** What a {@link SharedFallback} tells, once each: the shared store failed, and it is back. */
export interface FallbackReport {
  down(err: unknown): void;
  back(): void;
}

/**
 * The rule of every store that shares counts through Redis (the alert throttle, the security
 * counters): while the shared store fails, the work is done in this process; the failure is
 * reported once, not per call; the shared store is tried again every `retryMs`, and its return
 * is reported. Nothing waits for Redis to come back.
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
  async init(connect: () => Promise<void>, timeoutMs = 2000): Promise<void> {
    try {
      await settleWithin(connect, timeoutMs, `not connected within ${timeoutMs} ms`, { clock: this.clock });
    } catch (err) {
      this.failed(err);
    }
  }

  /** `shared()`, or `local()` while the shared store is skipped or when `shared()` fails. */
  async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.downSince !== undefined && this.clock.now() - this.downSince < this.retryMs) return local();
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
