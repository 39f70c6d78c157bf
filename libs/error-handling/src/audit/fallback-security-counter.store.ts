import type { Clock } from '../kernel/clock';
import { type FallbackReport, SharedFallback } from '../kernel/shared-fallback';
import type { SecurityCounterStore } from './security-counter.store';

/**
 * A shared counter store (Redis, or the application's own) with the in-process store behind it,
 * by the rule of {@link SharedFallback}: while the shared store fails, events are counted in this
 * process (the failure reported once), and the shared store is tried again every `retryMs`.
 */
export class FallbackSecurityCounterStore implements SecurityCounterStore {
  private readonly fallback: SharedFallback;

  constructor(
    private readonly shared: SecurityCounterStore,
    private readonly local: SecurityCounterStore,
    report: FallbackReport,
    clock: Clock,
    retryMs = 5000,
  ) {
    this.fallback = new SharedFallback(report, retryMs, clock);
  }

  /** True while the shared store is being skipped. */
  get fallenBack(): boolean {
    return this.fallback.fallenBack;
  }

  async init(): Promise<void> {
    await this.fallback.init(this.shared.init?.bind(this.shared));
  }

  increment(key: string, windowMs: number): Promise<number> {
    return this.fallback.run(
      () => this.shared.increment(key, windowMs),
      () => this.local.increment(key, windowMs),
    );
  }
}
