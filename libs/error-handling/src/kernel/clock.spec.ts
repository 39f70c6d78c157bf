import { backoffMs } from './clock';

describe('backoffMs', () => {
  it('doubles from the base for each retry, up to the most', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('stays finite however many retries came before', () => {
    expect(backoffMs(5000, 100, 60_000)).toBe(60_000);
    expect(backoffMs(-1, 100, 60_000)).toBe(100);
  });

  it('with jitter, picks a delay between 0 and the same ceiling', () => {
    const random = jest.spyOn(Math, 'random');
    try {
      random.mockReturnValue(0.5);
      expect(backoffMs(3, 100, 1000, true)).toBe(400);
      random.mockReturnValue(0);
      expect(backoffMs(3, 100, 1000, true)).toBe(0);
      random.mockReturnValue(0.999);
      expect(backoffMs(9, 100, 1000, true)).toBeCloseTo(999);
    } finally {
      random.mockRestore();
    }
  });
});
