import { Logger } from '@nestjs/common';
import { type Clock, systemClock } from '../kernel/clock';
import { SharedFallback } from '../kernel/shared-fallback';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

/**
 * A shared store (Redis) with the in-process store behind it, by the rule of
 * {@link SharedFallback}: when the shared store fails, the failure is logged once and throttling
 * goes on in-process; the shared store is tried again every `retryMs`, and its return is logged.
 */
export class FallbackThrottleStore implements ThrottleStore {
  private readonly local: InMemoryThrottleStore;
  private readonly fallback: SharedFallback;
  private readonly logger = new Logger('FaultlineAlerts');

  constructor(
    private readonly shared: ThrottleStore,
    /** False when the shared store belongs to the application, which closes it. */
    private readonly closeShared = true,
    retryMs = 5000,
    clock: Clock = systemClock,
  ) {
    this.local = new InMemoryThrottleStore(undefined, clock);
    this.fallback = new SharedFallback(
      {
        down: (err) =>
          this.logger.warn(
            `alert throttle store unavailable, throttling in this process until it returns: ${
              err instanceof Error ? err.message : String(err)
            }`,
          ),
        back: () => this.logger.log('alert throttle store is back: throttling is shared again'),
      },
      retryMs,
      clock,
    );
  }

  /** True while the shared store is being skipped. */
  get fallenBack(): boolean {
    return this.fallback.fallenBack;
  }

  /** Connects the shared store, waiting at most `timeoutMs`; a failure means falling back. */
  async init(timeoutMs = 2000): Promise<void> {
    const shared = this.shared;
    if (shared.init) await this.fallback.init(() => shared.init!(), timeoutMs);
  }

  hit(key: string, windowMs: number): Promise<ThrottleHit> {
    return this.fallback.run(
      () => this.shared.hit(key, windowMs),
      () => this.local.hit(key, windowMs),
    );
  }

  async countOf(key: string, windowId: number): Promise<number | undefined> {
    const local = await this.local.countOf(key, windowId);
    if (local !== undefined) return local;
    return this.fallback.run(
      () => this.shared.countOf(key, windowId),
      async () => undefined,
    );
  }

  async close(): Promise<void> {
    if (this.closeShared) await this.shared.close?.();
  }
}
