import { ManualClock } from '../kernel/manual-clock.testing';
import { FingerprintSampler, OTHER_FINGERPRINTS, type SampledOut } from './fingerprint-sampler';

const SETTINGS = { perFingerprint: 3, windowSeconds: 60, maxFingerprints: 4 };

describe('FingerprintSampler', () => {
  let clock: ManualClock;
  let windows: SampledOut[][];
  let sampler: FingerprintSampler;

  beforeEach(() => {
    clock = new ManualClock();
    windows = [];
    sampler = new FingerprintSampler(SETTINGS, clock, (left) => windows.push(left));
  });

  const admitted = (fingerprint: string, n: number) =>
    Array.from({ length: n }, () => sampler.admit(fingerprint)).filter(Boolean).length;

  it('sends the first perFingerprint events of a fingerprint in a window and counts the rest', async () => {
    expect(admitted('GET /boom Error', 10)).toBe(3);
    expect(admitted('GET /other Error', 2)).toBe(2);
    expect(windows).toEqual([]);
    await clock.advance(59_999);
    expect(windows).toEqual([]);
    await clock.advance(1);
    // Only the fingerprint that had events left out is summarised.
    expect(windows).toEqual([[{ fingerprint: 'GET /boom Error', count: 7, windowSeconds: 60 }]]);
  });

  it('starts a new window after the last one ended: the fingerprint is sent again', async () => {
    admitted('GET /boom Error', 5);
    await clock.advance(60_000);
    expect(sampler.tracked).toBe(0);
    expect(clock.pending).toBe(0);
    expect(admitted('GET /boom Error', 4)).toBe(3);
    await clock.advance(60_000);
    expect(windows.map((w) => w[0].count)).toEqual([2, 1]);
  });

  it('says nothing for a window in which nothing was left out', async () => {
    admitted('GET /boom Error', 3);
    await clock.advance(120_000);
    expect(windows).toEqual([]);
  });

  it('tracks at most maxFingerprints; the fingerprints past them share one allowance', async () => {
    for (let i = 0; i < 4; i++) expect(admitted(`GET /r${i} Error`, 1)).toBe(1);
    // 200 more distinct fingerprints, two events each: 3 of them sent in all, not 200.
    let sent = 0;
    for (let i = 4; i < 204; i++) sent += admitted(`GET /r${i} Error`, 2);
    expect(sent).toBe(3);
    expect(sampler.tracked).toBe(5);
    await clock.advance(60_000);
    expect(windows).toEqual([[{ fingerprint: OTHER_FINGERPRINTS, count: 397, windowSeconds: 60 }]]);
  });

  it('ends the window on demand (at shutdown), with its counts', () => {
    admitted('GET /boom Error', 4);
    sampler.endWindow();
    expect(windows).toEqual([[{ fingerprint: 'GET /boom Error', count: 1, windowSeconds: 60 }]]);
    expect(clock.pending).toBe(0);
  });
});
