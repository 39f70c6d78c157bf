import { ManualClock } from '../kernel/manual-clock.testing';
import { type ErrorRateBreach, ErrorRateMonitor } from './error-rate.monitor';

/** The defaults of `alerts.errorRate`: 1 % of requests over 5 minutes, at least 100 requests. */
const DEFAULTS = { threshold: 0.01, windowSeconds: 300, minRequests: 100 };
const BUCKET_MS = 30_000;

function setup(settings = DEFAULTS) {
  const clock = new ManualClock();
  const breaches: ErrorRateBreach[] = [];
  const monitor = new ErrorRateMonitor(settings, (b) => breaches.push(b), clock);
  monitor.start();
  const traffic = (requests: number, errors: number) => {
    for (let i = 0; i < requests; i++) monitor.request();
    for (let i = 0; i < errors; i++) monitor.error();
  };
  return { clock, breaches, monitor, traffic };
}

describe('ErrorRateMonitor', () => {
  it('reports a breach when more than 1 % of at least 100 requests in 5 minutes failed', async () => {
    const { clock, breaches, traffic } = setup();
    traffic(1000, 11);
    await clock.advance(BUCKET_MS - 1);
    expect(breaches).toEqual([]);
    await clock.advance(1);
    expect(breaches).toEqual([
      { errors: 11, requests: 1000, rate: 0.011, threshold: 0.01, windowSeconds: 300 },
    ]);
  });

  it('reports nothing at exactly the threshold', async () => {
    const { clock, breaches, traffic } = setup();
    traffic(1000, 10);
    await clock.advance(10 * BUCKET_MS);
    expect(breaches).toEqual([]);
  });

  it('reports nothing below the minimum request count, however high the rate', async () => {
    const { clock, breaches, traffic } = setup();
    traffic(99, 99);
    await clock.advance(BUCKET_MS);
    expect(breaches).toEqual([]);
    // One more request in the same window reaches the minimum.
    traffic(1, 0);
    await clock.advance(BUCKET_MS);
    expect(breaches).toEqual([
      { errors: 99, requests: 100, rate: 0.99, threshold: 0.01, windowSeconds: 300 },
    ]);
  });

  it('counts the window across buckets, and forgets what is older than the window', async () => {
    const { clock, breaches, traffic } = setup();
    // 2 errors early in the window, the requests spread over it.
    traffic(50, 2);
    for (let i = 0; i < 9; i++) {
      await clock.advance(BUCKET_MS);
      traffic(10, 0);
    }
    // The window holds 140 requests and 2 errors: 1.43 %, reported at each turn while it does.
    await clock.advance(BUCKET_MS);
    expect(breaches.at(-1)).toMatchObject({ errors: 2, requests: 140 });
    const reported = breaches.length;
    // One more turn: the first bucket (with both errors) has left the window.
    traffic(10, 0);
    await clock.advance(BUCKET_MS);
    expect(breaches).toHaveLength(reported);
  });

  it('stops turning when stopped', async () => {
    const { clock, breaches, monitor, traffic } = setup();
    monitor.stop();
    traffic(1000, 500);
    await clock.advance(10 * BUCKET_MS);
    expect(breaches).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
