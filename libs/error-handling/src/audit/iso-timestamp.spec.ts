import { isoTimestamp } from './iso-timestamp';

describe('isoTimestamp', () => {
  it('writes the same text as toISOString, within a second and across seconds', () => {
    const start = Date.UTC(2026, 11, 7, 4, 59, 59, 990);
    for (let ms = start; ms < start + 30; ms++) {
      expect(isoTimestamp(new Date(ms))).toBe(new Date(ms).toISOString());
    }
    // Back to an earlier second after a later one.
    expect(isoTimestamp(new Date(start))).toBe(new Date(start).toISOString());
  });

  it('writes dates outside the years 1970 to 9999 as toISOString does', () => {
    for (const ms of [-1, -86_400_001, 253_402_300_800_000, 8.64e15]) {
      expect(isoTimestamp(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });

  it('throws for an invalid date, as toISOString does', () => {
    expect(() => isoTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});
