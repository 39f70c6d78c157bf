import { type Clock, systemClock } from '../kernel/clock';

/**
 * Counts events by key in fixed windows, for the suspicious-activity threshold. The in-process
 * store counts per instance; a shared one ({@link RedisSecurityCounterStore}, or the application's
 * own) counts across instances.
 *
 * @example
 * ErrorHandlingModule.forRoot({ audit: { security: { counterStore: myStore } } })
 */
export interface SecurityCounterStore {
  /** Connects; called once at start-up (a failure is logged and counting falls back). */
  init?(): Promise<void>;
  /**
   * Adds one to `key`'s count in the current window of `windowMs` and returns the new count.
   * Keys are `<redis.keyPrefix>security:<kind>:<ip>` (`faultline:security:LOGIN_FAILED:203.0.113.9`).
   */
  increment(key: string, windowMs: number): Promise<number>;
}

/** Injection token of the {@link SecurityCounterStore}. */
export const SecurityCounterStore = 'FAULTLINE:SecurityCounterStore';

/** Fixed-window counters in memory, bounded: the oldest keys go first when it is full. */
export class InMemorySecurityCounterStore implements SecurityCounterStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly clock: Clock = systemClock,
  ) {}

  async increment(key: string, windowMs: number): Promise<number> {
    const now = this.clock.now();
    const current = this.windows.get(key);
    if (current && current.resetAt > now) {
      current.count++;
      return current.count;
    }
    if (current) this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) this.evict(now);
    this.windows.set(key, { count: 1, resetAt: now + windowMs });
    return 1;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
