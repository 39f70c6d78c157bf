import { ManualClock } from './manual-clock.testing';
import { settleWithin } from './settle-within';

describe('settleWithin', () => {
  it('resolves with the work, promised or plain', async () => {
    await expect(settleWithin(() => Promise.resolve(42), 1000, 'late')).resolves.toBe(42);
    await expect(settleWithin(() => 'now', 1000, 'late')).resolves.toBe('now');
  });

  it('rejects as the work does, also when it throws synchronously', async () => {
    const failure = new Error('refused');
    await expect(settleWithin(() => Promise.reject(failure), 1000, 'late')).rejects.toBe(failure);
    await expect(
      settleWithin(
        () => {
          throw failure;
        },
        1000,
        'late',
      ),
    ).rejects.toBe(failure);
  });

  it('rejects with the message and calls onTimeout when the work does not settle in time', async () => {
    const clock = new ManualClock();
    const onTimeout = jest.fn();
    const never = new Promise<never>(() => undefined);
    const settled = settleWithin(() => never, 20, 'did not answer within 20 ms', { onTimeout, clock });
    const outcome = settled.then(
      () => 'resolved',
      (err: Error) => err.message,
    );
    await clock.advance(19);
    expect(onTimeout).not.toHaveBeenCalled();
    await clock.advance(1);
    await expect(outcome).resolves.toBe('did not answer within 20 ms');
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('does not call onTimeout for work that settled in time, and clears its timer', async () => {
    const clock = new ManualClock();
    const onTimeout = jest.fn();
    await settleWithin(() => Promise.resolve(), 20, 'late', { onTimeout, clock });
    expect(clock.pending).toBe(0);
    await clock.advance(40);
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
