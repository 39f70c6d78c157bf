import type { Clock, ClockTimer } from './clock';

interface ManualTimer extends ClockTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * For tests: a {@link Clock} whose time moves only when the test says so. Timers fall due in
 * order of their time (then of setting) as {@link advance} passes them; between two timers the
 * promise jobs they started run, so an async step a timer began is done before the next fires.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: ManualTimer = {
      at: this.time + Math.max(0, Number.isFinite(ms) ? ms : 0),
      seq: this.seq++,
      callback,
      cancelled: false,
      unref: () => timer,
    };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (!timer) return;
    (timer as ManualTimer).cancelled = true;
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Timers set and not yet run or cancelled. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time on by `ms`, running every timer that falls due on the way (those the callbacks
   * set included), each at its own time, and letting promise jobs settle after each.
   */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }

  /** Runs the timers due now (after a `setTimeout(fn, 0)`, say). */
  runDue(): Promise<void> {
    return this.advance(0);
  }

  private nextDue(end: number): ManualTimer | undefined {
    let next: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
    }
    return next;
  }
}

/** Lets pending promise jobs (and the I/O callbacks they wait on, one turn deep) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
