import { type Clock, type ClockTimer, systemClock, unrefTimer } from '../kernel/clock';
import type { ThrottleStore } from './throttle-store.interface';

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
  key: string;
  fingerprint: string;
  title: string;
  windowId: number;
  /** Held-back alerts already told in a summary sent before the window ended. */
  told: number;
  timer: ClockTimer | undefined;
  /** The summary being sent, so two are never computed at once for one window. */
  busy: Promise<void>;
}

/** Past a window's end, so that its count is final on every instance's clock. */
const SETTLE_MS = 50;

/**
 * At most `repeatLimit` alerts per fingerprint per window of `snoozeSeconds`. The instance that
 * holds back the first alert of a window sends one summary when the window ends, with the
 * window's final count from the store: with a shared store, one summary for every instance.
 * {@link flush} sends the summaries of open windows at once (at shutdown, or when a test asks);
 * what a window holds back after that is told in a summary of its own when it ends.
 */
export class AlertThrottle {
  private readonly open = new Map<string, OpenWindow>();
  private readonly windowMs: number;

  constructor(
    private readonly store: ThrottleStore,
    private readonly repeatLimit: number,
    snoozeSeconds: number,
    private readonly summarise: (window: HeldBackWindow) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.windowMs = snoozeSeconds * 1000;
  }

  /** True when an alert with `fingerprint` may be sent now: at most `limit` a window. */
  async allow(fingerprint: string, title: string, limit = this.repeatLimit): Promise<boolean> {
    const hit = await this.store.hit(fingerprint, this.windowMs);
    if (hit.count <= limit) return true;
    if (hit.count === limit + 1) this.watch(fingerprint, title, hit.windowId, hit.remainingMs);
    return false;
  }

  /**
   * Sends now the summary of every window that has held alerts back and not told them yet;
   * resolves when they are handed on. The windows stay open.
   */
  async flush(): Promise<void> {
    await Promise.all([...this.open.values()].map((w) => this.tell(w, false)));
  }

  /** Stops the summary timers without sending. */
  cancel(): void {
    for (const w of this.open.values()) this.clock.clearTimeout(w.timer);
    this.open.clear();
  }

  private watch(fingerprint: string, title: string, windowId: number, remainingMs: number): void {
    const key = `${fingerprint}\u0000${windowId}`;
    if (this.open.has(key)) return;
    const window: OpenWindow = {
      key,
      fingerprint,
      title,
      windowId,
      told: 0,
      timer: undefined,
      busy: Promise.resolve(),
    };
    window.timer = unrefTimer(
      this.clock,
      () => void this.tell(window, true),
      Math.max(0, remainingMs) + SETTLE_MS,
    );
    this.open.set(key, window);
  }

  /** Tells what `window` held back since its last summary; `final` when the window has ended. */
  private tell(window: OpenWindow, final: boolean): Promise<void> {
    if (final) {
      this.open.delete(window.key);
      window.timer = undefined;
    }
    window.busy = window.busy
      .then(async () => {
        let count: number | undefined;
        try {
          count = await this.store.countOf(window.fingerprint, window.windowId);
        } catch {
          count = undefined;
        }
        // A store that lost the window (restarted, fell back) says nothing: at least one was held back.
        const heldBack =
          count === undefined ? (window.told === 0 ? 1 : 0) : count - this.repeatLimit - window.told;
        if (heldBack <= 0) return;
        this.summarise({
          fingerprint: window.fingerprint,
          title: window.title,
          heldBack,
          windowSeconds: this.windowMs / 1000,
        });
        window.told += heldBack;
      })
      // A summary that could not be built must not stop the next one of this window.
      .catch(() => undefined);
    return window.busy;
  }
}
