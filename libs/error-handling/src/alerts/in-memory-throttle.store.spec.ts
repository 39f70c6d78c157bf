import { ManualClock } from '../kernel/manual-clock.testing';
import { InMemoryThrottleStore } from './in-memory-throttle.store';

describe('InMemoryThrottleStore', () => {
  it('counts within a window and keeps the ended window for its summary', async () => {
    const clock = new ManualClock();
    const store = new InMemoryThrottleStore(undefined, clock);
    const first = await store.hit('k', 50);
    expect(first).toEqual({ count: 1, windowId: clock.now(), remainingMs: 50 });
    await clock.advance(20);
    await store.hit('k', 50);
    expect(await store.hit('k', 50)).toMatchObject({ count: 3, windowId: first.windowId, remainingMs: 30 });
    expect(await store.countOf('k', first.windowId)).toBe(3);
    await clock.advance(30);
    const next = await store.hit('k', 50);
    expect(next.count).toBe(1);
    expect(next.windowId).toBe(first.windowId + 50);
    expect(await store.countOf('k', first.windowId)).toBe(3);
    expect(await store.countOf('k', next.windowId)).toBe(1);
    expect(await store.countOf('other', first.windowId)).toBeUndefined();
  });

  it('forgets a window two windows back', async () => {
    const clock = new ManualClock();
    const store = new InMemoryThrottleStore(undefined, clock);
    const first = await store.hit('k', 100);
    await clock.advance(100);
    await store.hit('k', 100);
    await clock.advance(100);
    await store.hit('k', 100);
    expect(await store.countOf('k', first.windowId)).toBeUndefined();
  });

  it('forgets the oldest key when full', async () => {
    const store = new InMemoryThrottleStore(2, new ManualClock());
    const a = await store.hit('a', 1000);
    await store.hit('b', 1000);
    await store.hit('c', 1000);
    expect(await store.countOf('a', a.windowId)).toBeUndefined();
  });
});
