import { Logger } from '@nestjs/common';
import { type Clock, systemClock } from '../kernel/clock';
import { SharedFallback } from '../kernel/shared-fallback';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

/**
 * The fallback rule of the alert stores (throttle and budget share one): in-process while Redis
 * is down, retried every `retryMs`; its going and its return are logged once each, under
 * `FaultlineAlerts`.
 */
export function alertStoreFallback(clock: Clock = systemClock, retryMs = 5000): SharedFallback {
  const logger = new Logger('FaultlineAlerts');
  return new SharedFallback(
    {
      down: (err) =>
        logger.warn(
          `alert throttle store unavailable, throttling in this process until it returns: ${
            err instanceof Error ? err.message : String(err)
          }`,
        ),
      back: () => logger.log('alert throttle store is back: throttling is shared again'),
    },
    retryMs,
    clock,
  );
}

/**
 * A shared throttle store (Redis) with the in-process store behind it, by the rule of
 * {@link SharedFallback}: when the shared store fails, the failure is logged once and throttling
 * goes on in-process; the shared store is tried again every `retryMs`, and its return is logged.
 */
export class FallbackThrottleStore implements ThrottleStore {
  private readonly local: InMemoryThrottleStore;

  constructor(
    private readonly shared: ThrottleStore,
    /** False when the shared store belongs to the application, which closes it. */
    private readonly closeShared = true,
    readonly fallback: SharedFallback = alertStoreFallback(),
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
    return this.fallback.run(
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
