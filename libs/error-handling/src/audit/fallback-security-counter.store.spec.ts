import { ManualClock } from '../kernel/manual-clock.testing';
import { FallbackSecurityCounterStore } from './fallback-security-counter.store';
import { InMemorySecurityCounterStore, type SecurityCounterStore } from './security-counter.store';

/** A shared store that can be taken down and brought back, counting the calls that reach it. */
class SwitchableStore implements SecurityCounterStore {
  down = false;
  calls = 0;
  readonly inner = new InMemorySecurityCounterStore();
  async increment(key: string, windowMs: number): Promise<number> {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED');
    return this.inner.increment(key, windowMs);
  }
}

/** The store under test, in front of `shared`, with what it reports. */
function inFrontOf(shared: SecurityCounterStore, clock: ManualClock) {
  const report = { down: jest.fn(), back: jest.fn() };
  const store = new FallbackSecurityCounterStore(
    shared,
    new InMemorySecurityCounterStore(undefined, clock),
    report,
    clock,
  );
  return { store, report };
}

describe('FallbackSecurityCounterStore', () => {
  it('counts in-process while the shared store is down, says so once, and returns to it', async () => {
    const clock = new ManualClock();
    const shared = new SwitchableStore();
    const { store, report } = inFrontOf(shared, clock);

    expect(await store.increment('k', 60_000)).toBe(1);
    shared.down = true;
    // Nothing is lost: the in-process store counts every event.
    for (let i = 1; i <= 5; i++) expect(await store.increment('k', 60_000)).toBe(i);
    expect(store.fallenBack).toBe(true);
    expect(report.down).toHaveBeenCalledTimes(1);
    expect(report.down.mock.calls[0][0]).toEqual(new Error('connect ECONNREFUSED'));
    // Within the retry interval the shared store is not asked again.
    expect(shared.calls).toBe(2);

    shared.down = false;
    await clock.advance(5000);
    expect(await store.increment('k', 60_000)).toBe(2);
    expect(store.fallenBack).toBe(false);
    expect(report.back).toHaveBeenCalledTimes(1);
    expect(report.down).toHaveBeenCalledTimes(1);
  });

  it('falls back at start-up when the shared store cannot connect', async () => {
    const clock = new ManualClock();
    const shared: SecurityCounterStore = {
      init: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
      increment: () => Promise.reject(new Error('not connected')),
    };
    const { store, report } = inFrontOf(shared, clock);
    await store.init();
    expect(store.fallenBack).toBe(true);
    expect(await store.increment('k', 1000)).toBe(1);
    expect(report.down).toHaveBeenCalledTimes(1);
  });
});
