/** A timer set by a {@link Clock}: Node's `Timeout` is one. */
export interface ClockTimer {
  /** Lets the process exit while only this timer is pending. */
  unref(): unknown;
}

/**
 * Where Faultline's time-based parts (throttle windows, the error-rate window, the
 * suspicious-activity window, the audit writer's batching and backoff, the shutdown drain,
 * delivery timeouts) read the time and set their timers. The default is the system clock, read
 * through the globals at each call, so Jest's modern fake timers drive it as well; a clock of
 * your own lets a test move time on by hand.
 *
 * @example
 * ErrorHandlingModule.forRoot({ clock: { now: () => t, setTimeout: mySetTimeout, clearTimeout: myClearTimeout } })
 */
export interface Clock {
  /** The time, in milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds, like the global `setTimeout`. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  /** Cancels a timer of this clock's; `undefined` is ignored. */
  clearTimeout(timer: ClockTimer | undefined): void;
}

/** The system clock: `Date.now()` and the global timers, looked up at each call. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};

/** A timer that does not keep the process alive. */
export function unrefTimer(clock: Clock, callback: () => void, ms: number): ClockTimer {
  const timer = clock.setTimeout(callback, ms);
  timer.unref();
  return timer;
}

/** Waits `ms` on `clock` without keeping the process alive. */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => unrefTimer(clock, resolve, ms));
}

/** True for a value that has the members of a {@link Clock}. */
export function isClock(value: unknown): value is Clock {
  const c = value as Partial<Clock> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.now === 'function' &&
    typeof c.setTimeout === 'function' &&
    typeof c.clearTimeout === 'function'
  );
}

/**
 * The delay before retry `attempt` (0 for the first retry): `baseMs * 2^attempt`, at most
 * `maxMs`; with `jitter`, a random delay between 0 and that ("full jitter", so that many clients
 * that failed together do not retry together).
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, jitter = false): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return jitter ? Math.random() * ceiling : ceiling;
}
