import type { Clock } from '../kernel/clock';
import type { SharedFallback } from '../kernel/shared-fallback';
import type { BudgetRequest, BudgetStore, BudgetTake, HeldBackTally } from './budget-store.interface';
import { InMemoryBudgetStore } from './in-memory-budget.store';

/**
 * The shared budget store (Redis) with the in-process one behind it, under the throttle store's
 * {@link SharedFallback}: both fall back, and return, together. Its client is the throttle
 * store's, which connects and closes it.
 */
export class FallbackBudgetStore implements BudgetStore {
  private readonly local: InMemoryBudgetStore;

  constructor(
    private readonly shared: BudgetStore,
    private readonly fallback: SharedFallback,
    clock: Clock,
  ) {
    this.local = new InMemoryBudgetStore(clock);
  }

  take(r: BudgetRequest): Promise<BudgetTake> {
    return this.fallback.run(
      () => this.shared.take(r),
      () => this.local.take(r),
    );
  }

  heldBackOf(key: string, windowId: number, top: number): Promise<HeldBackTally | undefined> {
    return this.fallback.read(
      () => this.local.heldBackOf(key, windowId, top),
      () => this.shared.heldBackOf(key, windowId, top),
    );
  }
}
