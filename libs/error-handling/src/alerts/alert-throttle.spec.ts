import { ManualClock } from '../kernel/manual-clock.testing';
import { AlertThrottle, type HeldBackWindow } from './alert-throttle';
import { InMemoryThrottleStore } from './in-memory-throttle.store';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

function setup(store?: ThrottleStore) {
  const clock = new ManualClock();
  const summaries: HeldBackWindow[] = [];
  const throttle = new AlertThrottle(
    store ?? new InMemoryThrottleStore(undefined, clock),
    3,
    600,
    (w) => summaries.push(w),
    clock,
  );
  const hits = async (n: number, fingerprint = 'GET /orders/:id TypeError') => {
    const allowed: boolean[] = [];
    for (let i = 0; i < n; i++) allowed.push(await throttle.allow(fingerprint, `title of ${fingerprint}`));
    return allowed;
  };
  return { clock, summaries, throttle, hits };
}

describe('AlertThrottle', () => {
  it('lets repeatLimit alerts through per window, then holds the rest back', async () => {
    const { hits } = setup();
    expect(await hits(5)).toEqual([true, true, true, false, false]);
  });

  it('sends one summary of everything held back when the window ends, not before', async () => {
    const { clock, summaries, hits } = setup();
    await hits(1);
    await clock.advance(60_000);
    await hits(999);
    await clock.advance(539_999);
    expect(summaries).toEqual([]);
    // The window opened at the first hit: it ends 600 s later, and its summary follows 50 ms after.
    await clock.advance(51);
    expect(summaries).toEqual([
      {
        fingerprint: 'GET /orders/:id TypeError',
        title: 'title of GET /orders/:id TypeError',
        heldBack: 997,
        windowSeconds: 600,
      },
    ]);
    // The next window has its own budget.
    expect(await hits(4)).toEqual([true, true, true, false]);
    await clock.advance(600_050);
    expect(summaries.map((s) => s.heldBack)).toEqual([997, 1]);
  });

  it('sends no summary for a window that held nothing back', async () => {
    const { clock, summaries, hits } = setup();
    await hits(3);
    await clock.advance(700_000);
    expect(summaries).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('keeps fingerprints apart', async () => {
    const { clock, summaries, hits } = setup();
    await hits(5, 'a');
    await hits(4, 'b');
    expect(await hits(1, 'c')).toEqual([true]);
    await clock.advance(600_050);
    expect(summaries.map((s) => [s.fingerprint, s.heldBack])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('summarises on demand what is held back so far, and later only what came after', async () => {
    const { clock, summaries, throttle, hits } = setup();
    await hits(10);
    await throttle.flush();
    expect(summaries.map((s) => s.heldBack)).toEqual([7]);
    // Nothing new: a second flush says nothing.
    await throttle.flush();
    expect(summaries).toHaveLength(1);
    await hits(5);
    await clock.advance(600_050);
    expect(summaries.map((s) => s.heldBack)).toEqual([7, 5]);
  });

  it('sends nothing at the window end when an on-demand summary told everything', async () => {
    const { clock, summaries, throttle, hits } = setup();
    await hits(6);
    await Promise.all([throttle.flush(), throttle.flush()]);
    expect(summaries.map((s) => s.heldBack)).toEqual([3]);
    await clock.advance(600_050);
    expect(summaries).toHaveLength(1);
  });

  it('says at least one was held back when the store has lost the window', async () => {
    const lossy: ThrottleStore = {
      hit: (() => {
        let count = 0;
        return async (): Promise<ThrottleHit> => ({ count: ++count, windowId: 1, remainingMs: 1000 });
      })(),
      countOf: async () => undefined,
    };
    const { clock, summaries, hits } = setup(lossy);
    await hits(6);
    await clock.advance(1050);
    expect(summaries.map((s) => s.heldBack)).toEqual([1]);
  });

  it('survives a store that fails when the count is read, and a summariser that throws', async () => {
    const inner = new InMemoryThrottleStore();
    let failing = true;
    const store: ThrottleStore = {
      hit: (k, w) => inner.hit(k, w),
      countOf: async (k, id) => {
        if (failing) throw new Error('ECONNRESET');
        return inner.countOf(k, id);
      },
    };
    const clock = new ManualClock();
    const told: number[] = [];
    let calls = 0;
    const throttle = new AlertThrottle(
      store,
      1,
      10,
      (w) => {
        calls++;
        if (calls === 1) throw new Error('formatter bug');
        told.push(w.heldBack);
      },
      clock,
    );
    for (let i = 0; i < 3; i++) await throttle.allow('f', 't');
    await throttle.flush();
    failing = false;
    await throttle.flush();
    expect(told).toEqual([2]);
  });

  it('cancel() stops the timers without a summary', async () => {
    const { clock, summaries, throttle, hits } = setup();
    await hits(5);
    expect(clock.pending).toBe(1);
    throttle.cancel();
    expect(clock.pending).toBe(0);
    await clock.advance(700_000);
    expect(summaries).toEqual([]);
  });
});
