import { type Clock, type ClockTimer, unrefTimer } from '../kernel/clock';

/** Past a window's end, so that its count is final on every instance's clock. */
export const SETTLE_MS = 50;

/**
 * What a window held back and no summary has told yet: `total` (the store's count of what it held
 * back) less `told`. A store that lost the window (restarted, fell back) gives no total: then at
 * least one alert was held back, unless a summary told it already.
 */
export function untold(total: number | undefined, told: number): number {
  return total === undefined ? (told === 0 ? 1 : 0) : total - told;
}

interface Watched<T> {
  value: T;
  timer: ClockTimer | undefined;
  /** The summary being told, so two are never computed at once for one window. */
  busy: Promise<void>;
}

/**
 * The windows an instance owes a summary for (the throttle's per fingerprint, the budget's per
 * channel): each is told when it ends, or earlier on {@link flush}; `tell` says what it held back
 * since its last summary, `final` once the window has ended.
 */
export class WindowSummaries<T> {
  private readonly open = new Map<string, Watched<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly tell: (value: T, final: boolean) => Promise<void>,
  ) {}

  /** Tells `value` when its window ends, `remainingMs` from now; a key already watched is kept. */
  watch(key: string, value: T, remainingMs: number): void {
    if (this.open.has(key)) return;
    const watched: Watched<T> = { value, timer: undefined, busy: Promise.resolve() };
    watched.timer = unrefTimer(
      this.clock,
      () => void this.run(key, watched, true),
      Math.max(0, remainingMs) + SETTLE_MS,
    );
    this.open.set(key, watched);
  }

  /** Tells every open window now; resolves when they are told. The windows stay open. */
  async flush(): Promise<void> {
    await Promise.all([...this.open].map(([key, w]) => this.run(key, w, false)));
  }

  /** Stops the timers without telling. */
  cancel(): void {
    for (const w of this.open.values()) this.clock.clearTimeout(w.timer);
    this.open.clear();
  }

  private run(key: string, watched: Watched<T>, final: boolean): Promise<void> {
    if (final) {
      this.open.delete(key);
      watched.timer = undefined;
    }
    watched.busy = watched.busy
      .then(() => this.tell(watched.value, final))
      // A summary that could not be built must not stop the next one of this window.
      .catch(() => undefined);
    return watched.busy;
  }
}
