import { type Clock, systemClock } from './clock';

/** Options of {@link settleWithin}. */
export interface SettleWithinOptions {
  /** Called when the time runs out, before the rejection: to abort the work, say. */
  onTimeout?: () => void;
  /**
   * Let the process exit while only this wait is pending.
   * @default false
   */
  unref?: boolean;
  /** The clock the timeout runs on. @default systemClock */
  clock?: Clock;
}

/**
 * Runs `work` and settles as it does, or rejects with `new Error(timeoutMessage)` when `ms`
 * pass first. The timer is cleared either way. A synchronous throw of `work` becomes the
 * rejection, and a value that is not a promise is taken as it is.
 *
 * @example
 * await settleWithin(() => store.write(batch), 5000, 'audit store write did not settle within 5000 ms');
 */
export function settleWithin<T>(
  work: () => T | PromiseLike<T>,
  ms: number,
  timeoutMessage: string,
  options: SettleWithinOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      options.onTimeout?.();
      reject(new Error(timeoutMessage));
    }, ms);
    if (options.unref) timer.unref();
    let running: Promise<T>;
    try {
      running = Promise.resolve(work());
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err);
      },
    );
  });
}
