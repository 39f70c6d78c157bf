import { type Clock, systemClock } from '../kernel/clock';
import { type FallbackNotices, SharedStoreFallback } from '../kernel/shared-store-fallback';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

/** What the alert stores log when Redis goes away and comes back (throttle and budget alike). */
export const ALERT_STORE_NOTICES: FallbackNotices = {
  context: 'FaultlineAlerts',
  down: 'alert throttle store unavailable, throttling in this process until it returns',
  back: 'alert throttle store is back: throttling is shared again',
};

/** The fallback rule of the alert stores: in-process while Redis is down, retried every `retryMs`. */
export function alertStoreFallback(clock: Clock = systemClock, retryMs = 5000): SharedStoreFallback {
  return new SharedStoreFallback(ALERT_STORE_NOTICES, retryMs, clock);
}

/**
 * A shared throttle store (Redis) with the in-process store behind it, by the rule of
 * {@link SharedStoreFallback}.
 */
export class FallbackThrottleStore implements ThrottleStore {
  private readonly local: InMemoryThrottleStore;

  constructor(
    private readonly shared: ThrottleStore,
    /** False when the shared store belongs to the application, which closes it. */
    private readonly closeShared = true,
    readonly fallback: SharedStoreFallback = alertStoreFallback(),
    clock: Clock = systemClock,
  ) {
    this.local = new InMemoryThrottleStore(undefined, clock);
  }

  /** True while the shared store is being skipped. */
  get fallenBack(): boolean {
    return this.fallback.fallenBack;
  }

  /** Connects the shared store, waiting at most `timeoutMs`; a failure means falling back. */
  async init(timeoutMs = 2000): Promise<void> {
    await this.fallback.init(this.shared.init?.bind(this.shared), timeoutMs);
  }

  hit(key: string, windowMs: number): Promise<ThrottleHit> {
    return this.fallback.call(
      () => this.shared.hit(key, windowMs),
      () => this.local.hit(key, windowMs),
    );
  }

  countOf(key: string, windowId: number): Promise<number | undefined> {
    return this.fallback.read(
      () => this.local.countOf(key, windowId),
      () => this.shared.countOf(key, windowId),
    );
  }

  async close(): Promise<void> {
    if (this.closeShared) await this.shared.close?.();
  }
}
