import { ManualClock } from '../kernel/manual-clock.testing';
import { alertStoreFallback, FallbackThrottleStore } from './fallback-throttle.store';
import { FallbackBudgetStore } from './fallback-budget.store';
import { InMemoryBudgetStore } from './in-memory-budget.store';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';
import { spyOnNestLogger } from '../logging/nest-logger.testing';

/** A shared store that can be taken down and brought back, counting what reaches it. */
class SwitchableStore implements ThrottleStore {
  down = false;
  readonly inner = new InMemoryThrottleStore();
  calls = 0;
  async hit(key: string, windowMs: number): Promise<ThrottleHit> {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED');
    return this.inner.hit(key, windowMs);
  }
  async countOf(key: string, windowId: number): Promise<number | undefined> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    return this.inner.countOf(key, windowId);
  }
}

describe('FallbackThrottleStore', () => {
  const logger = spyOnNestLogger();

  it('falls back while the shared store is down, says so once, and returns to it', async () => {
    const clock = new ManualClock();
    const shared = new SwitchableStore();
    const store = new FallbackThrottleStore(shared, true, alertStoreFallback(clock), clock);

    expect((await store.hit('k', 60_000)).count).toBe(1);
    shared.down = true;
    // The in-process store keeps counting: throttling goes on.
    expect((await store.hit('k', 60_000)).count).toBe(1);
    expect((await store.hit('k', 60_000)).count).toBe(2);
    expect(store.fallenBack).toBe(true);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    // Within the retry interval the shared store is not tried again.
    expect(shared.calls).toBe(2);

    shared.down = false;
    await clock.advance(5001);
    expect((await store.hit('k', 60_000)).count).toBe(2);
    expect(store.fallenBack).toBe(false);
    expect(logger.log).toHaveBeenCalledWith('alert throttle store is back: throttling is shared again');
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});

describe('FallbackBudgetStore', () => {
  const logger = spyOnNestLogger();

  it('falls back and returns with the throttle store it shares a fallback with: one notice for both', async () => {
    const clock = new ManualClock();
    const shared = new SwitchableStore();
    const fallback = alertStoreFallback(clock);
    const throttle = new FallbackThrottleStore(shared, true, fallback, clock);
    let budgetCalls = 0;
    const sharedBudget = new InMemoryBudgetStore(clock);
    const budget = new FallbackBudgetStore(
      {
        take: (r) => {
          budgetCalls++;
          return sharedBudget.take(r);
        },
        heldBackOf: (key, id, top) => sharedBudget.heldBackOf(key, id, top),
      },
      fallback,
      clock,
    );
    const take = () =>
      budget.take({
        key: 'budget:slack',
        windowMs: 60_000,
        limit: 1,
        fingerprint: 'f',
        title: 't',
        weight: 1,
      });
    expect((await take()).admitted).toBe(true);
    shared.down = true;
    await throttle.hit('k', 60_000);
    // The throttle store failed: the budget counts in-process too, without asking Redis first.
    expect((await take()).admitted).toBe(true);
    expect(budgetCalls).toBe(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    shared.down = false;
    await clock.advance(5001);
    expect((await take()).admitted).toBe(false);
    expect(budgetCalls).toBe(2);
    expect(fallback.fallenBack).toBe(false);
  });
});
