import { Logger } from '@nestjs/common';
import { type Clock, systemClock } from '../kernel/clock';
import { settleWithin } from '../kernel/settle-within';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

/**
 * A shared store (Redis) with the in-process store behind it. When the shared store fails, the
 * failure is logged once and throttling goes on in-process; the shared store is tried again
 * every `retryMs`, and its return is logged.
 */
export class FallbackThrottleStore implements ThrottleStore {
  private readonly local: InMemoryThrottleStore;
  private downSince: number | undefined;
  private readonly logger = new Logger('FaultlineAlerts');

  constructor(
    private readonly shared: ThrottleStore,
    /** False when the shared store belongs to the application, which closes it. */
    private readonly closeShared = true,
    private readonly retryMs = 5000,
    private readonly clock: Clock = systemClock,
  ) {
    this.local = new InMemoryThrottleStore(undefined, clock);
  }

  /** True while the shared store is being skipped. */
  get fallenBack(): boolean {
    return this.downSince !== undefined;
  }

  /** Connects the shared store, waiting at most `timeoutMs`; a failure means falling back. */
  async init(timeoutMs = 2000): Promise<void> {
    const shared = this.shared;
    if (!shared.init) return;
    try {
      await settleWithin(() => shared.init?.(), timeoutMs, `not connected within ${timeoutMs} ms`, {
        clock: this.clock,
      });
    } catch (err) {
      this.failed(err);
    }
  }

  async hit(key: string, windowMs: number): Promise<ThrottleHit> {
    if (this.skipShared()) return this.local.hit(key, windowMs);
    try {
      const hit = await this.shared.hit(key, windowMs);
      this.recovered();
      return hit;
    } catch (err) {
      this.failed(err);
      return this.local.hit(key, windowMs);
    }
  }

  async countOf(key: string, windowId: number): Promise<number | undefined> {
    const local = await this.local.countOf(key, windowId);
    if (local !== undefined || this.skipShared()) return local;
    try {
      return await this.shared.countOf(key, windowId);
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closeShared) await this.shared.close?.();
  }

  private skipShared(): boolean {
    return this.downSince !== undefined && this.clock.now() - this.downSince < this.retryMs;
  }

  private failed(err: unknown): void {
    const first = this.downSince === undefined;
    this.downSince = this.clock.now();
    if (first) {
      this.logger.warn(
        `alert throttle store unavailable, throttling in this process until it returns: ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    }
  }

  private recovered(): void {
    if (this.downSince === undefined) return;
    this.downSince = undefined;
    this.logger.log('alert throttle store is back: throttling is shared again');
  }
}
