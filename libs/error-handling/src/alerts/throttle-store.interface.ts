/** One occurrence counted by a {@link ThrottleStore}. */
export interface ThrottleHit {
  /** Occurrences of the key in the current window, this one included. */
  count: number;
  /** Identifies the window (its start, in ms since the epoch). */
  windowId: number;
  /** Time left in the window, in ms. */
  remainingMs: number;
}

/**
 * Counts alerts by fingerprint in windows that start with the first occurrence. The in-process
 * store counts per instance; {@link RedisThrottleStore} gives every instance one budget.
 *
 * @example
 * ErrorHandlingModule.forRoot({ alerts: { throttleStore: myStore } })
 */
export interface ThrottleStore {
  /** Connects; called once at start-up (a failure is logged and throttling falls back). */
  init?(): Promise<void>;
  /** Counts one occurrence of `key`; a window of `windowMs` starts when none is open. */
  hit(key: string, windowMs: number): Promise<ThrottleHit>;
  /**
   * The final count of the window `windowId` of `key`, once it has ended: read to say how many
   * alerts were held back. Undefined when the store no longer knows it.
   */
  countOf(key: string, windowId: number): Promise<number | undefined>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

/** Injection token of the {@link ThrottleStore} in use (null when alerts are off). */
export const ThrottleStore = 'FAULTLINE:ThrottleStore';
