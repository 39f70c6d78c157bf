import { type Clock, systemClock } from '../kernel/clock';
import type { ThrottleStore } from './throttle-store.interface';
import { untold, WindowSummaries } from './window-summaries';

/** A window that held alerts back, to be summarised. */
export interface HeldBackWindow {
  fingerprint: string;
  /** The title of the alert that opened the window. */
  title: string;
  /** Alerts held back since the window's last summary (all of them, for the first). */
  heldBack: number;
  windowSeconds: number;
}

/** A window this instance owes a summary for. */
interface OpenWindow {
  fingerprint: string;
  title: string;
  windowId: number;
  /** Held-back alerts already told in a summary sent before the window ended. */
  told: number;
}

/**
 * At most `repeatLimit` alerts per fingerprint per window of `snoozeSeconds`. The instance that
 * holds back the first alert of a window sends one summary when the window ends, with the
 * window's final count from the store: with a shared store, one summary for every instance.
 * {@link flush} sends the summaries of open windows at once (at shutdown, or when a test asks);
 * what a window holds back after that is told in a summary of its own when it ends.
 */
export class AlertThrottle {
  private readonly windows: WindowSummaries<OpenWindow>;
  private readonly windowMs: number;

  constructor(
    private readonly store: ThrottleStore,
    private readonly repeatLimit: number,
    snoozeSeconds: number,
    private readonly summarise: (window: HeldBackWindow) => void,
    clock: Clock = systemClock,
  ) {
    this.windowMs = snoozeSeconds * 1000;
    this.windows = new WindowSummaries(clock, (w) => this.tell(w));
  }

  /** True when an alert with `fingerprint` may be sent now: at most `limit` a window. */
  async allow(fingerprint: string, title: string, limit = this.repeatLimit): Promise<boolean> {
    const hit = await this.store.hit(fingerprint, this.windowMs);
    if (hit.count <= limit) return true;
    if (hit.count === limit + 1) {
      this.windows.watch(
        `${fingerprint}\u0000${hit.windowId}`,
        { fingerprint, title, windowId: hit.windowId, told: 0 },
        hit.remainingMs,
      );
    }
    return false;
  }

  /**
   * Sends now the summary of every window that has held alerts back and not told them yet;
   * resolves when they are handed on. The windows stay open.
   */
  flush(): Promise<void> {
    return this.windows.flush();
  }

  /** Stops the summary timers without sending. */
  cancel(): void {
    this.windows.cancel();
  }

  /** Tells what `window` held back since its last summary. */
  private async tell(window: OpenWindow): Promise<void> {
    let count: number | undefined;
    try {
      count = await this.store.countOf(window.fingerprint, window.windowId);
    } catch {
      count = undefined;
    }
    const heldBack = untold(count === undefined ? undefined : count - this.repeatLimit, window.told);
    if (heldBack <= 0) return;
    this.summarise({
      fingerprint: window.fingerprint,
      title: window.title,
      heldBack,
      windowSeconds: this.windowMs / 1000,
    });
    window.told += heldBack;
  }
}
