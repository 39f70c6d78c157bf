import { ManualClock } from '../kernel/manual-clock.testing';
import { type BudgetRequest, TALLY_SIZE } from './budget-store.interface';
import { InMemoryBudgetStore } from './in-memory-budget.store';

const take = (fingerprint: string, weight = 1): BudgetRequest => ({
  key: 'budget:slack',
  windowMs: 60_000,
  limit: 2,
  fingerprint,
  title: `title of ${fingerprint}`,
  weight,
});

describe('InMemoryBudgetStore', () => {
  it('admits limit alerts a window, marks the first held back, and keeps the previous window for its summary', async () => {
    const clock = new ManualClock();
    const store = new InMemoryBudgetStore(clock, 3);
    const first = await store.take(take('a'));
    expect(first).toMatchObject({ admitted: true, firstHeldBack: false, remainingMs: 60_000 });
    await store.take(take('a'));
    const held = await store.take(take('b'));
    expect(held).toMatchObject({ admitted: false, firstHeldBack: true });
    expect((await store.take(take('b'))).firstHeldBack).toBe(false);
    await clock.advance(60_000);
    expect((await store.take(take('c'))).admitted).toBe(true);
    expect(await store.heldBackOf('budget:slack', first.windowId, 5)).toEqual({
      heldBack: 2,
      fingerprints: 1,
      overflow: false,
      top: [{ fingerprint: 'b', title: 'title of b', count: 2 }],
    });
    expect(await store.heldBackOf('budget:slack', 12345, 5)).toBeUndefined();
  });

  it('keeps its tally bounded under a storm of distinct fingerprints, the heavy hitters on top', async () => {
    const clock = new ManualClock();
    const store = new InMemoryBudgetStore(clock);
    await store.take(take('x'));
    await store.take(take('x'));
    await store.take(take('heavy', 50));
    for (let i = 0; i < 1000; i++) await store.take(take(`f${i}`));
    await store.take(take('heavy', 50));
    const tally = await store.heldBackOf('budget:slack', clock.now(), 5);
    // The total stays exact; the tally keeps TALLY_SIZE fingerprints, whose counts are upper bounds.
    expect(tally).toMatchObject({ heldBack: 1100, fingerprints: TALLY_SIZE, overflow: true });
    expect(tally?.top[0]).toMatchObject({ fingerprint: 'heavy', count: 100 });
    expect(tally?.top[1].count).toBeLessThan(20);
  });
});
