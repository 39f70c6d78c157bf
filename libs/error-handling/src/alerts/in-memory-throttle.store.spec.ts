import { InMemoryThrottleStore } from './in-memory-throttle.store';

describe('InMemoryThrottleStore', () => {
  it('counts within a window and keeps the ended window for its summary', async () => {
    const store = new InMemoryThrottleStore();
    const first = await store.hit('k', 50);
    expect(first.count).toBe(1);
    await store.hit('k', 50);
    expect((await store.hit('k', 50)).count).toBe(3);
    expect(await store.countOf('k', first.windowId)).toBe(3);
    await new Promise((r) => setTimeout(r, 60));
    const next = await store.hit('k', 50);
    expect(next.count).toBe(1);
    expect(next.windowId).not.toBe(first.windowId);
    expect(await store.countOf('k', first.windowId)).toBe(3);
    expect(await store.countOf('other', first.windowId)).toBeUndefined();
  });

  it('forgets the oldest key when full', async () => {
    const store = new InMemoryThrottleStore(2);
    const a = await store.hit('a', 1000);
    await store.hit('b', 1000);
    await store.hit('c', 1000);
    expect(await store.countOf('a', a.windowId)).toBeUndefined();
  });
});
